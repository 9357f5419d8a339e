package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** window.cu's kernels against plain C++ references, run on host threads by the CUDA shim (window_test.cpp). */
class WindowKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("window", false);
    }
}

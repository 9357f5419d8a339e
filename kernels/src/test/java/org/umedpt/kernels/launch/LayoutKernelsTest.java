package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** layout.cu's kernels against plain C++ references, run on host threads by the CUDA shim (layout_test.cpp). */
class LayoutKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("layout", false);
    }
}

package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** resize.cu's kernels against plain C++ references, run on host threads by the CUDA shim (resize_test.cpp). */
class ResizeKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("resize", false);
    }
}

package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** im2col.cu's kernels against plain C++ references, run on host threads by the CUDA shim (im2col_test.cpp). */
class Im2colKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("im2col", false);
    }
}

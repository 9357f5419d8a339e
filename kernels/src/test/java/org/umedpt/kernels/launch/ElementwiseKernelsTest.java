package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** elementwise.cu's kernels against plain C++ references, run on host threads by the CUDA shim (elementwise_test.cpp). */
class ElementwiseKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("elementwise", false);
    }
}

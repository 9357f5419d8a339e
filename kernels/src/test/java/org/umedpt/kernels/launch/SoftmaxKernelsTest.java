package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** softmax.cu's kernels against plain C++ references, run on host threads by the CUDA shim (softmax_test.cpp). */
class SoftmaxKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("softmax", false);
    }
}

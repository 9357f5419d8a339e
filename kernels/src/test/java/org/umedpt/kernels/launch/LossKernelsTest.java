package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** loss.cu's kernels against plain C++ references, run on host threads by the CUDA shim (loss_test.cpp). */
class LossKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("loss", false);
    }
}

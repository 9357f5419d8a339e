package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** attention.cu's kernels against plain C++ references, run on host threads by the CUDA shim (attention_test.cpp). */
class AttentionKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("attention", false);
    }
}

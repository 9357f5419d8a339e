package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** layernorm.cu's kernels against plain C++ references, run on host threads by the CUDA shim (layernorm_test.cpp). */
class LayerNormKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("layernorm", false);
    }
}

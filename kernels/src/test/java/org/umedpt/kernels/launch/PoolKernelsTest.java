package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** pool.cu's kernels against plain C++ references, run on host threads by the CUDA shim (pool_test.cpp). */
class PoolKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("pool", false);
    }
}

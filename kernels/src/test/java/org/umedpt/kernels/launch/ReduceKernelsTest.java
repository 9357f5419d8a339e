package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

/** reduce.cu's kernels against plain C++ references, run on host threads by the CUDA shim (reduce_test.cpp). */
class ReduceKernelsTest {
    @Test
    void kernelsMatchTheReferenceUnderTheShim() throws Exception {
        Shim.run("reduce", false);
    }
}

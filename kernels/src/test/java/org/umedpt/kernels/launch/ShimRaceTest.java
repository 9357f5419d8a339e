package org.umedpt.kernels.launch;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The shim tests of the kernels that share memory between threads (barriers, shuffles, shared
 * arrays, atomics) once more under ThreadSanitizer (-DSHIM_QUICK: one shape per case), which
 * reports races such as a missing __syncthreads or __syncwarp. The one-thread-per-element kernels
 * (elementwise, layout, window, im2col, pool, resize) share nothing but atomics and are left out
 * to keep the build short.
 */
class ShimRaceTest {
    @TestFactory
    Stream<DynamicTest> noDataRacesUnderThreadSanitizer() {
        return Stream.of("reduce", "softmax", "layernorm", "attention", "loss").map(n -> DynamicTest.dynamicTest(n, () -> Shim.run(n, true)));
    }
}

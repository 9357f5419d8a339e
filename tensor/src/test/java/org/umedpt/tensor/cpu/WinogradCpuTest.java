package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The Winograd F(2×2, 3×3) convolution ({@link WinogradCpu}) against a float64 convolution: odd and
 * even map sizes (partial 2×2 tiles), a pyramid down to 1×1, channel counts off the vector width
 * (scalar tails of every transform) and 1 or 2 threads. Through {@link CpuBackend}, which sends wide
 * convolutions here ({@link ConvCpu#banded}).
 */
class WinogradCpuTest {

    @ParameterizedTest(name = "n={0} cin={1} cout={2} threads={3}")
    @CsvSource({"1,1,4097,1", "2,33,130,2", "3,70,61,1", "2,65,67,2"})
    void matchesDoublePrecisionConvolution(int n, int cin, int cout, int threads) {
        assertFalse(ConvCpu.banded(cin, cout), "this case must go to Winograd");
        try (CpuBackend be = new CpuBackend(threads)) {
            ConvReference.check(be, n, cin, cout, new int[][] {{5, 6}, {1, 1}, {3, 2}, {8, 7}, {2, 2}}, n * 1000L + cin * 31L + cout);
        }
    }

    @Test
    void weightGradientDoesNotDependOnThreadCount() {
        assertFalse(ConvCpu.banded(61, 70));
        float[][] dW = ConvReference.weightGradientAtOneAndTwoThreads(2, 61, 70, 15, 12, 11);
        assertArrayEquals(dW[0], dW[1]);
    }
}

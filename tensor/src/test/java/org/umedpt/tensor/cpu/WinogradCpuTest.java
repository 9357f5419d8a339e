package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

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
        Rng r = new Rng(11);
        int n = 2, cin = 61, cout = 70, h = 15, wd = 12;
        Tensor x = Tensor.normal(r, 0, 1, n, cin, h, wd), w = Tensor.normal(r, 0, 0.3f, cout, cin, 3, 3);
        Tensor dy = Tensor.normal(r, 0, 1, n, cout, h, wd);
        ConvGeometry[] geo = {ConvGeometry.of("t", n, cin, h, wd, 3, 3, 1, 1)};
        assertFalse(ConvCpu.banded(cin, cout));
        float[][] dW = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuBackend be = new CpuBackend(threads)) {
                Tensor d = Tensor.zeros(w.shape());
                be.conv2dBackward(new Tensor[] {null}, d, dy, new Tensor[] {x}, geo, w);
                dW[threads - 1] = d.data();
            }
        }
        assertArrayEquals(dW[0], dW[1]);
    }
}

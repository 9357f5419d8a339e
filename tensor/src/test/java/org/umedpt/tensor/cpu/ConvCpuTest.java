package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.umedpt.tensor.ConvGeometry;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct 3×3 convolution ({@link ConvCpu}): its kernels against their scalar references at odd
 * depths, and the backend's forward and backward against a float64 convolution, over several maps
 * at once (a pyramid down to 1×1, images narrower than a vector), output-channel counts around the
 * register tile (1, 2, 7, 8, 9, 17) and 1 or 2 threads.
 */
class ConvCpuTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 207})
    void tileKernelMatchesScalarReference(int k) {
        Random r = new Random(k);
        int mr = Gemm.MR, nr = Gemm.NR, span = 300;
        float[] a = new float[k * mr + 3], band = new float[span + k + nr + 64];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < band.length; i++) band[i] = (float) r.nextGaussian();
        int[] off = new int[k];
        for (int p = 0; p < k; p++) off[p] = r.nextInt(span);
        float[] got = new float[mr * nr], want = new float[mr * nr];
        if (mr == 8) ConvCpu.kernel8x3(k, a, 3, band, 5, off, got);
        else ConvCpu.kernel6x2(k, a, 3, band, 5, off, got);
        ConvCpu.kernelScalar(k, a, 3, band, 5, off, want);
        for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-4f * (1 + Math.abs(want[i])), "tile element " + i);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 207})
    void weightGradientSumsMatchScalarReference(int vectors) {
        Random r = new Random(vectors);
        int width = 11, q1 = vectors * VectorMath.L;
        float[] dy = new float[q1 + 64], x = new float[q1 + 2 * width + 64];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] want = new float[9], one = new float[9], two = new float[18];
        ConvCpu.dotScalar(want, 0, dy, 3, x, 1, width, 0, q1);
        ConvCpu.dot1x9(one, 0, dy, 3, x, 1, width, 0, q1);
        ConvCpu.dot2x9(two, 0, 9, dy, 3, 3, x, 1, width, 0, q1);
        for (int t = 0; t < 9; t++) {
            float tol = 1e-4f * (float) Math.sqrt(q1);
            assertEquals(want[t], one[t], tol, "dot1x9 tap " + t);
            assertEquals(want[t], two[t], tol, "dot2x9 first row, tap " + t);
            assertEquals(want[t], two[9 + t], tol, "dot2x9 second row, tap " + t);
        }
    }

    @Test
    void supportsOnlyThreeByThreeStrideOnePaddingOne() {
        assertTrue(ConvCpu.supports(ConvGeometry.of("t", 1, 1, 5, 5, 3, 3, 1, 1)));
        assertFalse(ConvCpu.supports(ConvGeometry.of("t", 1, 1, 5, 5, 3, 3, 2, 1)));
        assertFalse(ConvCpu.supports(ConvGeometry.of("t", 1, 1, 5, 5, 3, 3, 1, 0)));
        assertFalse(ConvCpu.supports(ConvGeometry.of("t", 1, 1, 5, 5, 1, 1, 1, 0)));
        assertFalse(ConvCpu.supports(ConvGeometry.of("t", 1, 1, 5, 5, 5, 5, 1, 2)));
    }

    @ParameterizedTest(name = "n={0} cin={1} cout={2} threads={3}")
    @CsvSource({"1,1,1,1", "2,3,2,1", "3,5,7,2", "2,4,8,1", "2,3,9,2", "1,17,17,2", "2,2,1,2"})
    void matchesDoublePrecisionConvolution(int n, int cin, int cout, int threads) {
        assertTrue(ConvCpu.banded(cin, cout), "this case must go to the band kernels");
        try (CpuBackend be = new CpuBackend(threads)) {
            // few channels: the band kernels; many: Winograd (WinogradCpuTest)
            ConvReference.check(be, n, cin, cout, new int[][] {{5, 6}, {1, 1}, {3, 2}, {9, 20}}, n * 1000L + cin * 31L + cout);
        }
    }

    @Test
    void weightGradientDoesNotDependOnThreadCount() {
        assertTrue(ConvCpu.banded(13, 11)); // several chunks of output positions
        float[][] dW = ConvReference.weightGradientAtOneAndTwoThreads(2, 13, 11, 40, 70, 7);
        assertArrayEquals(dW[0], dW[1]);
    }
}

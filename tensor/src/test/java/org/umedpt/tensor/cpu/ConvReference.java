package org.umedpt.tensor.cpu;

import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A 3×3, stride-1, padding-1 convolution of several maps in float64, forward and both gradients, and
 * the check of a backend's {@code conv2dForward}/{@code conv2dBackward} against it: the direct
 * kernels' reference.
 */
final class ConvReference {
    private ConvReference() {}

    /**
     * Runs {@code be}'s direct convolution of maps of {@code sizes} (n images, cin → cout channels) and
     * checks y, dX (accumulated onto 0.5; map 1's input without a gradient) and dW (likewise).
     */
    static void check(org.umedpt.tensor.Backend be, int n, int cin, int cout, int[][] sizes, long seed) {
        Rng r = new Rng(seed);
        Tensor[] xs = new Tensor[sizes.length];
        ConvGeometry[] geos = new ConvGeometry[sizes.length];
        int outSize = 0;
        for (int l = 0; l < sizes.length; l++) {
            xs[l] = Tensor.normal(r, 0, 1, n, cin, sizes[l][0], sizes[l][1]);
            geos[l] = ConvGeometry.of("t", n, cin, sizes[l][0], sizes[l][1], 3, 3, 1, 1);
            outSize += n * cout * sizes[l][0] * sizes[l][1];
        }
        Tensor w = Tensor.normal(r, 0, 0.5f, cout, cin, 3, 3), bias = Tensor.normal(r, 0, 1, cout);
        Tensor dy = Tensor.normal(r, 0, 1, outSize);
        double[] y = new double[outSize], dw = new double[w.size()];
        double[][] dx = new double[sizes.length][];
        for (int l = 0, off = 0; l < sizes.length; l++) {
            dx[l] = new double[xs[l].size()];
            reference(xs[l].data(), w.data(), bias.data(), dy.data(), off, n, cin, cout, sizes[l][0], sizes[l][1], y, dx[l], dw);
            off += n * cout * sizes[l][0] * sizes[l][1];
        }
        Tensor got = Tensor.full(Float.NaN, outSize); // overwritten everywhere
        be.conv2dForward(got, xs, geos, w, bias);
        assertClose(y, got.data(), "y");
        Tensor[] dxs = new Tensor[sizes.length];
        for (int l = 0; l < sizes.length; l++) dxs[l] = Tensor.full(0.5f, xs[l].shape()); // accumulated into
        if (sizes.length > 1) dxs[1] = null; // a map whose input needs no gradient
        Tensor dW = Tensor.full(0.5f, w.shape());
        be.conv2dBackward(dxs, dW, dy, xs, geos, w);
        for (int l = 0; l < sizes.length; l++) {
            if (dxs[l] == null) continue;
            double[] want = dx[l].clone();
            for (int i = 0; i < want.length; i++) want[i] += 0.5;
            assertClose(want, dxs[l].data(), "dx of map " + l);
        }
        double[] want = dw.clone();
        for (int i = 0; i < want.length; i++) want[i] += 0.5;
        assertClose(want, dW.data(), "dW");
    }

    /** The weight gradient of one map (n, cin, h, w) → cout through the backend at 1 and at 2 threads. */
    static float[][] weightGradientAtOneAndTwoThreads(int n, int cin, int cout, int h, int w, long seed) {
        Rng r = new Rng(seed);
        Tensor x = Tensor.normal(r, 0, 1, n, cin, h, w), wt = Tensor.normal(r, 0, 0.3f, cout, cin, 3, 3);
        Tensor dy = Tensor.normal(r, 0, 1, n, cout, h, w);
        ConvGeometry[] geo = {ConvGeometry.of("t", n, cin, h, w, 3, 3, 1, 1)};
        float[][] dW = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuBackend be = new CpuBackend(threads)) {
                Tensor d = Tensor.zeros(wt.shape());
                be.conv2dBackward(new Tensor[] {null}, d, dy, new Tensor[] {x}, geo, wt);
                dW[threads - 1] = d.data();
            }
        }
        return dW;
    }

    /** y (outputs from yOff) = conv + bias; dx += ∂/∂x and dw += ∂/∂w of Σ y·dy, all in float64. */
    static void reference(float[] x, float[] w, float[] b, float[] dy, int yOff, int n, int cin, int cout, int h, int wd,
                                  double[] y, double[] dx, double[] dw) {
        for (int i = 0; i < n; i++) {
            for (int co = 0; co < cout; co++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < wd; c++) {
                        int yi = yOff + ((i * cout + co) * h + r) * wd + c;
                        double s = b[co];
                        for (int ci = 0; ci < cin; ci++) {
                            for (int t = 0; t < 9; t++) {
                                int rr = r + t / 3 - 1, cc = c + t % 3 - 1;
                                if (rr < 0 || rr >= h || cc < 0 || cc >= wd) continue;
                                int xi = ((i * cin + ci) * h + rr) * wd + cc, wi = (co * cin + ci) * 9 + t;
                                s += (double) w[wi] * x[xi];
                                dx[xi] += (double) w[wi] * dy[yi];
                                dw[wi] += (double) x[xi] * dy[yi];
                            }
                        }
                        y[yi] = s;
                    }
                }
            }
        }
    }

    static void assertClose(double[] want, float[] got, String what) {
        double scale = 0;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * (1 + scale), what + " at " + i + " of " + want.length);
        }
    }
}

package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vectorised and multi-threaded loops against plain scalar references (the {@link UnaryOp} and
 * {@link BinaryOp} double definitions, and loops written here), at sizes that exercise vector tails
 * and thread splits: 1, 7, 13, 129, 4099, and 70001 (above the parallel grain).
 */
class CpuBackendParityTest {
    static CpuBackend one, two;

    @BeforeAll
    static void setUp() {
        one = new CpuBackend(1);
        two = new CpuBackend(2);
    }

    @AfterAll
    static void tearDown() {
        one.close();
        two.close();
    }

    private static void close(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-6 + 2e-6 * Math.abs(expected), what);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 129, 4099, 70001})
    void unaryMatchesScalarDefinition(int n) {
        Rng r = new Rng(n);
        Tensor x = Tensor.normal(r, 0, 1, n);
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            for (UnaryOp op : UnaryOp.values()) {
                Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW || op == UnaryOp.RECIPROCAL
                        ? absPlus(x, 0.5f) : x;
                Tensor y = Tensor.zeros(n);
                be.unary(y, op, in, 1.5f);
                for (int i = 0; i < n; i++) close(op.f(in.data()[i], 1.5f), y.data()[i], op + " at " + i);
                Tensor dy = Tensor.normal(r, 0, 1, n), dx = Tensor.full(0.25f, n);
                be.unaryBackward(dx, op, in, y, dy, 1.5f);
                for (int i = 0; i < n; i++) {
                    close(0.25 + dy.data()[i] * op.df(in.data()[i], y.data()[i], 1.5f), dx.data()[i], op + "' at " + i);
                }
            }
        }
    }

    /**
     * GELU and its derivative far out, where e^(−x²/2) underflows (the exp's argument is bounded at
     * |x|/√2 = 10): 0.0, ±(0…40) by 0.0625, each value at a vector lane and in a scalar tail.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void geluFarOutMatchesDefinition(int threads) {
        int n = 2 * 641 + 1 + 7; // 7 more: the last elements run in a scalar tail
        float[] v = new float[n];
        for (int i = 0; i < 641; i++) {
            v[2 * i] = i * 0.0625f;
            v[2 * i + 1] = -i * 0.0625f;
        }
        for (int i = 2 * 641; i < n; i++) v[i] = (i % 2 == 0 ? 1 : -1) * (12f + (i - 2 * 641) * 1.5f);
        Tensor x = Tensor.of(v, n), y = Tensor.zeros(n), dy = Tensor.full(1f, n), dx = Tensor.zeros(n);
        CpuBackend be = threads == 1 ? one : two;
        be.unary(y, UnaryOp.GELU, x, 0f);
        be.unaryBackward(dx, UnaryOp.GELU, x, y, dy, 0f);
        for (int i = 0; i < n; i++) {
            close(UnaryOp.GELU.f(v[i], 0), y.data()[i], "gelu(" + v[i] + ")");
            close(UnaryOp.GELU.df(v[i], y.data()[i], 0), dx.data()[i], "gelu'(" + v[i] + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 129, 4099, 70001})
    void binaryAndBroadcastMatchScalarLoops(int n) {
        Rng r = new Rng(n + 1);
        Tensor a = Tensor.normal(r, 0, 1, 3, n), b = absPlus(Tensor.normal(r, 0, 1, 3, n), 0.5f), v = absPlus(Tensor.normal(r, 0, 1, 3), 0.5f);
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            for (BinaryOp op : BinaryOp.values()) {
                Tensor out = Tensor.full(1f, 3, n);
                be.binary(out, op, a, b, 3 * n, 1, true);
                for (int i = 0; i < 3 * n; i++) close(1 + op.apply(a.data()[i], b.data()[i]), out.data()[i], op + " at " + i);
                be.binary(out, op, a, v, 3, n, false); // per-row (channel) broadcast
                for (int i = 0; i < 3 * n; i++) close(op.apply(a.data()[i], v.data()[i / n]), out.data()[i], op + " bcast at " + i);
            }
            Tensor red = Tensor.zeros(3);
            be.reduceToMid(red, a, 1, 3, n, false);
            for (int m = 0; m < 3; m++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += a.data()[m * n + i];
                assertEquals(s, red.data()[m], 1e-4 * Math.sqrt(n));
            }
            Tensor same = Tensor.full(1f, 3, n); // nothing to reduce: copy or accumulate
            be.reduceToMid(same, a, 1, 3 * n, 1, true);
            for (int i = 0; i < 3 * n; i++) close(1 + a.data()[i], same.data()[i], "reduceToMid += at " + i);
            be.reduceToMid(same, a, 1, 3 * n, 1, false);
            for (int i = 0; i < 3 * n; i++) close(a.data()[i], same.data()[i], "reduceToMid = at " + i);
            Tensor y = Tensor.full(2f, 3, n);
            be.axpy(y, -0.5f, a);
            for (int i = 0; i < 3 * n; i++) close(2 - 0.5 * a.data()[i], y.data()[i], "axpy at " + i);
        }
    }

    /** The vector AdamW step equals the scalar update element for element, wherever thread splits fall. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 129, 4099, 70001})
    void adamWStepMatchesTheScalarUpdate(int n) {
        Rng r = new Rng(n + 3);
        Tensor g = Tensor.normal(r, 0, 1, n), m0 = Tensor.normal(r, 0, 0.1f, n), v0 = absPlus(Tensor.normal(r, 0, 0.01f, n), 0f);
        Tensor p0 = Tensor.normal(r, 0, 1, n);
        float lr = 1e-3f, wd = 0.01f, eps = 1e-8f, bc1 = 0.19f, bc2 = 0.0297f;
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            Tensor p = Tensor.of(p0.toArray(), n), m = Tensor.of(m0.toArray(), n), v = Tensor.of(v0.toArray(), n);
            be.adamWStep(p, g, m, v, lr, 0.9, 0.999, eps, wd, bc1, bc2);
            float decay = 1 - lr * wd, step = lr / bc1, sq = (float) Math.sqrt(bc2);
            for (int i = 0; i < n; i++) {
                float gi = g.data()[i];
                float mi = 0.9f * m0.data()[i] + (float) (1 - 0.9) * gi;
                float vi = 0.999f * v0.data()[i] + (float) (1 - 0.999) * gi * gi;
                float pi = p0.data()[i] * decay - step * mi / ((float) Math.sqrt(vi) / sq + eps);
                assertEquals(mi, m.data()[i], "m at " + i);
                assertEquals(vi, v.data()[i], "v at " + i);
                assertEquals(pi, p.data()[i], "p at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 129, 4099})
    void rowOpsAgreeAcrossThreadCounts(int cols) {
        Rng r = new Rng(cols + 2);
        int rows = 37;
        Tensor x = Tensor.normal(r, 0, 2, rows, cols), w = Tensor.normal(r, 1, 0.1f, cols), b = Tensor.normal(r, 0, 0.1f, cols);
        Tensor dy = Tensor.normal(r, 0, 1, rows, cols);
        float[][] results = new float[2][];
        int k = 0;
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            Tensor y = Tensor.zeros(rows, cols), mean = Tensor.zeros(rows), rstd = Tensor.zeros(rows);
            be.layerNormForward(y, mean, rstd, x, w, b, rows, cols, 1e-5f);
            Tensor dx = Tensor.zeros(rows, cols), dw = Tensor.zeros(cols), db = Tensor.zeros(cols);
            be.layerNormBackward(dx, dw, db, dy, x, mean, rstd, w, rows, cols);
            Tensor s = Tensor.zeros(rows, cols), ds = Tensor.zeros(rows, cols);
            be.softmaxForward(s, x, rows, cols, false);
            be.softmaxBackward(ds, s, dy, rows, cols, false);
            results[k++] = concat(y.toArray(), dx.toArray(), dw.toArray(), db.toArray(), s.toArray(), ds.toArray());
        }
        for (int i = 0; i < results[0].length; i++) {
            assertEquals(results[0][i], results[1][i], 1e-5 * (1 + Math.abs(results[0][i])), "element " + i);
        }
    }

    /** kernel, stride, padding, height, width: "same" windows (the shifted-plane path) and the general path. */
    @ParameterizedTest
    @CsvSource({"3,1,1,7,9", "3,2,1,7,9", "3,1,1,1,1", "3,1,1,2,2", "3,1,1,1,5", "5,1,2,4,3", "1,1,0,3,4", "3,1,0,5,6", "3,1,2,4,4"})
    void im2colAndCol2imMatchTheirDefinitions(int k, int stride, int pad, int h, int w) {
        Rng r = new Rng(k * 31 + stride * 7 + h);
        int n = 2, c = 3, kk = k * k;
        org.umedpt.tensor.ConvGeometry g = org.umedpt.tensor.ConvGeometry.of("test", n, c, h, w, k, k, stride, pad);
        Tensor x = Tensor.normal(r, 0, 1, n, c, h, w);
        int plane = g.oh() * g.ow(), width = g.n() * plane;
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            Tensor cols = Tensor.full(Float.NaN, g.patchSize(), width);
            be.im2col(cols, x, g);
            Tensor dcol = Tensor.normal(r, 0, 1, g.patchSize(), width), dx = Tensor.normal(r, 0, 1, n, c, h, w);
            double[] ref = new double[dx.size()];
            for (int q = 0; q < ref.length; q++) ref[q] = dx.data()[q];
            be.col2im(dx, dcol, g);
            for (int row = 0; row < g.patchSize(); row++) {
                int ch = row / kk, i = row / k % k, j = row % k;
                for (int b = 0; b < n; b++) {
                    for (int oh = 0; oh < g.oh(); oh++) {
                        for (int ow = 0; ow < g.ow(); ow++) {
                            int ih = oh * stride - pad + i, iw = ow * stride - pad + j, col = b * plane + oh * g.ow() + ow;
                            boolean in = ih >= 0 && ih < h && iw >= 0 && iw < w;
                            float expected = in ? x.get(b, ch, ih, iw) : 0f;
                            assertEquals(expected, cols.get(row, col), "im2col row " + row + " col " + col);
                            if (in) ref[((b * c + ch) * h + ih) * w + iw] += dcol.get(row, col);
                        }
                    }
                }
            }
            for (int q = 0; q < ref.length; q++) assertEquals(ref[q], dx.data()[q], 1e-5, "col2im at " + q);
        }
    }

    private static Tensor absPlus(Tensor x, float c) {
        float[] d = x.toArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.abs(d[i]) + c;
        return Tensor.of(d, x.shape());
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}

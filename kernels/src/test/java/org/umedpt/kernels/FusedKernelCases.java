package org.umedpt.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.umedpt.kernels.launch.AttentionKernels;
import org.umedpt.kernels.launch.LossKernels;
import org.umedpt.kernels.launch.WindowKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cases written once for the kernels that are not behind a Backend primitive yet (window partition/reverse with shift and
 * padding, fused window attention forward and backward (v1) and forward (v2 cosine), LayerNorm with
 * the residual add, fused cross-entropy, sigmoid focal / BCE) on the device against
 * plain Java references in double, the same references as their shim tests: on a GPU
 * ({@link FusedKernelsDeviceTest}) and on the shim device ({@link ShimFusedKernelsTest}, which also
 * checks these references and the launchers before any GPU sees them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FusedKernelCases {
    CudaContext ctx;
    String unavailable;
    /** Window cases (b, h, w, c, window, shift). */
    int[][] WINDOWS = {{2, 56, 56, 96, 7, 3}, {1, 9, 11, 5, 7, 3}, {2, 16, 8, 4, 8, 4}, {1, 5, 3, 2, 7, 0}};
    /** Attention cases (windows, heads, n, d, nw, masked, cosine). */
    int[][] ATTENTION = {{64, 3, 49, 32, 16, 1, 0}, {16, 4, 64, 32, 4, 1, 0}, {3, 1, 7, 5, 3, 1, 0}, {2, 2, 33, 40, 1, 0, 0},
            {16, 4, 64, 32, 4, 1, 1}};
    /** (rows, cols) of the LayerNorm and cross-entropy cases. */
    int[][] LAYERNORM = {{1, 1}, {7, 33}, {3136, 96}, {5, 1025}};
    int[][] CROSS_ENTROPY = {{1, 1}, {7, 3}, {33, 1000}, {4099, 2}};
    final Random rnd = new Random(5);
    final List<Long> allocations = new ArrayList<>();

    /** Opens {@link #ctx} or sets {@link #unavailable}. */
    abstract void openDevice();

    @BeforeAll
    void open() {
        openDevice();
    }

    @AfterAll
    void close() {
        if (ctx != null) ctx.close();
    }

    @BeforeEach
    void needDevice() {
        assumeTrue(unavailable == null, () -> "skipped: " + unavailable);
    }

    @org.junit.jupiter.api.AfterEach
    void free() {
        if (ctx != null) for (long p : allocations) ctx.api().memFree(p);
        allocations.clear();
    }

    float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 4 - 2);
        return a;
    }

    long upload(float[] a) {
        long p = ctx.api().memAlloc(Math.max(4L, 4L * a.length));
        allocations.add(p);
        ctx.api().copyToDevice(p, a, 0, a.length, ctx.stream());
        return p;
    }

    float[] download(long p, int n) {
        float[] a = new float[n];
        ctx.api().copyToHost(a, 0, p, n, ctx.stream());
        return a;
    }

    static void close(String what, double[] expected, float[] actual, double tol) {
        double maxDiff = 0, maxRef = 1e-30;
        for (int i = 0; i < expected.length; i++) {
            double d = Float.isNaN(actual[i]) ? Double.POSITIVE_INFINITY : Math.abs(actual[i] - expected[i]);
            maxDiff = Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        double rel = maxDiff / maxRef;
        assertTrue(rel <= tol, () -> what + ": max|cuda − ref| / max|ref| = " + rel + " > " + tol);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Test
    void windowPartitionAndReverse() {
        for (int[] k : WINDOWS) {
            int b = k[0], h = k[1], w = k[2], c = k[3], win = k[4], s = k[5];
            int hp = (h + win - 1) / win * win, wp = (w + win - 1) / win * win, nwh = hp / win, nww = wp / win;
            float[] x = random(b * h * w * c);
            double[] e = new double[b * hp * wp * c];
            for (int bi = 0; bi < b; bi++)
                for (int wi = 0; wi < nwh; wi++)
                    for (int wj = 0; wj < nww; wj++)
                        for (int ti = 0; ti < win; ti++)
                            for (int tj = 0; tj < win; tj++) {
                                int y = (wi * win + ti + s) % hp, z = (wj * win + tj + s) % wp; // pad, then roll by −s
                                for (int ch = 0; ch < c; ch++) {
                                    int o = ((((bi * nwh + wi) * nww + wj) * win + ti) * win + tj) * c + ch;
                                    e[o] = y < h && z < w ? x[((bi * h + y) * w + z) * c + ch] : 0;
                                }
                            }
            long xp = upload(x), out = upload(new float[e.length]);
            WindowKernels.partition(ctx, out, xp, b, h, w, c, win, s, s, hp, wp, false);
            String at = h + "x" + w + " win " + win + " shift " + s;
            close("window_partition " + at, e, download(out, e.length), 0);
            // reverse of partition gives x back (padding dropped); with accumulate, 2x
            long back = upload(new float[x.length]);
            WindowKernels.reverse(ctx, back, out, b, h, w, c, win, s, s, hp, wp, false);
            close("window_reverse " + at, toDouble(x), download(back, x.length), 0);
            WindowKernels.reverse(ctx, back, out, b, h, w, c, win, s, s, hp, wp, true);
            double[] twice = toDouble(x);
            for (int i = 0; i < twice.length; i++) twice[i] *= 2;
            close("window_reverse accumulate " + at, twice, download(back, x.length), 0);
        }
    }

    @Test
    void windowAttentionForwardAndBackward() {
        for (int[] k : ATTENTION) {
            int bw = k[0], heads = k[1], n = k[2], d = k[3], nw = k[4];
            boolean masked = k[5] == 1, cosine = k[6] == 1;
            float[] logitScale = new float[heads];
            for (int h = 0; h < heads; h++) logitScale[h] = 10f + 3f * h;
            int C = heads * d;
            float scale = (float) (1 / Math.sqrt(d));
            float[] qkv = random(bw * n * 3 * C), bias = random(heads * n * n), mask = new float[nw * n * n], dout = random(bw * n * C);
            for (int i = 0; i < mask.length; i++) mask[i] = i * 7 % 5 == 0 ? -100f : 0f;
            double[] oe = new double[bw * n * C], pe = new double[bw * heads * n * n];
            double[] dq = new double[qkv.length], db = new double[bias.length];
            for (int b = 0; b < bw; b++) {
                for (int h = 0; h < heads; h++) {
                    double[][] p = new double[n][n];
                    for (int i = 0; i < n; i++) {
                        double mx = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < n; j++) {
                            double t = 0, nq = 0, nk = 0;
                            for (int e = 0; e < d; e++) {
                                double qv = qkv[((b * n + i) * 3) * C + h * d + e], kv = qkv[((b * n + j) * 3 + 1) * C + h * d + e];
                                t += qv * kv;
                                nq += qv * qv;
                                nk += kv * kv;
                            }
                            t = cosine ? t / (Math.max(Math.sqrt(nq), 1e-12) * Math.max(Math.sqrt(nk), 1e-12)) * logitScale[h] : t * scale;
                            t += bias[(h * n + i) * n + j] + (masked ? mask[((b % nw) * n + i) * n + j] : 0);
                            p[i][j] = t;
                            mx = Math.max(mx, t);
                        }
                        for (int j = 0; j < n; j++) sum += Math.exp(p[i][j] - mx);
                        for (int j = 0; j < n; j++) {
                            p[i][j] = Math.exp(p[i][j] - mx) / sum;
                            pe[((b * heads + h) * n + i) * n + j] = p[i][j];
                        }
                        for (int e = 0; e < d; e++) {
                            double a = 0;
                            for (int j = 0; j < n; j++) a += p[i][j] * qkv[((b * n + j) * 3 + 2) * C + h * d + e];
                            oe[(b * n + i) * C + h * d + e] = a;
                        }
                    }
                    double[][] ds = new double[n][n];
                    for (int i = 0; i < n; i++) {
                        double dot = 0;
                        double[] dp = new double[n];
                        for (int j = 0; j < n; j++) {
                            for (int e = 0; e < d; e++) dp[j] += (double) dout[(b * n + i) * C + h * d + e] * qkv[((b * n + j) * 3 + 2) * C + h * d + e];
                            dot += dp[j] * p[i][j];
                        }
                        for (int j = 0; j < n; j++) {
                            ds[i][j] = p[i][j] * (dp[j] - dot);
                            db[(h * n + i) * n + j] += ds[i][j];
                        }
                    }
                    for (int j = 0; j < n; j++) {
                        for (int e = 0; e < d; e++) {
                            double gq = 0, gk = 0, gv = 0;
                            for (int i = 0; i < n; i++) {
                                gq += ds[j][i] * qkv[((b * n + i) * 3 + 1) * C + h * d + e];
                                gk += ds[i][j] * qkv[((b * n + i) * 3) * C + h * d + e];
                                gv += p[i][j] * dout[(b * n + i) * C + h * d + e];
                            }
                            dq[((b * n + j) * 3) * C + h * d + e] += scale * gq;
                            dq[((b * n + j) * 3 + 1) * C + h * d + e] += scale * gk;
                            dq[((b * n + j) * 3 + 2) * C + h * d + e] += gv;
                        }
                    }
                }
            }
            float[] nanOut = new float[oe.length], nanP = new float[pe.length];
            Arrays.fill(nanOut, Float.NaN);
            Arrays.fill(nanP, Float.NaN);
            long qp = upload(qkv), bp = upload(bias), mp = masked ? upload(mask) : 0, op = upload(nanOut), pp = upload(nanP);
            AttentionKernels.forward(ctx, op, pp, qp, bp, mp, cosine ? upload(logitScale) : 0, bw, heads, n, d, nw, scale);
            String at = "n=" + n + " d=" + d + " heads=" + heads + " windows=" + bw + (cosine ? " cosine" : "");
            close("window_attention_forward out " + at, oe, download(op, oe.length), 1e-5);
            close("window_attention_forward probs " + at, pe, download(pp, pe.length), 1e-5);
            if (cosine) continue; // the backward is v1's
            long dqp = upload(new float[qkv.length]), dbp = upload(new float[bias.length]), dop = upload(dout);
            AttentionKernels.backward(ctx, dqp, dbp, dop, pp, qp, bw, heads, n, d, scale);
            close("window_attention_backward dqkv " + at, dq, download(dqp, qkv.length), 1e-5);
            close("window_attention_backward dbias " + at, db, download(dbp, bias.length), 1e-5);
        }
    }

    @Test
    void layerNormWithResidual() {
        for (int[] sh : LAYERNORM) {
            int rows = sh[0], cols = sh[1];
            float[] x = random(rows * cols), r = random(rows * cols), w = random(cols), b = random(cols);
            double[] se = new double[rows * cols], ye = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                double m = 0, v = 0;
                for (int c = 0; c < cols; c++) {
                    se[i * cols + c] = x[i * cols + c] + r[i * cols + c];
                    m += se[i * cols + c];
                }
                m /= cols;
                for (int c = 0; c < cols; c++) v += (se[i * cols + c] - m) * (se[i * cols + c] - m);
                double rs = 1 / Math.sqrt(v / cols + 1e-5);
                for (int c = 0; c < cols; c++) ye[i * cols + c] = (se[i * cols + c] - m) * rs * w[c] + b[c];
            }
            long yp = upload(new float[rows * cols]), sp = upload(new float[rows * cols]), mp = upload(new float[rows]), rp = upload(new float[rows]);
            org.umedpt.kernels.launch.LayerNormKernels.residualForward(ctx, yp, sp, mp, rp, upload(x), upload(r), upload(w), upload(b), rows, cols, 1e-5f);
            close("layernorm_residual_forward sum " + rows + "x" + cols, se, download(sp, rows * cols), 1e-6);
            close("layernorm_residual_forward y " + rows + "x" + cols, ye, download(yp, rows * cols), 1e-5);
        }
    }

    static double focal(double x, double t, double a, double g) {
        double p = 1 / (1 + Math.exp(-x)), pt = p * t + (1 - p) * (1 - t), at = a >= 0 ? a * t + (1 - a) * (1 - t) : 1;
        double bce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
        return at * Math.pow(1 - pt, g) * bce;
    }

    @Test
    void sigmoidFocalAndBce() {
        double[][] params = {{0.25, 2}, {-1, 0}, {0.5, 1.5}};
        for (double[] pr : params) {
            int n = 4099;
            float[] x = random(n), t = new float[n], dl = random(n);
            double[] le = new double[n], de = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] *= 3;
                t[i] = i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : 0.3f;
                le[i] = focal(x[i], t[i], pr[0], pr[1]);
                de[i] = dl[i] * (focal(x[i] + 1e-4, t[i], pr[0], pr[1]) - focal(x[i] - 1e-4, t[i], pr[0], pr[1])) / 2e-4;
            }
            long xp = upload(x), tp = upload(t), lp = upload(new float[n]), dlp = upload(dl), dxp = upload(new float[n]);
            LossKernels.sigmoidFocalForward(ctx, lp, xp, tp, n, (float) pr[0], (float) pr[1]);
            close("sigmoid_focal_forward alpha=" + pr[0] + " gamma=" + pr[1], le, download(lp, n), 1e-5);
            LossKernels.sigmoidFocalBackward(ctx, dxp, xp, tp, dlp, n, (float) pr[0], (float) pr[1]);
            close("sigmoid_focal_backward alpha=" + pr[0] + " gamma=" + pr[1], de, download(dxp, n), 1e-4);
        }
    }

    @Test
    void crossEntropyForwardAndBackward() {
        for (int[] s : CROSS_ENTROPY) {
            int rows = s[0], cols = s[1];
            float[] x = random(rows * cols), t = new float[rows], dl = random(rows);
            double[] le = new double[rows], de = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                t[r] = r % 4 == 3 ? -100 : (r * 3) % cols;
                if (t[r] == -100) continue;
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
                for (int c = 0; c < cols; c++) sum += Math.exp(x[r * cols + c] - m);
                le[r] = m + Math.log(sum) - x[r * cols + (int) t[r]];
                for (int c = 0; c < cols; c++) de[r * cols + c] = dl[r] * (Math.exp(x[r * cols + c] - m) / sum - (c == (int) t[r] ? 1 : 0));
            }
            long xp = upload(x), tp = upload(t), lp = upload(new float[rows]), dlp = upload(dl), dxp = upload(new float[rows * cols]);
            LossKernels.crossEntropyForward(ctx, lp, xp, tp, rows, cols, -100);
            close("cross_entropy_forward " + rows + "x" + cols, le, download(lp, rows), 1e-5);
            LossKernels.crossEntropyBackward(ctx, dxp, xp, tp, dlp, rows, cols, -100);
            close("cross_entropy_backward " + rows + "x" + cols, de, download(dxp, rows * cols), 1e-5);
        }
    }
}

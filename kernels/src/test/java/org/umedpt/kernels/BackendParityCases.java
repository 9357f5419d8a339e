package org.umedpt.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend parity cases, written once: every Backend primitive on a CUDA backend against the CPU
 * backend (the reference), on fresh
 * random inputs at sizes with tails, outputs poisoned with NaN before each run (an element a
 * kernel forgets stays NaN). Error is max|cuda − cpu| / max(|cpu|, 1e−30) per output tensor;
 * fp32 ≤ 1e−5, TF32 GEMM ≤ 1e−3. Launches are synchronised one by one (debug mode) so a failure
 * names its kernel. Subclasses open the device: {@link CudaParityTest} a GPU (skipping with the reason
 * where there is none), {@link ShimParityTest} the kernels on host threads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendParityCases {
    int[] SIZES = {1, 7, 33, 4099, 100_003};
    int[][] ROWS_COLS = {{1, 1}, {7, 33}, {33, 1025}, {129, 96}, {3, 4099}};
    /** reduceToMid shapes (outer, mid, inner). */
    int[][] REDUCE_SHAPES = {{1, 7, 1}, {33, 7, 1}, {4, 3, 33}, {1, 5, 4099}, {4099, 96, 1}, {2, 96, 3136}};
    /** resize cases (planes, h, w, oh, ow). */
    int[][] RESIZES = {{6, 7, 7, 14, 14}, {2, 5, 3, 33, 17}, {3, 28, 28, 7, 9}, {2, 56, 56, 224, 224}};
    /** GEMM shapes (batch, m, n, k). */
    int[][] GEMMS = {{1, 1, 1, 1}, {3, 7, 33, 5}, {1, 129, 96, 384}, {8, 49, 49, 32}, {2, 512, 513, 255}};
    Backend cuda, cudaTf32, cudaBf16;
    CpuBackend cpu;
    /** Why the device tests skip, or null when a device is open. */
    String unavailable;
    final Rng rng = new Rng(11);

    /** Opens {@link #cuda}, {@link #cudaTf32} and {@link #cudaBf16}, or sets {@link #unavailable}. */
    abstract void openDevice();

    /** Each test skips on its own, so the reason shows once per test in the report. */
    @BeforeEach
    void needDevice() {
        assumeTrue(unavailable == null, () -> "skipped: " + unavailable);
    }

    @BeforeAll
    void open() {
        cpu = new CpuBackend(1);
        openDevice();
    }

    @AfterAll
    void close() {
        if (cuda != null) cuda.close();
        if (cudaTf32 != null) cudaTf32.close();
        if (cudaBf16 != null) cudaBf16.close();
        if (cpu != null) cpu.close();
    }

    // ------------------------------------------------------------ helpers

    Tensor rand(int... shape) {
        return Tensor.uniform(rng, -2f, 2f, shape);
    }

    static Tensor poisoned(int... shape) {
        return Tensor.full(Float.NaN, shape);
    }

    static void close(String what, Tensor expected, Tensor actual, double tol) {
        float[] e = expected.toArray(), a = actual.toArray();
        double maxDiff = 0, maxRef = 1e-30;
        int worst = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (Float.isNaN(a[i]) != Float.isNaN(e[i])) d = Double.POSITIVE_INFINITY;
            else if (Float.isNaN(a[i])) d = 0;
            if (d > maxDiff || worst < 0) {
                maxDiff = Math.max(maxDiff, d);
                worst = i;
            }
            if (!Float.isNaN(e[i])) maxRef = Math.max(maxRef, Math.abs(e[i]));
        }
        double rel = maxDiff / maxRef;
        int w = worst;
        assertTrue(rel <= tol, () -> what + ": max|cuda − cpu| / max|cpu| = " + rel + " > " + tol + " (first worst at " + w + ": cpu "
                + (w >= 0 ? e[w] : 0) + ", cuda " + (w >= 0 ? a[w] : 0) + ")");
    }

    /** Runs op on CPU and CUDA with the same (copied) outputs and compares them. */
    void both(String what, double tol, Tensor[] outputs, BiConsumer<Backend, Tensor[]> op) {
        both(what, tol, cuda, outputs, op);
    }

    void both(String what, double tol, Backend dev, Tensor[] outputs, BiConsumer<Backend, Tensor[]> op) {
        Tensor[] ref = new Tensor[outputs.length], got = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            ref[i] = outputs[i] == null ? null : outputs[i].copyToHeap();
            got[i] = outputs[i] == null ? null : outputs[i].copyToHeap();
        }
        op.accept(cpu, ref);
        op.accept(dev, got);
        for (int i = 0; i < outputs.length; i++) if (ref[i] != null) close(what + " output " + i, ref[i], got[i], tol);
    }

    // ------------------------------------------------------------ memory, elementwise

    @Test
    void fillCopyAxpy() {
        for (int n : SIZES) {
            Tensor x = rand(n);
            both("fill n=" + n, 0, new Tensor[] {poisoned(n)}, (b, o) -> b.fill(o[0], 0.25f));
            both("copy n=" + n, 0, new Tensor[] {poisoned(n)}, (b, o) -> b.copy(o[0], x));
            both("axpy n=" + n, 1e-6, new Tensor[] {rand(n)}, (b, o) -> b.axpy(o[0], -1.5f, x));
        }
    }

    @Test
    void unaryForwardAndBackward() {
        for (int n : SIZES) {
            for (UnaryOp op : UnaryOp.values()) {
                boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW || op == UnaryOp.RECIPROCAL;
                Tensor x = positive ? Tensor.uniform(rng, 0.1f, 3f, n) : rand(n), dy = rand(n);
                float p = op == UnaryOp.POW ? 1.7f : 0.3f;
                both(op + " forward n=" + n, 1e-5, new Tensor[] {poisoned(n)}, (b, o) -> b.unary(o[0], op, x, p));
                Tensor y = Tensor.zeros(n);
                cpu.unary(y, op, x, p);
                both(op + " backward n=" + n, 1e-5, new Tensor[] {rand(n)}, (b, o) -> b.unaryBackward(o[0], op, x, y, dy, p));
            }
        }
    }

    @Test
    void binaryWithEveryBroadcast() {
        int outer = 3, c = 33, inner = 41, n = outer * c * inner;
        Tensor a = rand(n), full = rand(n), vec = Tensor.uniform(rng, 0.5f, 2f, c), scalar = Tensor.uniform(rng, 0.5f, 2f, 1);
        for (BinaryOp op : BinaryOp.values()) {
            for (boolean acc : new boolean[] {false, true}) {
                Tensor start = acc ? rand(n) : poisoned(n);
                both(op + " equal", 1e-5, new Tensor[] {start}, (b, o) -> b.binary(o[0], op, a, full, n, 1, acc));
                both(op + " scalar", 1e-5, new Tensor[] {start}, (b, o) -> b.binary(o[0], op, a, scalar, 1, 1, acc));
                both(op + " last-dim", 1e-5, new Tensor[] {start}, (b, o) -> b.binary(o[0], op, a.view(outer * inner, c), vec, c, 1, acc));
                both(op + " per-channel", 1e-5, new Tensor[] {start}, (b, o) -> b.binary(o[0], op, a, vec, c, inner, acc));
            }
        }
    }

    @Test
    void reductions() {
        for (int[] s : REDUCE_SHAPES) {
            Tensor x = rand(s[0] * s[1] * s[2]);
            both("reduceToMid " + s[0] + "x" + s[1] + "x" + s[2], 1e-5, new Tensor[] {rand(s[1])},
                    (b, o) -> b.reduceToMid(o[0], x, s[0], s[1], s[2], true));
        }
        for (int[] rc : ROWS_COLS) {
            int r = rc[0], c = rc[1];
            Tensor x = rand(r, c);
            both("sumRows " + r + "x" + c, 1e-5, new Tensor[] {poisoned(r)}, (b, o) -> b.sumRows(o[0], x, r, c, 0.5f));
            both("maxRows " + r + "x" + c, 0, new Tensor[] {poisoned(r), poisoned(r)}, (b, o) -> b.maxRows(o[0], o[1], x, r, c));
            float[] t = new float[r];
            for (int i = 0; i < r; i++) t[i] = i % 5 == 4 ? -100 : (i * 7) % c;
            Tensor idx = Tensor.of(t, r), dy = rand(r);
            both("gatherRows " + r + "x" + c, 0, new Tensor[] {poisoned(r)}, (b, o) -> b.gatherRows(o[0], x, idx, r, c, -100));
            both("scatterRows " + r + "x" + c, 1e-6, new Tensor[] {rand(r, c)}, (b, o) -> b.scatterRows(o[0], idx, dy, r, c, -100));
        }
    }

    @Test
    void softmaxAndLayerNorm() {
        for (int[] rc : ROWS_COLS) {
            int r = rc[0], c = rc[1];
            Tensor x = Tensor.uniform(rng, -6, 6, r, c), dy = rand(r, c), w = rand(c), bias = rand(c);
            for (boolean log : new boolean[] {false, true}) {
                both("softmax log=" + log + " " + r + "x" + c, 1e-5, new Tensor[] {poisoned(r, c)}, (b, o) -> b.softmaxForward(o[0], x, r, c, log));
                Tensor y = Tensor.zeros(r, c);
                cpu.softmaxForward(y, x, r, c, log);
                both("softmaxBackward log=" + log + " " + r + "x" + c, 1e-5, new Tensor[] {rand(r, c)},
                        (b, o) -> b.softmaxBackward(o[0], y, dy, r, c, log));
            }
            for (boolean affine : new boolean[] {false, true}) {
                Tensor wt = affine ? w : null, bt = affine ? bias : null;
                both("layerNorm affine=" + affine + " " + r + "x" + c, 1e-5, new Tensor[] {poisoned(r, c), poisoned(r), poisoned(r)},
                        (b, o) -> b.layerNormForward(o[0], o[1], o[2], x, wt, bt, r, c, 1e-5f));
                Tensor y = Tensor.zeros(r, c), mean = Tensor.zeros(r), rstd = Tensor.zeros(r);
                cpu.layerNormForward(y, mean, rstd, x, wt, bt, r, c, 1e-5f);
                Tensor res = rand(r, c);
                both("layerNormResidualForward affine=" + affine + " " + r + "x" + c, 1e-5, new Tensor[] {poisoned(r, c), poisoned(r, c), poisoned(r),
                        poisoned(r)}, (bk, o) -> bk.layerNormResidualForward(o[0], o[1], o[2], o[3], x, res, wt, bt, r, c, 1e-5f));
                both("layerNormBackward affine=" + affine + " " + r + "x" + c, 1e-5, new Tensor[] {rand(r, c), affine ? rand(c) : null,
                        affine ? rand(c) : null}, (b, o) -> b.layerNormBackward(o[0], o[1], o[2], dy, x, mean, rstd, wt, r, c));
            }
        }
    }

    @Test
    void gemmInEveryPrecision() {
        for (int[] s : GEMMS) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor a = rand(batch, m * k), bm = rand(batch, k * n), c = rand(batch, m * n);
                    String what = "gemm " + batch + "x" + m + "x" + n + "x" + k + " " + (ta ? "T" : "N") + (tb ? "T" : "N");
                    both(what + " fp32", 1e-5, new Tensor[] {c}, (b, o) -> b.gemm(o[0], a, bm, batch, m, n, k, ta, tb, 0.5f, 0.25f,
                            (long) m * k, (long) k * n, (long) m * n));
                    both(what + " beta=0", 1e-5, new Tensor[] {poisoned(batch, m * n)}, (b, o) -> b.gemm(o[0], a, bm, batch, m, n, k, ta, tb,
                            1f, 0f, (long) m * k, (long) k * n, (long) m * n));
                    both(what + " tf32", 1e-3, cudaTf32, new Tensor[] {c}, (b, o) -> b.gemm(o[0], a, bm, batch, m, n, k, ta, tb, 0.5f, 0.25f,
                            (long) m * k, (long) k * n, (long) m * n));
                    both(what + " bf16", 1e-2, cudaBf16, new Tensor[] {c}, (b, o) -> b.gemm(o[0], a, bm, batch, m, n, k, ta, tb, 0.5f, 0.25f,
                            (long) m * k, (long) k * n, (long) m * n));
                    // exactly the fp32 product of the bf16-rounded inputs: checks the rounding and the operand layout
                    Tensor a16 = bf16(a), b16 = bf16(bm), ref = c.copyToHeap(), got = c.copyToHeap();
                    cpu.gemm(ref, a16, b16, batch, m, n, k, ta, tb, 0.5f, 0.25f, (long) m * k, (long) k * n, (long) m * n);
                    cudaBf16.gemm(got, a, bm, batch, m, n, k, ta, tb, 0.5f, 0.25f, (long) m * k, (long) k * n, (long) m * n);
                    close(what + " bf16 vs fp32 on rounded inputs", ref, got, 1e-4);
                }
            }
        }
    }

    /** x rounded to bfloat16 (nearest, ties to even), as the backend's to_bf16 kernel does. */
    static Tensor bf16(Tensor x) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            int u = Float.floatToRawIntBits(v[i]);
            v[i] = Float.isNaN(v[i]) ? v[i] : Float.intBitsToFloat(((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16);
        }
        return Tensor.of(v, x.shape());
    }

    @Test
    void layout() {
        int[] shape = {2, 49, 3, 3, 32};
        int n = 2 * 49 * 3 * 3 * 32;
        Tensor x = rand(n);
        for (boolean acc : new boolean[] {false, true}) {
            both("permute acc=" + acc, 0, new Tensor[] {acc ? rand(n) : poisoned(n)},
                    (b, o) -> b.permute(o[0], x, shape, new int[] {2, 0, 3, 1, 4}, acc));
            Tensor src = rand(3, 7, 5);
            both("copyBlock acc=" + acc, 0, new Tensor[] {rand(3, 4, 5)}, (b, o) -> b.copyBlock(o[0], 4, 1, src, 7, 2, 3, 3, 5, acc));
            Tensor img = rand(2, 14, 14, 5);
            both("roll acc=" + acc, 0, new Tensor[] {acc ? rand(2, 14, 14, 5) : poisoned(2, 14, 14, 5)},
                    (b, o) -> b.roll(o[0], img, 2, 14, 14, 5, -3, -3, acc));
            // shifted windows: a padded odd map (9x11 -> 14x14, window 7, shift 3) and one side shorter than the window
            Tensor odd = rand(2, 9, 11, 5), wins = rand(2 * 4, 49, 5);
            both("windowPartition acc=" + acc, 0, new Tensor[] {acc ? rand(2 * 4, 49, 5) : poisoned(2 * 4, 49, 5)},
                    (b, o) -> b.windowPartition(o[0], odd, 2, 9, 11, 5, 7, 3, 3, 14, 14, acc));
            both("windowReverse acc=" + acc, 0, new Tensor[] {acc ? rand(2, 9, 11, 5) : poisoned(2, 9, 11, 5)},
                    (b, o) -> b.windowReverse(o[0], wins, 2, 9, 11, 5, 7, 3, 3, 14, 14, acc));
            Tensor flat = rand(1, 5, 12, 3);
            both("windowPartition one-sided shift acc=" + acc, 0, new Tensor[] {acc ? rand(2, 49, 3) : poisoned(2, 49, 3)},
                    (b, o) -> b.windowPartition(o[0], flat, 1, 5, 12, 3, 7, 0, 3, 7, 14, acc));
        }
        Tensor table = rand(169, 3);
        float[] id = new float[49 * 49];
        for (int i = 0; i < id.length; i++) id[i] = (i * 31) % 169;
        Tensor idx = Tensor.of(id, id.length), dy = rand(id.length, 3);
        both("indexSelectRows", 0, new Tensor[] {poisoned(id.length, 3)}, (b, o) -> b.indexSelectRows(o[0], table, idx, 3));
        both("indexAddRows", 1e-5, new Tensor[] {rand(169, 3)}, (b, o) -> b.indexAddRows(o[0], idx, dy, 3));
    }

    @Test
    void im2colAndCol2im() {
        ConvGeometry[] gs = {ConvGeometry.of("t", 2, 3, 7, 5, 3, 3, 1, 1), ConvGeometry.of("t", 1, 2, 9, 9, 3, 3, 2, 1),
                ConvGeometry.of("t", 2, 3, 16, 16, 4, 4, 4, 0), ConvGeometry.of("t", 3, 4, 1, 1, 1, 1, 1, 0)};
        for (ConvGeometry g : gs) {
            Tensor x = rand(g.n() * g.c() * g.h() * g.w());
            int width = g.n() * g.oh() * g.ow(), ld = width + 5;
            both("im2col " + g, 0, new Tensor[] {poisoned(g.patchSize() * width)}, (b, o) -> b.im2col(o[0], x, g));
            both("im2col offset " + g, 0, new Tensor[] {rand(g.patchSize() * ld)}, (b, o) -> b.im2col(o[0], x, g, ld, 3));
            Tensor cols = rand(g.patchSize() * ld);
            both("col2im " + g, 1e-5, new Tensor[] {rand(x.size())}, (b, o) -> b.col2im(o[0], cols, g, ld, 2));
        }
    }

    @Test
    void poolingAndResize() {
        ConvGeometry[] gs = {ConvGeometry.of("t", 2, 3, 7, 9, 3, 3, 2, 1), ConvGeometry.of("t", 1, 4, 8, 8, 2, 2, 2, 0),
                ConvGeometry.of("t", 1, 2, 2, 3, 3, 3, 1, 1)};
        for (ConvGeometry g : gs) {
            int in = g.n() * g.c() * g.h() * g.w(), out = g.n() * g.c() * g.oh() * g.ow();
            Tensor x = rand(in), dy = rand(out);
            both("maxPool " + g, 0, new Tensor[] {poisoned(out), poisoned(out)}, (b, o) -> b.maxPoolForward(o[0], o[1], x, g));
            Tensor y = Tensor.zeros(out), arg = Tensor.zeros(out);
            cpu.maxPoolForward(y, arg, x, g);
            both("maxPoolBackward " + g, 1e-6, new Tensor[] {rand(in)}, (b, o) -> b.maxPoolBackward(o[0], arg, dy, g));
            for (boolean inc : new boolean[] {false, true}) {
                both("avgPool include=" + inc + " " + g, 1e-6, new Tensor[] {poisoned(out)}, (b, o) -> b.avgPoolForward(o[0], x, g, inc));
                both("avgPoolBackward include=" + inc + " " + g, 1e-6, new Tensor[] {rand(in)}, (b, o) -> b.avgPoolBackward(o[0], dy, g, inc));
            }
        }
        for (int[] r : RESIZES) {
            Tensor x = rand(r[0] * r[1] * r[2]), dy = rand(r[0] * r[3] * r[4]);
            for (boolean bil : new boolean[] {false, true}) {
                String what = "resize bilinear=" + bil + " " + r[1] + "x" + r[2] + "->" + r[3] + "x" + r[4];
                both(what, 1e-6, new Tensor[] {poisoned(r[0] * r[3] * r[4])}, (b, o) -> b.resizeForward(o[0], x, r[0], r[1], r[2], r[3], r[4], bil));
                both(what + " backward", 1e-5, new Tensor[] {rand(r[0] * r[1] * r[2])},
                        (b, o) -> b.resizeBackward(o[0], dy, r[0], r[1], r[2], r[3], r[4], bil));
            }
        }
    }

    /** (windows, N, heads, hd, maskWindows): Swin v1's 49 tokens and v2's 64 with hd 32, and an odd small case. */
    int[][] ATTENTION = {{4, 9, 2, 4, 2}, {4, 49, 2, 32, 2}, {2, 64, 1, 32, 1}};

    @Test
    void fusedWindowAttention() {
        for (int[] a : ATTENTION) {
            int w = a[0], n = a[1], heads = a[2], hd = a[3], nw = a[4], c = heads * hd;
            Tensor qkv = rand(w, n, 3 * c), bias = rand(heads, n, n), tau = Tensor.uniform(rng, 5f, 20f, heads);
            java.util.Arrays.fill(qkv.data(), 0, 2 * c, 0f); // token 0 of window 0: zero q and k rows (the cosine form's clamped norm)
            Tensor mask = Tensor.zeros(nw, n, n);
            for (int i = 0; i < mask.size(); i++) if (rng.nextFloat() < 0.3f) mask.data()[i] = -100f;
            for (Tensor m : new Tensor[] {null, mask}) {
                for (Tensor t : new Tensor[] {null, tau}) {
                    String what = "windowAttention " + w + "x" + n + " heads=" + heads + " hd=" + hd + (m == null ? "" : " masked")
                            + (t == null ? "" : " cosine");
                    float scale = (float) (1 / Math.sqrt(hd));
                    both(what, 1e-5, new Tensor[] {poisoned(w, n, c), poisoned(w, heads, n, n)},
                            (b, o) -> b.windowAttentionForward(o[0], o[1], qkv, bias, m, t, w, n, heads, hd, nw, scale));
                    Tensor o = Tensor.zeros(w, n, c), p = Tensor.zeros(w, heads, n, n), dO = rand(w, n, c);
                    cpu.windowAttentionForward(o, p, qkv, bias, m, t, w, n, heads, hd, nw, scale);
                    if (t == null) {
                        both(what + " backward", 1e-5, new Tensor[] {rand(w, n, 3 * c), rand(heads, n, n)},
                                (b, out) -> b.windowAttentionBackward(out[0], out[1], null, null, dO, p, qkv, null, w, n,
                                        heads, hd, scale));
                    } else { // dτ too; and without dbias, dτ (frozen position bias, a fixed τ)
                        both(what + " backward", 1e-5, new Tensor[] {rand(w, n, 3 * c), rand(heads, n, n), rand(heads)},
                                (b, out) -> b.windowAttentionBackward(out[0], out[1], out[2], Tensor.zeros(w, heads), dO, p, qkv, t, w, n,
                                        heads, hd, scale));
                        both(what + " backward, qkv only", 1e-5, new Tensor[] {rand(w, n, 3 * c)},
                                (b, out) -> b.windowAttentionBackward(out[0], null, null, null, dO, p, qkv, t, w, n,
                                        heads, hd, scale));
                    }
                }
            }
        }
    }

    @Test
    void adamWOverEveryParameterInOneStep() {
        int[] sizes = {7, 1, 4099, 0, 33, 100_003};
        int t = sizes.length;
        Tensor[] g = new Tensor[t];
        float[] wd = new float[t];
        for (int i = 0; i < t; i++) {
            g[i] = rand(sizes[i]);
            wd[i] = i % 2 == 0 ? 0.05f : 0f; // decayed matrices and undecayed norms
        }
        Tensor[] outs = new Tensor[3 * t];
        for (int i = 0; i < t; i++) {
            outs[i] = rand(sizes[i]);
            outs[t + i] = rand(sizes[i]);
            outs[2 * t + i] = Tensor.uniform(rng, 0, 1, sizes[i]);
        }
        for (int step = 1; step <= 2; step++) { // a second step with another lr: a new decay table
            float lr = step * 1e-3f;
            both("adamWStepAll step " + step, 1e-6, outs, (b, o) -> b.adamWStepAll(java.util.Arrays.copyOfRange(o, 0, t), g,
                    java.util.Arrays.copyOfRange(o, t, 2 * t), java.util.Arrays.copyOfRange(o, 2 * t, 3 * t), lr, 0.9, 0.999, 1e-8f, wd, 0.19f,
                    0.002f));
        }
    }

    @Test
    void adamW() {
        for (int n : SIZES) {
            Tensor g = rand(n);
            both("adamW n=" + n, 1e-6, new Tensor[] {rand(n), rand(n), Tensor.uniform(rng, 0, 1, n)},
                    (b, o) -> b.adamWStep(o[0], g, o[1], o[2], 1e-3f, 0.9, 0.999, 1e-8f, 0.05f, 0.19f, 0.002f));
        }
    }
}

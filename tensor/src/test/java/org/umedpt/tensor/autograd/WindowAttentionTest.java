package org.umedpt.tensor.autograd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fused window attention op ({@link WindowAttention}) against (1) a float64 re-implementation of
 * its forward, differentiated by central finite differences in float64, (2) the unfused op chain
 * the model used before (reshape/permute/split, matmul, broadcast adds, softmax, matmul, permute),
 * forward and every gradient, and (3) itself on 1, 2 and 3 threads, bit for bit. Shapes are odd
 * (N = 4, 9, 13 (row groups of 8, 4 and 1), 16, 49, 64, 81 (beyond the strided copies' 64); heads
 * 1–3; hd 2–8, 16, 24 (a vector plus a tail at 16 lanes), plus Swin's hd 32) so vector tails and
 * thread splits occur.
 * Both variants: v1's scaled dot product and v2's cosine attention with a per-head τ.
 */
class WindowAttentionTest {
    static CpuBackend one, two, three;

    @BeforeAll
    static void setUp() {
        one = new CpuBackend(1);
        two = new CpuBackend(2);
        three = new CpuBackend(3);
    }

    @AfterAll
    static void tearDown() {
        one.close();
        two.close();
        three.close();
    }

    /**
     * One random problem: qkv (bw, n, 3·heads·hd), bias (heads, n, n), mask (nW, n, n) or null, and
     * for cosine attention tau (heads) (else null).
     */
    record Case(int bw, int nW, int n, int heads, int hd, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, float scale) {
        static Case random(int bw, int nW, int n, int heads, int hd, long seed) {
            return random(bw, nW, n, heads, hd, seed, false);
        }

        static Case random(int bw, int nW, int n, int heads, int hd, long seed, boolean cosine) {
            Rng r = new Rng(seed);
            Tensor qkv = Tensor.normal(r, 0f, 1f, bw, n, 3 * heads * hd).requiresGrad(true);
            Tensor bias = Tensor.normal(r, 0f, 0.5f, heads, n, n).requiresGrad(true);
            Tensor mask = null;
            if (nW > 0) { // small values, and some −100 entries as the shift mask has
                mask = Tensor.normal(r, 0f, 0.5f, nW, n, n);
                float[] m = mask.data();
                for (int i = 0; i < m.length; i++) if (r.nextFloat() < 0.2f) m[i] = -100f;
            }
            Tensor tau = null;
            if (cosine) {
                tau = Tensor.zeros(heads).requiresGrad(true);
                for (int h = 0; h < heads; h++) tau.data()[h] = 2f + 3f * r.nextFloat();
            }
            return new Case(bw, nW, n, heads, hd, qkv, bias, mask, tau, (float) (1 / Math.sqrt(hd)));
        }

        int c() {
            return heads * hd;
        }

        Tensor fused(Graph g) {
            return tau == null ? Ops.windowAttention(g, qkv, bias, mask, heads, scale) : Ops.windowCosineAttention(g, qkv, bias, mask, tau, heads);
        }

        /** ShiftedWindowAttentionV2's normalize: x / sqrt(max(Σx², 1e−24)) over the last dim. */
        private static Tensor normalize(Graph g, Tensor x) {
            int[] keep = x.shape();
            keep[keep.length - 1] = 1;
            Tensor norm = Ops.sqrt(g, Ops.clampMin(g, Ops.sumLast(g, Ops.square(g, x)), 1e-24f));
            return Ops.div(g, x, Ops.reshape(g, norm, keep));
        }

        /** The unfused chain, as ShiftedWindowAttention computed it before the fused op. */
        Tensor unfused(Graph g) {
            Tensor split = Ops.permute(g, Ops.reshape(g, qkv, bw, n, 3, heads, hd), 2, 0, 3, 1, 4); // (3, B', heads, N, hd)
            Tensor[] parts = Ops.split(g, split, 0, 1, 1, 1);
            Tensor q = Ops.reshape(g, parts[0], bw, heads, n, hd);
            Tensor k = Ops.reshape(g, parts[1], bw, heads, n, hd);
            Tensor v = Ops.reshape(g, parts[2], bw, heads, n, hd);
            Tensor attn = tau == null ? Ops.matmul(g, Ops.mul(g, q, scale), k, false, true)
                    : Ops.mul(g, Ops.matmul(g, normalize(g, q), normalize(g, k), false, true), Ops.reshape(g, tau, heads, 1, 1));
            if (mask != null) {
                Tensor biasMask = Ops.add(g, Ops.reshape(g, mask, nW, 1, n, n), bias); // (nW, heads, N, N)
                attn = Ops.reshape(g, Ops.add(g, Ops.reshape(g, attn, bw / nW, nW, heads, n, n), biasMask), bw, heads, n, n);
            } else {
                attn = Ops.add(g, attn, bias);
            }
            Tensor o = Ops.matmul(g, Ops.softmax(g, attn), v);
            return Ops.reshape(g, Ops.permute(g, o, 0, 2, 1, 3), bw, n, c());
        }

        /** The forward in float64 from float64 inputs (t: tau, or null): o (bw, n, C). */
        double[] reference(double[] x, double[] b, double[] t) {
            int c = c(), ld = 3 * c;
            double[] o = new double[bw * n * c], s = new double[n];
            float[] m = mask == null ? null : mask.data();
            for (int w = 0; w < bw; w++) {
                for (int h = 0; h < heads; h++) {
                    int q0 = w * n * ld + h * hd, k0 = q0 + c, v0 = q0 + 2 * c;
                    double[] rq = new double[n], rk = new double[n];
                    for (int i = 0; i < n; i++) {
                        double sq = 0, sk = 0;
                        for (int d = 0; d < hd; d++) {
                            sq += x[q0 + i * ld + d] * x[q0 + i * ld + d];
                            sk += x[k0 + i * ld + d] * x[k0 + i * ld + d];
                        }
                        rq[i] = t == null ? 1 : 1 / Math.sqrt(Math.max(sq, 1e-24));
                        rk[i] = t == null ? 1 : 1 / Math.sqrt(Math.max(sk, 1e-24));
                    }
                    double f = t == null ? scale : t[h];
                    for (int i = 0; i < n; i++) {
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < n; j++) {
                            double dot = 0;
                            for (int d = 0; d < hd; d++) dot += x[q0 + i * ld + d] * x[k0 + j * ld + d];
                            s[j] = f * dot * rq[i] * rk[j] + b[(h * n + i) * n + j] + (m == null ? 0 : m[((w % nW) * n + i) * n + j]);
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j < n; j++) sum += s[j] = Math.exp(s[j] - max);
                        for (int d = 0; d < hd; d++) {
                            double acc = 0;
                            for (int j = 0; j < n; j++) acc += s[j] / sum * x[v0 + j * ld + d];
                            o[(w * n + i) * c + h * hd + d] = acc;
                        }
                    }
                }
            }
            return o;
        }
    }

    private static double[] toDouble(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static float[] seed(int size) {
        Rng r = new Rng(77);
        float[] s = new float[size];
        for (int i = 0; i < size; i++) s[i] = (float) r.nextGaussian();
        return s;
    }

    /** Output and gradients of one forward + backward with seed gradient {@link #seed}. */
    private record Result(float[] o, float[] dQkv, float[] dBias, float[] dTau) {}

    private static Result run(CpuBackend be, Case k, boolean fused) {
        k.qkv().setGrad(null);
        k.bias().setGrad(null);
        if (k.tau() != null) k.tau().setGrad(null);
        try (Graph g = new Graph(be, new Arena())) {
            Tensor o = fused ? k.fused(g) : k.unfused(g);
            float[] out = o.toArray();
            g.backward(o, g.of(seed(o.size()), o.shape()));
            return new Result(out, k.qkv().grad().toArray(), k.bias().grad().toArray(), k.tau() == null ? null : k.tau().grad().toArray());
        }
    }

    @ParameterizedTest(name = "bw={0} nW={1} N={2} heads={3} hd={4} cosine={5}")
    @CsvSource({"2,0,4,1,2,false", "3,3,9,2,3,false", "4,2,16,3,5,false", "2,0,49,2,8,false", "3,1,49,1,7,false", "6,3,9,3,4,false",
            "4,4,16,2,8,false", "2,0,4,1,2,true", "3,3,9,2,3,true", "4,2,16,3,5,true", "2,1,49,2,8,true"})
    void gradientsMatchFloat64FiniteDifferences(int bw, int nW, int n, int heads, int hd, boolean cosine) {
        Case k = Case.random(bw, nW, n, heads, hd, 31L * n + hd, cosine);
        Result fused = run(two, k, true);
        double[] x = toDouble(k.qkv()), b = toDouble(k.bias()), t = cosine ? toDouble(k.tau()) : null;
        double[] ref = k.reference(x, b, t);
        float[] r = seed(ref.length);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], fused.o()[i], 1e-5 * (1 + Math.abs(ref[i])), "o[" + i + "]");
        }
        checkNumeric("qkv", fused.dQkv(), x, () -> k.reference(x, b, t), r);
        checkNumeric("bias", fused.dBias(), b, () -> k.reference(x, b, t), r);
        if (cosine) checkNumeric("tau", fused.dTau(), t, () -> k.reference(x, b, t), r);
    }

    /** Central differences of L = Σ o·r in float64 at up to 150 sampled elements of {@code in}. */
    private static void checkNumeric(String what, float[] analytic, double[] in, java.util.function.Supplier<double[]> f, float[] r) {
        double eps = 1e-5;
        Rng pick = new Rng(5);
        int count = Math.min(in.length, 150), bad = 0;
        StringBuilder errors = new StringBuilder();
        for (int c = 0; c < count; c++) {
            int e = in.length <= 150 ? c : pick.nextInt(in.length);
            double orig = in[e];
            in[e] = orig + eps;
            double lp = dot(f.get(), r);
            in[e] = orig - eps;
            double lm = dot(f.get(), r);
            in[e] = orig;
            double num = (lp - lm) / (2 * eps), an = analytic[e];
            if (Math.abs(an - num) > 2e-5 + 1e-3 * (Math.abs(an) + Math.abs(num)) && bad++ < 8) {
                errors.append(String.format("  d%s[%d]: analytic %.7g numeric %.7g%n", what, e, an, num));
            }
        }
        if (bad > 0) fail("windowAttention: " + bad + " gradient mismatches in d" + what + ":\n" + errors);
    }

    private static double dot(double[] o, float[] r) {
        double s = 0;
        for (int i = 0; i < o.length; i++) s += o[i] * r[i];
        return s;
    }

    @ParameterizedTest(name = "bw={0} nW={1} N={2} heads={3} hd={4} cosine={5}")
    @CsvSource({"2,0,4,1,2,false", "3,3,9,2,3,false", "4,2,16,3,5,false", "6,3,49,3,8,false", "8,4,49,3,32,false", "2,0,49,2,32,false",
            "4,2,49,2,24,false", "3,0,13,2,16,false", "2,1,13,1,24,false", "2,0,81,1,16,false", "3,3,9,2,3,true", "6,3,49,3,8,true", "8,4,64,3,32,true",
            "2,0,49,2,32,true", "131,0,9,2,5,false", "131,0,9,2,5,true"})
    void matchesUnfusedChain(int bw, int nW, int n, int heads, int hd, boolean cosine) {
        Case k = Case.random(bw, nW, n, heads, hd, 7L * n + heads, cosine);
        Result fused = run(two, k, true), chain = run(two, k, false);
        close("o", chain.o(), fused.o());
        close("dQkv", chain.dQkv(), fused.dQkv());
        close("dBias", chain.dBias(), fused.dBias());
        if (cosine) close("dTau", chain.dTau(), fused.dTau());
    }

    /**
     * A zero key row (v2 zeroes the k bias, so a padded token's key is 0): F.normalize's clamp
     * makes its unit row 0 and its gradient dk̂/1e−12 without the projection term; the fused op
     * must give the chain's values there (and finite ones).
     */
    @Test
    void cosineZeroKeyRowMatchesTheChain() {
        Case k = Case.random(3, 3, 9, 2, 4, 12, true);
        java.util.Arrays.fill(k.qkv().data(), 2 * 24 + 8, 2 * 24 + 16, 0f); // token 2 of window 0: its k part (C = 8)
        Result fused = run(two, k, true), chain = run(two, k, false);
        for (float v : fused.dQkv()) assertTrue(Float.isFinite(v), "finite dQkv");
        close("o", chain.o(), fused.o());
        close("dQkv", chain.dQkv(), fused.dQkv());
        close("dBias", chain.dBias(), fused.dBias());
        close("dTau", chain.dTau(), fused.dTau());
    }

    /** max|actual − expected| ≤ 1e−5 · max|expected|, naming the worst element. */
    private static void close(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        double scale = 0, worst = 0;
        int at = -1;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= 1e-5 * scale)) {
            fail(String.format("windowAttention vs unfused: %s[%d] expected %.8g actual %.8g (max diff %.3g, max |expected| %.3g)",
                    what, at, expected[at], actual[at], worst, scale));
        }
    }

    @ParameterizedTest(name = "bw={0} nW={1} N={2} heads={3} hd={4} cosine={5}")
    @CsvSource({"6,3,49,3,32,false", "5,5,16,3,13,false", "7,0,9,2,5,false", "6,3,64,3,32,true", "7,0,9,2,5,true",
            "131,0,9,2,5,false", "200,4,16,1,8,true"})
    void bitIdenticalOnOneTwoThreeThreads(int bw, int nW, int n, int heads, int hd, boolean cosine) {
        Case k = Case.random(bw, nW, n, heads, hd, 99L + n, cosine);
        Result r1 = run(one, k, true), r2 = run(two, k, true), r3 = run(three, k, true);
        for (Result r : new Result[] {r2, r3}) {
            assertArrayEquals(r1.o(), r.o(), "o");
            assertArrayEquals(r1.dQkv(), r.dQkv(), "dQkv");
            assertArrayEquals(r1.dBias(), r.dBias(), "dBias");
            assertArrayEquals(r1.dTau(), r.dTau(), "dTau");
        }
    }

    @Test
    void noGradGraphGivesTheSameOutputAndRecordsNothing() {
        Case k = Case.random(4, 2, 16, 2, 8, 3);
        Result withGrad = run(two, k, true);
        try (Graph g = new Graph(two, new Arena(), false)) {
            assertArrayEquals(withGrad.o(), k.fused(g).toArray());
            assertEquals(0, g.tapeLength());
        }
    }

    @Test
    void rejectsWindowCountNotAMultipleOfMaskWindows() {
        Case k = Case.random(5, 2, 9, 1, 4, 1);
        try (Graph g = new Graph(two, new Arena())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.fused(g));
            assertTrue(e.getMessage().contains("5 windows, not a multiple of the 2 windows per image"), e.getMessage());
        }
    }

    @Test
    void rejectsBadShapes() {
        Case k = Case.random(2, 1, 9, 2, 4, 2);
        try (Graph g = new Graph(two, new Arena())) {
            Tensor wrongBias = Tensor.zeros(2, 9, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ops.windowAttention(g, k.qkv(), wrongBias, null, 2, 1f));
            assertTrue(e.getMessage().contains("bias must be (heads, N, N) = (2,9,9)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.windowAttention(g, k.qkv(), k.bias(), null, 5, 1f));
            assertTrue(e.getMessage().contains("not 3·heads·hd"), e.getMessage());
            Tensor gradMask = Tensor.zeros(1, 9, 9).requiresGrad(true);
            e = assertThrows(IllegalArgumentException.class, () -> Ops.windowAttention(g, k.qkv(), k.bias(), gradMask, 2, 1f));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
        }
    }
}

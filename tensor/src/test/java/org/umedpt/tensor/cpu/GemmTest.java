package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * GEMM against a float64 reference: odd shapes that leave tails in every blocking dimension
 * (tiles of 8×48 on AVX-512, 6×16 on AVX2, 8×12 on NEON; KC = 256, or 512 for a large C; MC = 192; for a
 * wide C beyond L2 the stationary-A order's 12×32 tiles and 512-deep, L2-sized B blocks), single-row,
 * single-column and narrow (computed transposed) products, all four transpose cases, batches with
 * broadcast operands, and alpha/beta; on one thread and on two.
 */
class GemmTest {
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

    static Stream<Arguments> cases() {
        int[][] shapes = {
                {1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {13, 129, 300}, {200, 37, 513}, {257, 97, 64}, {49, 49, 32}, {12, 32, 256},
                {385, 70, 31}, {16, 16, 16}, {20, 33, 9},
                {100, 96, 40}, {72, 144, 300}, {130, 128, 70}, {300, 1, 70}, {1, 300, 70}, {1, 1, 20000}, {5000, 1, 9},
                {150, 16, 300}, {200, 5, 70}, {97, 23, 600}, {200, 3, 70},
                {2048, 1, 256}, {1, 2048, 256},   // one-row/one-column products split across threads
                {40, 2100, 30},                   // more than one column block (NC)
                {2100, 96, 600},                  // deep K blocks with A read in place
                {1100, 400, 300}, {400, 1100, 270}}; // a wide C beyond L2, K > KC: the stationary-A order, one and three column blocks
        List<Arguments> out = new ArrayList<>();
        int seed = 0;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 1, 1f, 0f, seed++));
            }
        }
        out.add(Arguments.of(49, 49, 32, false, true, 16, 1f, 0f, seed++));   // attention QKᵀ
        out.add(Arguments.of(49, 32, 49, false, false, 16, 1f, 0f, seed++));  // attention ·V
        out.add(Arguments.of(37, 41, 300, true, false, 3, 0.5f, 1f, seed++)); // accumulate
        out.add(Arguments.of(30, 70, 300, false, false, 1, 0.5f, 0f, seed++)); // overwrite, scaled, two K blocks
        out.add(Arguments.of(65, 33, 129, false, true, 2, -2f, 0.25f, seed++));
        out.add(Arguments.of(3, 5, 7, false, false, 4, 1f, 0.5f, seed++));
        out.add(Arguments.of(1, 700, 90, false, true, 2, 0.5f, 1f, seed++)); // one row, accumulate
        out.add(Arguments.of(700, 1, 90, true, false, 2, -1f, 0.5f, seed++));   // one column, scaled
        out.add(Arguments.of(300, 12, 100, false, true, 2, 0.5f, -0.5f, seed++));  // narrow, accumulate
        out.add(Arguments.of(300, 5, 100, true, false, 1, 0.5f, -0.5f, seed++));   // narrow at every width, accumulate
        out.add(Arguments.of(700, 600, 530, false, true, 1, 1f, 0f, seed++));    // a C beyond L2: deep K blocks and a tail
        out.add(Arguments.of(700, 600, 530, true, false, 1, 0.5f, 1f, seed));
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} tA={3} tB={4} batch={5} alpha={6} beta={7}")
    @MethodSource("cases")
    void matchesFloat64Reference(int m, int n, int k, boolean tA, boolean tB, int batch, float alpha, float beta, int seed) {
        Rng r = new Rng(seed);
        boolean shareB = batch > 1 && seed % 2 == 0; // broadcast B (stride 0) on some batched cases
        Tensor a = Tensor.normal(r, 0, 1, batch, m * k);
        Tensor b = Tensor.normal(r, 0, 1, shareB ? 1 : batch, k * n);
        Tensor c0 = Tensor.normal(r, 0, 1, batch, m * n);
        double[] ref = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = tA ? a.data()[bi * m * k + p * m + i] : a.data()[bi * m * k + i * k + p];
                        int bb = shareB ? 0 : bi * k * n;
                        double bv = tB ? b.data()[bb + j * k + p] : b.data()[bb + p * n + j];
                        s += av * bv;
                    }
                    int at = bi * m * n + i * n + j;
                    ref[at] = alpha * s + (beta == 0 ? 0 : beta * c0.data()[at]);
                }
            }
        }
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            Tensor c = Tensor.of(c0.toArray(), c0.shape());
            be.gemm(c, a, b, batch, m, n, k, tA, tB, alpha, beta, (long) m * k, shareB ? 0 : (long) k * n, (long) m * n);
            float[] cd = c.data();
            double tol = 1e-5 * Math.sqrt(k) * 4;
            for (int i = 0; i < ref.length; i++) {
                if (!(Math.abs(cd[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])))) {
                    fail(String.format("threads=%d: C[%d] = %.7g, float64 reference %.7g (tol %.2g)", be.threads(), i, cd[i], ref[i], tol));
                }
            }
        }
    }

    static Stream<Arguments> biasCases() {
        int[][] shapes = {{7, 13, 5}, {200, 37, 513}, {385, 70, 31}, {150, 16, 300}, {200, 5, 70}, {1, 300, 70}, {300, 1, 70},
                {700, 600, 530}, {100, 96, 40}, {40, 2100, 30}};
        List<Arguments> out = new ArrayList<>();
        int seed = 100;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, seed++));
        }
        return out.stream();
    }

    /** The bias epilogue equals the product followed by a separate broadcast add, to the bit, on every path. */
    @ParameterizedTest(name = "m={0} n={1} k={2} tA={3} tB={4}")
    @MethodSource("biasCases")
    void biasEpilogueEqualsProductThenAdd(int m, int n, int k, boolean tA, boolean tB, int seed) {
        Rng r = new Rng(seed);
        Tensor a = Tensor.normal(r, 0, 1, m * k), b = Tensor.normal(r, 0, 1, k * n), bias = Tensor.normal(r, 0, 1, n);
        for (CpuBackend be : new CpuBackend[] {one, two}) {
            Tensor fused = Tensor.normal(r, 0, 1, m, n), twoPass = Tensor.normal(r, 0, 1, m, n); // beta 0: never read
            be.gemmBias(fused, a, b, bias, m, n, k, tA, tB);
            be.gemm(twoPass, a, b, 1, m, n, k, tA, tB, 1f, 0f, 0, 0, 0);
            be.binary(twoPass, org.umedpt.tensor.BinaryOp.ADD, twoPass, bias, n, 1, false);
            float[] f = fused.data(), t = twoPass.data();
            for (int i = 0; i < f.length; i++) {
                if (Float.floatToIntBits(f[i]) != Float.floatToIntBits(t[i])) {
                    fail(String.format("threads=%d: C[%d] = %.9g fused, %.9g product then add", be.threads(), i, f[i], t[i]));
                }
            }
        }
    }
}

package org.umedpt.tensor.autograd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.testing.GradCheck;

import static org.umedpt.tensor.testing.GradCheck.input;

/** Every differentiable op against central finite differences, on small odd shapes. */
class OpsGradTest {
    static CpuBackend cpu;
    static GradCheck gc;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
        gc = new GradCheck(cpu);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static Rng rng(int seed) {
        return new Rng(seed);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        Rng r = rng(op.ordinal());
        Tensor x = input(r, 1f, 7, 13);
        float p = switch (op) {
            case POW -> 2.5f;
            case SCALE -> -1.7f;
            case ADD_SCALAR, CLAMP_MIN, CLAMP_MAX -> 0.3f;
            default -> 0f;
        };
        // keep inputs in each op's domain and away from kinks
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            switch (op) {
                case LOG, SQRT, POW, RECIPROCAL -> d[i] = 0.5f + Math.abs(d[i]);
                case RELU -> d[i] = Math.abs(d[i]) < 0.05f ? 0.3f : d[i];
                case CLAMP_MIN, CLAMP_MAX -> d[i] = Math.abs(d[i] - p) < 0.05f ? p + 0.5f : d[i];
                default -> { }
            }
        }
        gc.check(op.name(), g -> Ops.unary(g, op, x, p), x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"equal", "scalar", "lastdim", "channel", "swapped"})
    void broadcastArithmetic(String kind) {
        Rng r = rng(kind.hashCode());
        Tensor a = input(r, 1f, 2, 5, 3, 7);
        Tensor b = switch (kind) {
            case "equal" -> input(r, 1f, 2, 5, 3, 7);
            case "scalar" -> input(r, 1f);
            case "lastdim" -> input(r, 1f, 7);
            case "channel", "swapped" -> input(r, 1f, 1, 5, 1, 1);
            default -> throw new IllegalStateException();
        };
        for (int i = 0; i < b.size(); i++) b.data()[i] = 1.5f + Math.abs(b.data()[i]); // keep divisors away from 0
        Tensor lhs = kind.equals("swapped") ? b : a, rhs = kind.equals("swapped") ? a : b;
        if (kind.equals("swapped")) for (int i = 0; i < a.size(); i++) a.data()[i] = 1.5f + Math.abs(a.data()[i]);
        gc.check(kind + " add", g -> Ops.add(g, lhs, rhs), a, b);
        gc.check(kind + " sub", g -> Ops.sub(g, lhs, rhs), a, b);
        gc.check(kind + " mul", g -> Ops.mul(g, lhs, rhs), a, b);
        gc.check(kind + " div", g -> Ops.div(g, lhs, rhs), a, b);
    }

    /** NumPy broadcasting: two-sided, inner gaps, leading 1s, size-1 axes in every position. */
    @ParameterizedTest
    @ValueSource(strings = {"3,1|1,4", "2,5,3|2,1,3", "2,1,3|2,5,3", "1,9,1,4,4|9,1,4,4", "9,1,4,4|9,1,4,1", "5|3,1,5",
            "1,3,1,4|2,1,5,1", "4,1|1", "1,1,6|6,1", "1|1,1", "2,1,3,1|1,4,1,5"})
    void numpyBroadcast(String shapes) {
        String[] sides = shapes.split("\\|");
        Rng r = rng(shapes.hashCode());
        Tensor a = input(r, 1f, dims(sides[0])), b = input(r, 1f, dims(sides[1]));
        for (int i = 0; i < b.size(); i++) b.data()[i] = 1.5f + Math.abs(b.data()[i]); // divisors away from 0
        gc.check(shapes + " add", g -> Ops.add(g, a, b), a, b);
        gc.check(shapes + " sub", g -> Ops.sub(g, a, b), a, b);
        gc.check(shapes + " mul", g -> Ops.mul(g, a, b), a, b);
        gc.check(shapes + " div", g -> Ops.div(g, a, b), a, b);
    }

    private static int[] dims(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void incompatibleBroadcastNamesBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 3);
        try (Graph g = new Graph(cpu, new org.umedpt.tensor.memory.Arena())) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Ops.add(g, a, b));
            org.junit.jupiter.api.Assertions.assertEquals("add: cannot broadcast (2,3) with (4,3): axis -2 is 2 vs 4 "
                    + "(sizes must be equal or one of them 1)", e.getMessage());
        }
    }

    @Test
    void matmulAllForms() {
        Rng r = rng(3);
        Tensor a = input(r, 1f, 5, 7), b = input(r, 1f, 7, 4);
        gc.check("mm", g -> Ops.matmul(g, a, b), a, b);
        Tensor at = input(r, 1f, 7, 5), bt = input(r, 1f, 4, 7);
        gc.check("mm tA tB", g -> Ops.matmul(g, at, bt, true, true), at, bt);
        gc.check("mm tB", g -> Ops.matmul(g, a, bt, false, true), a, bt);
        Tensor ba = input(r, 1f, 3, 5, 7), bb = input(r, 1f, 3, 7, 4);
        gc.check("bmm", g -> Ops.matmul(g, ba, bb), ba, bb);
        Tensor bat = input(r, 1f, 3, 7, 5), bbt = input(r, 1f, 3, 4, 7);
        gc.check("bmm tA tB", g -> Ops.matmul(g, bat, bbt, true, true), bat, bbt);
        gc.check("batched x shared 2-D", g -> Ops.matmul(g, ba, b), ba, b);
        gc.check("batched tA x shared 2-D", g -> Ops.matmul(g, bat, b, true, false), bat, b);
        gc.check("shared 2-D x batched", g -> Ops.matmul(g, a, bb), a, bb);
    }

    @Test
    void matmulLargeEnoughForPackedGemm() {
        Rng r = rng(4);
        Tensor a = input(r, 0.3f, 37, 41), b = input(r, 0.3f, 41, 35);
        gc.maxElements(40).check("packed mm", g -> Ops.matmul(g, a, b), a, b);
        gc.maxElements(96);
    }

    @Test
    void linear() {
        Rng r = rng(14);
        Tensor x = input(r, 1f, 2, 5, 7), w = input(r, 1f, 4, 7), b = input(r, 1f, 4);
        gc.check("linear", g -> Ops.linear(g, x, w, b), x, w, b);
        gc.check("linear no bias", g -> Ops.linear(g, x, w, null), x, w);
        gc.check("geluLinear", g -> Ops.geluLinear(g, x, w, b), x, w, b);
    }

    @Test
    void reductions() {
        Rng r = rng(5);
        Tensor x = input(r, 1f, 4, 7, 9);
        gc.check("sum", g -> Ops.sum(g, x), x);
        gc.check("mean", g -> Ops.mean(g, x), x);
        gc.check("sumLast", g -> Ops.sumLast(g, x), x);
        gc.check("meanLast", g -> Ops.meanLast(g, x), x);
        Tensor grid = distinct(r, 0.05f, 4, 7, 9);
        gc.check("maxLast", g -> Ops.maxLast(g, grid), grid);
    }

    @Test
    void layout() {
        Rng r = rng(6);
        Tensor x = input(r, 1f, 2, 3, 4, 5);
        gc.check("reshape", g -> Ops.mul(g, Ops.reshape(g, x, 6, -1), 2f), x);
        gc.check("permute", g -> Ops.permute(g, x, 0, 2, 3, 1), x);
        Tensor a = input(r, 1f, 2, 3, 4), b = input(r, 1f, 2, 5, 4);
        gc.check("concat", g -> Ops.concat(g, 1, a, b), a, b);
        gc.check("slice", g -> Ops.slice(g, b, 1, 1, 4), b);
        gc.check("split", g -> Ops.mul(g, Ops.split(g, b, 1, 2, 3)[1], 3f), b);
        Tensor img = input(r, 1f, 2, 7, 9, 3);
        gc.check("roll", g -> Ops.roll(g, img, -3, 2), img);
        Tensor w = input(r, 1f, 2, 6, 9, 5);
        gc.check("windowPartition", g -> Ops.windowPartition(g, w, 3), w);
        Tensor win = input(r, 1f, 12, 9, 5);
        gc.check("windowReverse", g -> Ops.windowReverse(g, win, 3, 6, 6), win);
        Tensor odd = input(r, 1f, 2, 5, 8, 3); // padded to 6x9 for window 3, shifted by (1, 2)
        gc.check("windowPartition shifted and padded", g -> Ops.windowPartition(g, odd, 3, 1, 2, 6, 9), odd);
        Tensor wins = input(r, 1f, 2 * 6, 9, 3);
        gc.check("windowReverse shifted and cropped", g -> Ops.windowReverse(g, wins, 3, 5, 8, 1, 2, 6, 9), wins);
        Tensor table = input(r, 1f, 13, 3);
        Tensor idx = Tensor.of(new float[] {0, 5, 5, 12, 3, 0, 7}, 7);
        gc.check("indexSelect", g -> Ops.indexSelect(g, table, idx), table);
    }

    @Test
    void softmaxAndLayerNorm() {
        Rng r = rng(7);
        Tensor x = input(r, 1f, 3, 5, 17);
        gc.check("softmax", g -> Ops.softmax(g, x), x);
        gc.check("logSoftmax", g -> Ops.logSoftmax(g, x), x);
        Tensor y = input(r, 1f, 2, 7, 33), w = input(r, 1f, 33), b = input(r, 1f, 33);
        gc.check("layerNorm", g -> Ops.layerNorm(g, y, w, b, 1e-5f), y, w, b);
        gc.check("layerNorm no affine", g -> Ops.layerNorm(g, y, null, null, 1e-5f), y);
        Tensor res = input(r, 1f, 2, 7, 33);
        gc.check("addLayerNorm (both outputs)", g -> {
            Tensor[] sn = Ops.addLayerNorm(g, y, res, w, b, 1e-5f);
            return Ops.add(g, Ops.mul(g, sn[0], 0.5f), sn[1]);
        }, y, res, w, b);
    }

    @Test
    void dropoutUsesItsMaskInBackward() {
        Rng r = rng(8);
        Tensor x = input(r, 1f, 5, 13);
        gc.check("dropout", g -> Ops.dropout(g, x, 0.3f, true, new Rng(42)), x);
    }

    @Test
    void conv2d() {
        Rng r = rng(9);
        Tensor x = input(r, 1f, 2, 3, 9, 11), w = input(r, 0.5f, 5, 3, 3, 3), b = input(r, 1f, 5);
        gc.check("conv 3x3 s2 p1", g -> Ops.conv2d(g, x, w, b, 2, 1), x, w, b);
        Tensor xs = input(r, 1f, 2, 3, 6, 7), ws = input(r, 0.5f, 4, 3, 3, 3), bs = input(r, 1f, 4);
        gc.check("conv 3x3 s1 p1", g -> Ops.conv2d(g, xs, ws, bs, 1, 1), xs, ws, bs);
        Tensor x5 = input(r, 1f, 1, 2, 6, 6), w5 = input(r, 0.5f, 3, 2, 5, 5);
        gc.check("conv 5x5 s1 p2", g -> Ops.conv2d(g, x5, w5, null, 1, 2), x5, w5);
        Tensor x1 = input(r, 1f, 1, 4, 7, 5), w1 = input(r, 0.5f, 6, 4, 1, 1);
        gc.check("conv 1x1 pointwise", g -> Ops.conv2d(g, x1, w1, null, 1, 0), x1, w1);
        Tensor x2 = input(r, 1f, 2, 3, 8, 12), w2 = input(r, 0.5f, 4, 3, 4, 4), b2 = input(r, 1f, 4);
        gc.check("conv 4x4 s4 patch embed", g -> Ops.conv2d(g, x2, w2, b2, 4, 0), x2, w2, b2);
        Tensor xw = input(r, 1f, 1, 2, 4, 5), ww = input(r, 0.5f, 16, 2, 3, 3), bw = input(r, 1f, 16);
        gc.check("conv 3x3 s1 p1, 16 out", g -> Ops.conv2d(g, xw, ww, bw, 1, 1), xw, ww, bw);
        Tensor xd = input(r, 1f, 1, 1, 3, 2), wd = input(r, 0.5f, 193, 1, 3, 3);
        gc.check("conv 3x3, 193 out (dW not transposed)", g -> Ops.conv2d(g, xd, wd, null, 1, 1), xd, wd);
    }

    @Test
    void pooling() {
        Rng r = rng(10);
        Tensor x = input(r, 1f, 2, 3, 9, 11);
        // max: distinct values spaced wider than 2ε, so no perturbation changes a window's argmax
        Tensor grid = distinct(r, 0.05f, 2, 3, 9, 11);
        gc.check("maxPool 3 s2 p1", g -> Ops.maxPool2d(g, grid, 3, 2, 1), grid);
        gc.check("avgPool 3 s2 p1 incl", g -> Ops.avgPool2d(g, x, 3, 2, 1, true), x);
        gc.check("avgPool 3 s2 p1 excl", g -> Ops.avgPool2d(g, x, 3, 2, 1, false), x);
        gc.check("globalAvgPool", g -> Ops.globalAvgPool(g, x), x);
    }

    @Test
    void resize() {
        Rng r = rng(11);
        Tensor x = input(r, 1f, 2, 3, 5, 7);
        gc.check("bilinear up", g -> Ops.resizeBilinear(g, x, 10, 14), x);
        gc.check("bilinear odd", g -> Ops.resizeBilinear(g, x, 9, 4), x);
        gc.check("nearest up", g -> Ops.resizeNearest(g, x, 10, 14), x);
        gc.check("nearest down", g -> Ops.resizeNearest(g, x, 3, 4), x);
    }

    @Test
    void losses() {
        Rng r = rng(12);
        Tensor logits = input(r, 1f, 6, 5);
        Tensor t = Tensor.of(new float[] {0, 4, -1, 2, 2, 1}, 6);
        Tensor cw = Tensor.of(new float[] {0.5f, 1f, 2f, 1.5f, 0.7f}, 5);
        gc.check("ce mean weighted ignore", g -> Ops.crossEntropy(g, logits, t, cw, -1, Reduction.MEAN), logits);
        gc.check("ce none", g -> Ops.crossEntropy(g, logits, t, null, -1, Reduction.NONE), logits);
        Tensor x = input(r, 2f, 4, 7);
        Tensor bt = Tensor.uniform(r, 0f, 1f, 4, 7);
        gc.check("bce soft", g -> Ops.bceWithLogits(g, x, bt, Reduction.SUM), x);
        Tensor hard = Tensor.zeros(4, 7);
        for (int i = 0; i < hard.size(); i++) hard.data()[i] = r.nextFloat() < 0.3f ? 1f : 0f;
        gc.check("focal", g -> Ops.sigmoidFocalLoss(g, x, hard, 0.25f, 2f, Reduction.SUM), x);
        gc.check("focal gamma 1.5 mean", g -> Ops.sigmoidFocalLoss(g, x, hard, 0.25f, 1.5f, Reduction.MEAN), x);
    }

    /** A shuffled grid k·step, k = 0…n−1, centred on 0. */
    private static Tensor distinct(Rng r, float step, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (i - d.length / 2) * step;
        for (int i = d.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
        return t.requiresGrad(true);
    }

    @Test
    void composedGraphReusesAnInputTwice() {
        Rng r = rng(13);
        Tensor x = input(r, 1f, 4, 6), w = input(r, 1f, 6, 6);
        // y = gelu(x·w)·x + x : gradients from three uses of x accumulate
        gc.check("composed", g -> Ops.add(g, Ops.mul(g, Ops.gelu(g, Ops.matmul(g, x, w)), x), x), x, w);
    }
}

package org.umedpt.tensor.autograd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;
import org.umedpt.tensor.testing.Goldens;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Forward and backward of every op PyTorch has, against goldens from
 * {@code tools/goldens/make_goldens.py} (PyTorch, float64 from float32 inputs). Tolerances:
 * outputs rtol 1e-5 / atol 1e-5, gradients rtol 1e-4 / atol 1e-5 (float32 accumulation).
 */
class GoldenParityTest {
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    /**
     * Runs {@code op} on the case's inputs (named without prefix), backpropagates the stored dy, and
     * compares y and the gradients d&lt;name&gt; of {@code diffInputs}.
     */
    private static void check(String file, String prefix, BiFunction<Graph, Map<String, Tensor>, Tensor> op, String... diffInputs) {
        SafeTensors.Contents c = Goldens.load(file);
        String p = prefix.isEmpty() ? "" : prefix + ".";
        Map<String, Tensor> in = new HashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(p) && !k.substring(p.length()).contains(".")) in.put(k.substring(p.length()), v.copyToHeap());
        });
        for (String d : diffInputs) in.get(d).requiresGrad(true);
        try (Graph g = new Graph(cpu, new Arena())) {
            Tensor y = op.apply(g, in);
            String what = file + " " + prefix;
            Goldens.assertClose(what + " y", c.get(p + "y"), y.view(c.get(p + "y").shape()), 1e-5, 1e-5);
            if (prefix.startsWith("broadcast") || file.startsWith("broadcast")) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(c.get(p + "y").shape(), y.shape(), what + ": output shape");
            }
            Tensor dy = c.get(p + "dy");
            g.backward(y, dy.view(y.shape()));
            for (String d : diffInputs) {
                Goldens.assertClose(what + " d" + d, c.get(p + "d" + d), in.get(d).grad(), 1e-4, 1e-5);
            }
        }
    }

    @Test
    void layerNorm() {
        check("layernorm.safetensors", "", (g, t) -> Ops.layerNorm(g, t.get("x"), t.get("w"), t.get("b"), 1e-5f), "x", "w", "b");
    }

    @Test
    void gelu() {
        check("gelu.safetensors", "", (g, t) -> Ops.gelu(g, t.get("x")), "x");
    }

    @Test
    void softmax() {
        check("softmax.safetensors", "softmax", (g, t) -> Ops.softmax(g, t.get("x")), "x");
        check("softmax.safetensors", "log_softmax", (g, t) -> Ops.logSoftmax(g, t.get("x")), "x");
    }

    @Test
    void unary() {
        Map<String, UnaryOp> ops = Map.of("exp", UnaryOp.EXP, "log", UnaryOp.LOG, "sqrt", UnaryOp.SQRT,
                "tanh", UnaryOp.TANH, "sigmoid", UnaryOp.SIGMOID, "relu", UnaryOp.RELU);
        ops.forEach((name, op) -> check("unary.safetensors", name, (g, t) -> Ops.unary(g, op, t.get("x"), 0f), "x"));
    }

    @Test
    void reductions() {
        check("reduce.safetensors", "sum_last", (g, t) -> Ops.sumLast(g, t.get("x")), "x");
        check("reduce.safetensors", "mean_last", (g, t) -> Ops.meanLast(g, t.get("x")), "x");
        check("reduce.safetensors", "max_last", (g, t) -> Ops.maxLast(g, t.get("x")), "x");
        check("reduce.safetensors", "sum_all", (g, t) -> Ops.sum(g, t.get("x")), "x");
        check("reduce.safetensors", "mean_all", (g, t) -> Ops.mean(g, t.get("x")), "x");
    }

    /** NumPy broadcasting against torch.add/sub/mul/div (cases in make_goldens.py BROADCAST_CASES). */
    @Test
    void broadcastArithmetic() {
        String[] cases = {"two_sided", "gap", "gap_left", "swin_mask_one_head", "cosine_one_head", "leading", "ones_everywhere"};
        for (String c : cases) {
            check("broadcast.safetensors", c + "_add", (g, t) -> Ops.add(g, t.get("a"), t.get("b")), "a", "b");
            check("broadcast.safetensors", c + "_sub", (g, t) -> Ops.sub(g, t.get("a"), t.get("b")), "a", "b");
            check("broadcast.safetensors", c + "_mul", (g, t) -> Ops.mul(g, t.get("a"), t.get("b")), "a", "b");
            check("broadcast.safetensors", c + "_div", (g, t) -> Ops.div(g, t.get("a"), t.get("b")), "a", "b");
        }
    }

    @Test
    void matmul() {
        check("matmul.safetensors", "mm", (g, t) -> Ops.matmul(g, t.get("a"), t.get("b")), "a", "b");
        check("matmul.safetensors", "bmm", (g, t) -> Ops.matmul(g, t.get("a"), t.get("b")), "a", "b");
        check("matmul.safetensors", "mm_tb", (g, t) -> Ops.matmul(g, t.get("a"), t.get("b"), false, true), "a", "b");
        check("matmul.safetensors", "bmm_ta", (g, t) -> Ops.matmul(g, t.get("a"), t.get("b"), true, false), "a", "b");
    }

    @Test
    void conv2d() {
        check("conv2d.safetensors", "c1", (g, t) -> Ops.conv2d(g, t.get("x"), t.get("w"), t.get("b"), 2, 1), "x", "w", "b");
        check("conv2d.safetensors", "c2", (g, t) -> Ops.conv2d(g, t.get("x"), t.get("w"), t.get("b"), 4, 0), "x", "w", "b");
        check("conv2d.safetensors", "c3", (g, t) -> Ops.conv2d(g, t.get("x"), t.get("w"), t.get("b"), 1, 0), "x", "w", "b");
        check("conv2d.safetensors", "c4", (g, t) -> Ops.conv2d(g, t.get("x"), t.get("w"), t.get("b"), 1, 1), "x", "w", "b");
    }

    @Test
    void pooling() {
        check("pool.safetensors", "maxpool", (g, t) -> Ops.maxPool2d(g, t.get("x"), 3, 2, 1), "x");
        check("pool.safetensors", "avgpool", (g, t) -> Ops.avgPool2d(g, t.get("x"), 2, 2, 0, true), "x");
        check("pool.safetensors", "avgpool_pad", (g, t) -> Ops.avgPool2d(g, t.get("x"), 3, 2, 1, true), "x");
        check("pool.safetensors", "gap", (g, t) -> Ops.globalAvgPool(g, t.get("x")), "x");
    }

    @Test
    void resize() {
        check("resize.safetensors", "bilinear_up", (g, t) -> Ops.resizeBilinear(g, t.get("x"), 10, 14), "x");
        check("resize.safetensors", "bilinear_odd", (g, t) -> Ops.resizeBilinear(g, t.get("x"), 9, 4), "x");
        check("resize.safetensors", "nearest_up", (g, t) -> Ops.resizeNearest(g, t.get("x"), 10, 14), "x");
        check("resize.safetensors", "nearest_odd", (g, t) -> Ops.resizeNearest(g, t.get("x"), 3, 11), "x");
    }

    @Test
    void roll() {
        check("roll.safetensors", "", (g, t) -> Ops.roll(g, t.get("x"), -3, -2), "x");
    }

    @Test
    void losses() {
        check("losses.safetensors", "ce_mean_w",
                (g, t) -> Ops.crossEntropy(g, t.get("x"), t.get("t"), t.get("w"), -1, Reduction.MEAN), "x");
        check("losses.safetensors", "ce_sum", (g, t) -> Ops.crossEntropy(g, t.get("x"), t.get("t"), null, -100, Reduction.SUM), "x");
        check("losses.safetensors", "bce", (g, t) -> Ops.bceWithLogits(g, t.get("x"), t.get("t"), Reduction.MEAN), "x");
        check("losses.safetensors", "bce_soft", (g, t) -> Ops.bceWithLogits(g, t.get("x"), t.get("t"), Reduction.SUM), "x");
        check("losses.safetensors", "focal",
                (g, t) -> Ops.sigmoidFocalLoss(g, t.get("x"), t.get("t"), 0.25f, 2f, Reduction.SUM), "x");
    }

    @Test
    void indexSelect() {
        check("index_select.safetensors", "", (g, t) -> Ops.indexSelect(g, t.get("x"), t.get("idx")), "x");
    }

    @Test
    void layout() {
        check("misc.safetensors", "permute", (g, t) -> Ops.permute(g, t.get("x"), 0, 2, 3, 1), "x");
        check("misc.safetensors", "concat", (g, t) -> Ops.concat(g, 1, t.get("a"), t.get("b")), "a", "b");
        check("misc.safetensors", "slice", (g, t) -> Ops.slice(g, t.get("x"), 1, 2, 7), "x");
    }
}

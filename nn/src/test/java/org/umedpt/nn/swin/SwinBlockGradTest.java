package org.umedpt.nn.swin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;
import org.umedpt.tensor.testing.GradCheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks of whole Swin modules (the torchvision goldens check the same
 * gradients at one config; these check the derivative formulas at other shapes): a shifted block
 * on a map that needs padding, and patch merging of an odd map; plus stochastic depth's modes.
 */
class SwinBlockGradTest {
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void shiftedBlockOnAPaddedMap(int version) {
        Rng r = new Rng(version);
        SwinBlock block = new SwinBlock(version, 8, 2, 3, 1, 2f, 0f, r);
        perturb(block, r);
        Tensor x = GradCheck.input(r, 1f, 2, 4, 5, 8); // 4×5 map, window 3: padded to 6×6, shifted by 1
        Tensor qkv = block.attn.qkv.weight, fc = block.mlp.fc1.weight;
        new GradCheck(cpu).eps(3e-3).maxElements(40).tol(3e-2, 3e-3).check("Swin v" + version + " block",
                g -> block.forward(g, x, null), x, qkv, fc);
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(ints = {1, 2})
    void patchMergingOfAnOddMap(int version) {
        Rng r = new Rng(10 + version);
        PatchMerging merge = new PatchMerging(version, 6, r);
        perturb(merge, r);
        Tensor x = GradCheck.input(r, 1f, 2, 5, 3, 6);
        new GradCheck(cpu).eps(3e-3).check("merging v" + version, g -> merge.forward(g, x), x, merge.reduction.weight);
    }

    /**
     * Weights of O(1) instead of the init's 0.02, biases and norms off (0, 1): a finite-difference
     * step of ε must be small relative to the weights, or a LayerNorm after the layer (v2) makes the
     * difference quotient meaningless.
     */
    private static void perturb(org.umedpt.nn.Module m, Rng r) {
        m.namedParameters().forEach((name, p) -> {
            float[] d = p.data();
            boolean norm = name.contains("norm") && name.endsWith("weight");
            for (int i = 0; i < d.length; i++) d[i] = norm ? 1f + (float) (0.1 * r.nextGaussian()) : d[i] + (float) (0.3 * r.nextGaussian());
        });
    }

    @Test
    void stochasticDepthIsSeededAndOffInEval() {
        SwinConfig cfg = new SwinConfig(1, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 4f, 0, 0.5f);
        SwinEncoder enc = new SwinEncoder(cfg, new Rng(1));
        Tensor x = Tensor.normal(new Rng(2), 0, 1, 4, 3, 32, 32);
        float[] a = pooled(enc.train(true), x, new Rng(7)), b = pooled(enc, x, new Rng(7)), c = pooled(enc, x, new Rng(8));
        float[] e1 = pooled(enc.eval(), x, new Rng(7)), e2 = pooled(enc, x, null);
        // (1e-6, not bit equality: interpreted and JIT-compiled vector exp differ in the last bit)
        assertArrayEquals(a, b, 1e-6f, "same seed, same drops");
        assertTrue(maxDiff(a, c) > 1e-3, "another seed drops other paths");
        assertArrayEquals(e1, e2, 1e-6f, "eval ignores the generator");
        assertTrue(maxDiff(a, e1) > 1e-3, "training with p = 0.5 differs from eval");
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static float[] pooled(org.umedpt.nn.Module m, Tensor x, Rng rng) {
        try (Graph g = new Graph(cpu, new Arena(), false)) {
            return ((SwinEncoder) m).forward(g, x, rng).pooled().toArray();
        }
    }
}

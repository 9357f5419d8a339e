package org.umedpt.nn.swin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;
import org.umedpt.tensor.testing.Goldens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The encoder against torchvision 0.14.1 (goldens from tools/goldens/make_swin_goldens.py; the
 * config is read from each file's metadata): patch 4, depths 2-2-2, window 4, 5 classes, input
 * (2 or 1, 3, 56, 72),
 * so stages are 14×18 (padded to 16×20), 7×9 (odd merge) and 4×5 (shift clamped along H).
 * Every stage output, the pooled feature, the logits, the input gradient and every parameter
 * gradient of L = Σ out_k·seed_k must agree to max|a − e| / max|e| ≤ 1e-4.
 */
class SwinGoldenTest {
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static int[] ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    static void assertRel(String what, Tensor expected, Tensor actual, double tol) {
        float[] e = expected.toArray(), a = actual.toArray();
        assertEquals(e.length, a.length, what + ": size");
        double maxE = 0, maxD = 0;
        int worst = 0;
        for (int i = 0; i < e.length; i++) {
            maxE = Math.max(maxE, Math.abs(e[i]));
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= maxD)) {
                maxD = d;
                worst = i;
            }
        }
        double rel = maxD / Math.max(maxE, 1e-30);
        if (!(rel <= tol)) {
            fail(String.format("%s: max|a-e|/max|e| = %.3g > %.1g (at [%d]: expected %.7g actual %.7g; max|e| %.4g)",
                    what, rel, tol, worst, e[worst], a[worst], maxE));
        }
    }

    /**
     * {@code swin_v1}/{@code swin_v2}: heads 2-2-4 at batch 2; {@code *_onehead}: embed 8, heads
     * 1-2-4 at batch 1, where the shift mask and v2's cosine normalisation broadcast with size-1
     * axes on both sides.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"swin_v1", "swin_v2", "swin_v1_onehead", "swin_v2_onehead"})
    void matchesTorchvision(String file) {
        SafeTensors.Contents c = Goldens.load(file + ".safetensors");
        Map<String, String> m = c.metadata();
        SwinConfig cfg = new SwinConfig(file.startsWith("swin_v2") ? 2 : 1, ints(m.get("config.patch_size"))[0],
                Integer.parseInt(m.get("config.embed_dim")), ints(m.get("config.depths")), ints(m.get("config.num_heads")),
                ints(m.get("config.window_size"))[0], Float.parseFloat(m.get("mlp_ratio")), Integer.parseInt(m.get("config.num_classes")), 0f);
        SwinEncoder enc = new SwinEncoder(cfg, new org.umedpt.tensor.Rng(0));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("weights.")) weights.put(k.substring("weights.".length()), v);
        });
        // the buffers we build must equal torchvision's before loading overwrites them
        int buffers = 0;
        for (var e : enc.stateDict().entrySet()) {
            if (e.getKey().endsWith("relative_position_index") || e.getKey().endsWith("relative_coords_table")) {
                Tensor expected = weights.get(e.getKey());
                assertNotNull(expected, "golden has no buffer " + e.getKey());
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toArray(), e.getValue().toArray(), e.getKey());
                buffers++;
            }
        }
        assertEquals(file.startsWith("swin_v2") ? 12 : 6, buffers, "buffers compared");
        enc.loadStateDict(weights, true); // strict: every torchvision name and shape matches ours
        assertEquals(Long.parseLong(c.metadata().get("param_count")), enc.parameterCount());

        Tensor input = c.get("input").copyToHeap().requiresGrad(true);
        try (Graph g = new Graph(cpu, new Arena())) {
            SwinOutput out = enc.forward(g, input, null);
            List<Tensor> stages = out.stages();
            assertEquals(3, stages.size());
            Tensor loss = null;
            for (int s = 0; s < 3; s++) {
                Tensor nchw = Ops.permute(g, stages.get(s), 0, 3, 1, 2);
                assertRel("stage" + (s + 1), c.get("stage" + (s + 1)), nchw, 1e-4);
                Tensor term = Ops.sum(g, Ops.mul(g, nchw, c.get("seed.stage" + (s + 1))));
                loss = loss == null ? term : Ops.add(g, loss, term);
            }
            assertRel("pooled", c.get("pooled"), out.pooled(), 1e-4);
            assertRel("logits", c.get("logits"), out.logits(), 1e-4);
            loss = Ops.add(g, loss, Ops.sum(g, Ops.mul(g, out.pooled(), c.get("seed.pooled"))));
            loss = Ops.add(g, loss, Ops.sum(g, Ops.mul(g, out.logits(), c.get("seed.logits"))));
            assertEquals(Double.parseDouble(c.metadata().get("loss")), loss.item(), 1e-4 * Math.abs(loss.item()) + 1e-3);
            g.backward(loss);
        }
        assertRel("grad.input", c.get("grad.input"), input.grad(), 1e-4);
        for (var e : enc.namedParameters().entrySet()) {
            Tensor expected = c.tensors().get("grad." + e.getKey());
            assertNotNull(expected, "golden has no gradient for " + e.getKey());
            assertNotNull(e.getValue().grad(), "no gradient reached " + e.getKey());
            assertRel("grad." + e.getKey(), expected, e.getValue().grad(), 1e-4);
        }
    }
}

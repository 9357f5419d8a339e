package org.umedpt.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.nn.optim.AdamW;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsTest {
    @TempDir
    Path dir;

    private static SwinConfig small(int classes) {
        return new SwinConfig(2, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 4f, classes, 0.1f);
    }

    private static void assertBitExact(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toArray(), y = b.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), k);
        }
    }

    @Test
    void stateDictRoundTripIsBitExact() {
        SwinEncoder a = new SwinEncoder(small(3), new Rng(1)), b = new SwinEncoder(small(3), new Rng(2));
        Path p = dir.resolve("w.safetensors");
        Weights.save(p, a, Map.of("config", "test"));
        Weights.load(p, b, true);
        assertBitExact(a.stateDict(), b.stateDict());
    }

    @Test
    void strictLoadListsEveryProblemAtOnce() {
        SwinEncoder withHead = new SwinEncoder(small(3), new Rng(1));
        Path p = dir.resolve("w.safetensors");
        Weights.save(p, withHead, null);
        // no head in the model: the file's head.* keys are unexpected
        SwinEncoder noHead = new SwinEncoder(small(0), new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weights.load(p, noHead, true));
        assertTrue(e.getMessage().contains("unexpected keys (2): [head.bias, head.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        // non-strict loads the encoder part only
        int loaded = Weights.load(p, noHead, false).size();
        assertEquals(noHead.stateDict().size(), loaded);
        // other class count: shape mismatch named with both shapes, even non-strict
        SwinEncoder five = new SwinEncoder(small(5), new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> Weights.load(p, five, false));
        assertTrue(e.getMessage().contains("head.weight: file (3,24) vs model (5,24)"), e.getMessage());
        // v1 model from v2 weights: missing and unexpected keys listed together
        SwinEncoder v1 = new SwinEncoder(new SwinConfig(1, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 4f, 3, 0f), new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> Weights.load(p, v1, true));
        assertTrue(e.getMessage().contains("missing keys") && e.getMessage().contains("relative_position_bias_table")
                && e.getMessage().contains("unexpected keys") && e.getMessage().contains("logit_scale"), e.getMessage());
    }

    @Test
    void checkpointRestoresModelAndOptimizer() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            SwinEncoder a = new SwinEncoder(small(3), new Rng(1));
            AdamW opt = new AdamW(cpu, a.namedParameters());
            for (Tensor t : a.parameters()) t.setGrad(Tensor.full(0.01f, t.shape()));
            opt.step();
            Path p = dir.resolve("ckpt.safetensors");
            Checkpoint.save(p, a, opt, Map.of("step", "1", "rng", Long.toString(42L)));
            SwinEncoder b = new SwinEncoder(small(3), new Rng(7));
            AdamW optB = new AdamW(cpu, b.namedParameters());
            Map<String, String> meta = Checkpoint.load(p, b, optB);
            assertEquals("1", meta.get("step"));
            assertEquals(1, optB.steps());
            assertBitExact(a.stateDict(), b.stateDict());
            assertBitExact(opt.state(), optB.state());
        }
    }
}

package org.umedpt.nn.swin;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Swin v2 on a map smaller than its window (padded tokens with zero keys) has finite gradients. */
class SwinV2PaddingTest {
    @Test
    void paddedWindowsGiveFiniteGradients() {
        SwinConfig cfg = new SwinConfig(2, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 2f, 0, 0f);
        SwinEncoder enc = new SwinEncoder(cfg, new Rng(1));
        try (CpuBackend cpu = new CpuBackend(1); Graph g = new Graph(cpu, new Arena())) {
            Tensor x = Tensor.normal(new Rng(2), 0, 1, 2, 3, 24, 24); // stage 2 is 3×3, padded to the 4×4 window
            SwinOutput o = enc.forward(g, x, null);
            g.backward(Ops.mean(g, Ops.mul(g, o.pooled(), o.pooled())));
            for (var e : enc.namedParameters().entrySet()) {
                if (e.getValue().grad() == null) continue;
                for (float v : e.getValue().grad().toArray()) assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
            }
        }
    }
}

package org.umedpt.nn;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;
import org.umedpt.tensor.testing.GradCheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupNormTest {
    @Test
    void matchesTheDefinitionAndItsGradient() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Rng r = new Rng(3);
            for (int groups : new int[] {1, 2}) {
                GroupNorm gn = new GroupNorm(groups, 4);
                for (Tensor p : gn.parameters()) for (int i = 0; i < p.size(); i++) p.data()[i] += (float) (0.3 * r.nextGaussian());
                Tensor x = Tensor.normal(r, 1, 2, 2, 4, 3, 5);
                float[] y;
                try (Graph g = new Graph(cpu, new Arena(), false)) {
                    y = gn.forward(g, x).toArray();
                }
                int per = 4 / groups * 15; // elements per (sample, group)
                for (int s = 0; s < 2; s++) {
                    for (int gi = 0; gi < groups; gi++) {
                        double mean = 0, var = 0;
                        int base = (s * groups + gi) * per;
                        for (int i = 0; i < per; i++) mean += x.data()[base + i];
                        mean /= per;
                        for (int i = 0; i < per; i++) var += Math.pow(x.data()[base + i] - mean, 2);
                        var /= per;
                        for (int i = 0; i < per; i++) {
                            int c = gi * (4 / groups) + i / 15;
                            double expected = (x.data()[base + i] - mean) / Math.sqrt(var + 1e-5) * gn.weight.data()[c] + gn.bias.data()[c];
                            assertEquals(expected, y[base + i], 1e-5, "groups " + groups + " element " + (base + i));
                        }
                    }
                }
                Tensor xg = x.copyToHeap().requiresGrad(true);
                new GradCheck(cpu).eps(3e-3).check("groupNorm " + groups, g -> gn.forward(g, xg), xg, gn.weight, gn.bias);
            }
            assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
        }
    }
}

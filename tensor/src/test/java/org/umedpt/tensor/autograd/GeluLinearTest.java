package org.umedpt.tensor.autograd;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code geluLinear(h, w, b)}, which recomputes GELU(h) in backward, against {@code linear(gelu(h), w,
 * b)}, which keeps it: output and every gradient bit for bit, on 1 and 3 threads; and the arena
 * holds less at the end of forward (the activation is not kept).
 */
class GeluLinearTest {

    record Run(List<float[]> values, long bytesAfterForward) {}

    static Run run(int threads, boolean recompute, Tensor h0, Tensor w, Tensor b) {
        for (Tensor t : new Tensor[] {w, b}) if (t != null) t.setGrad(null);
        Arena arena = new Arena(false);
        try (CpuBackend cpu = new CpuBackend(threads); Graph g = new Graph(cpu, arena)) {
            Tensor h = Ops.mul(g, h0, 1f); // an op output, as fc1's is
            Tensor y = recompute ? Ops.geluLinear(g, h, w, b) : Ops.linear(g, Ops.gelu(g, h), w, b);
            long bytes = arena.bytesInUse();
            Tensor wy = g.of(Tensor.normal(new Rng(3), 0, 1, y.shape()).toArray(), y.shape());
            g.backward(Ops.sum(g, Ops.mul(g, y, wy)));
            List<float[]> out = new ArrayList<>(List.of(y.toArray(), h0.grad().toArray(), w.grad().toArray()));
            if (b != null) out.add(b.grad().toArray());
            h0.setGrad(null);
            return new Run(out, bytes);
        }
    }

    @ParameterizedTest(name = "{0} rows, {1} -> {2}, bias {3}")
    @CsvSource({"1, 1, 1, true", "7, 33, 5, true", "49, 96, 24, false", "13, 17, 40, true"})
    void recomputedEqualsKept(int rows, int in, int out, boolean bias) {
        Rng rng = new Rng(rows * 7 + in);
        Tensor h = Tensor.normal(rng, 0, 2, rows, in).requiresGrad(true);
        Tensor w = Tensor.normal(rng, 0, 0.3f, out, in).requiresGrad(true);
        Tensor b = bias ? Tensor.normal(rng, 0, 0.1f, out).requiresGrad(true) : null;
        Run kept = run(1, false, h, w, b);
        for (int threads : new int[] {1, 3}) {
            Run recomputed = run(threads, true, h, w, b);
            String[] names = {"y", "dh", "dw", "db"};
            for (int i = 0; i < kept.values().size(); i++) {
                assertArrayEquals(kept.values().get(i), recomputed.values().get(i), names[i] + ", " + threads + " threads");
            }
            assertTrue(recomputed.bytesAfterForward() < kept.bytesAfterForward(), "GELU's output is not kept: " + recomputed.bytesAfterForward()
                    + " vs " + kept.bytesAfterForward() + " bytes");
        }
    }
}

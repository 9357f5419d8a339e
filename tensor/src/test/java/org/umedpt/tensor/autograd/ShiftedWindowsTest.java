package org.umedpt.tensor.autograd;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fused shifted-window partition and reverse against the op chain they replace (zero padding by
 * concat, {@code roll}, the unshifted partition; and un-partition, roll back, slice), forward and
 * gradient, bit for bit (both only move floats), on 1 and 3 threads. Geometries: Swin's shifted
 * block, padded odd maps, a side no longer than the window (shifted along the other only), no shift.
 */
class ShiftedWindowsTest {

    /** The chain torchvision runs, written with the unfused ops. */
    static Tensor composedPartition(Graph g, Tensor x, int ws, int sh, int sw, int padH, int padW) {
        int b = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        if (padH > h) x = Ops.concat(g, 1, x, g.zeros(b, padH - h, w, c));
        if (padW > w) x = Ops.concat(g, 2, x, g.zeros(b, padH, padW - w, c));
        if (sh + sw > 0) x = Ops.roll(g, x, -sh, -sw);
        return Ops.windowPartition(g, x, ws);
    }

    static Tensor composedReverse(Graph g, Tensor windows, int ws, int h, int w, int sh, int sw, int padH, int padW) {
        Tensor x = Ops.windowReverse(g, windows, ws, padH, padW);
        if (sh + sw > 0) x = Ops.roll(g, x, sh, sw);
        if (padH > h) x = Ops.slice(g, x, 1, 0, h);
        if (padW > w) x = Ops.slice(g, x, 2, 0, w);
        return x;
    }

    /** The op's output and the input's gradient for a random output weighting. */
    static float[][] run(int threads, Tensor in, BiFunction<Graph, Tensor, Tensor> op, long seed) {
        in.setGrad(null);
        try (CpuBackend cpu = new CpuBackend(threads); Graph g = new Graph(cpu, new Arena())) {
            Tensor y = op.apply(g, in);
            Tensor weights = g.of(Tensor.normal(new Rng(seed), 0, 1, y.shape()).toArray(), y.shape());
            g.backward(Ops.sum(g, Ops.mul(g, y, weights)));
            return new float[][] {y.toArray(), in.grad().toArray()};
        }
    }

    @ParameterizedTest(name = "b={0} {1}x{2} c={3} window {4} shift ({5}, {6})")
    @CsvSource({"2, 14, 14, 5, 7, 3, 3", "1, 9, 11, 3, 7, 3, 3", "2, 5, 12, 4, 7, 0, 3", "1, 16, 8, 2, 8, 4, 4", "3, 7, 7, 6, 7, 0, 0",
            "1, 10, 13, 33, 4, 2, 1"})
    void fusedEqualsTheChainItReplaces(int b, int h, int w, int c, int ws, int sh, int sw) {
        int padH = (h + ws - 1) / ws * ws, padW = (w + ws - 1) / ws * ws;
        Tensor x = Tensor.normal(new Rng(h * 31 + w), 0, 1, b, h, w, c).requiresGrad(true);
        float[][] chain = run(1, x, (g, t) -> composedPartition(g, t, ws, sh, sw, padH, padW), 5);
        for (int threads : new int[] {1, 3}) {
            float[][] fused = run(threads, x, (g, t) -> Ops.windowPartition(g, t, ws, sh, sw, padH, padW), 5);
            assertArrayEquals(chain[0], fused[0], "partition forward, " + threads + " threads");
            assertArrayEquals(chain[1], fused[1], "partition backward, " + threads + " threads");
        }
        int windows = b * (padH / ws) * (padW / ws);
        Tensor wins = Tensor.normal(new Rng(c), 0, 1, windows, ws * ws, c).requiresGrad(true);
        float[][] back = run(1, wins, (g, t) -> composedReverse(g, t, ws, h, w, sh, sw, padH, padW), 6);
        for (int threads : new int[] {1, 3}) {
            float[][] fused = run(threads, wins, (g, t) -> Ops.windowReverse(g, t, ws, h, w, sh, sw, padH, padW), 6);
            assertArrayEquals(back[0], fused[0], "reverse forward, " + threads + " threads");
            assertArrayEquals(back[1], fused[1], "reverse backward, " + threads + " threads");
        }
    }
}

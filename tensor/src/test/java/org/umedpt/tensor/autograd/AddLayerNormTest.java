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

/**
 * The fused residual add + LayerNorm against the two ops it replaces (Ops.add, then Ops.layerNorm on
 * the sum): both outputs and every gradient bit for bit, on 1 and 3 threads, with and without
 * affine, rows with vector tails. Later consumers of the sum (the next residual) are in the loss, as
 * in a Swin block.
 */
class AddLayerNormTest {

    static List<float[]> run(int threads, boolean fused, Tensor x, Tensor r, Tensor w, Tensor b) {
        for (Tensor t : new Tensor[] {x, r, w, b}) if (t != null) t.setGrad(null);
        try (CpuBackend cpu = new CpuBackend(threads); Graph g = new Graph(cpu, new Arena())) {
            Tensor sum, y;
            if (fused) {
                Tensor[] sn = Ops.addLayerNorm(g, x, r, w, b, 1e-5f);
                sum = sn[0];
                y = sn[1];
            } else {
                sum = Ops.add(g, x, r);
                y = Ops.layerNorm(g, sum, w, b, 1e-5f);
            }
            Tensor wy = g.of(Tensor.normal(new Rng(5), 0, 1, y.shape()).toArray(), y.shape());
            Tensor next = Ops.add(g, sum, Ops.gelu(g, Ops.mul(g, y, wy))); // the block's next residual reads the sum
            g.backward(Ops.sum(g, Ops.mul(g, next, next)));
            List<float[]> out = new ArrayList<>(List.of(sum.toArray(), y.toArray(), x.grad().toArray(), r.grad().toArray()));
            if (w != null) out.add(w.grad().toArray());
            if (b != null) out.add(b.grad().toArray());
            return out;
        }
    }

    @ParameterizedTest(name = "{0} rows x {1} cols, affine {2}")
    @CsvSource({"1, 1, true", "7, 33, true", "49, 96, true", "13, 17, false"})
    void fusedEqualsAddThenLayerNorm(int rows, int cols, boolean affine) {
        Rng rng = new Rng(rows * 100 + cols);
        Tensor x = Tensor.normal(rng, 0, 1, rows, cols).requiresGrad(true), r = Tensor.normal(rng, 0, 1, rows, cols).requiresGrad(true);
        Tensor w = affine ? Tensor.normal(rng, 1, 0.1f, cols).requiresGrad(true) : null;
        Tensor b = affine ? Tensor.normal(rng, 0, 0.1f, cols).requiresGrad(true) : null;
        List<float[]> ref = run(1, false, x, r, w, b);
        String[] names = {"sum", "y", "dx", "dr", "dw", "db"};
        for (int threads : new int[] {1, 3}) {
            List<float[]> got = run(threads, true, x, r, w, b);
            for (int i = 0; i < ref.size(); i++) assertArrayEquals(ref.get(i), got.get(i), names[i] + ", " + threads + " threads");
        }
    }
}

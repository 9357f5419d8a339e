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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One convolution over several maps (one GEMM) against a conv2d per map — itself checked against
 * PyTorch and finite differences: outputs and the gradients of every map, the weight and the bias.
 */
class Conv2dSharedTest {

    @ParameterizedTest(name = "cout={0} k={1} stride={2} pad={3} threads={4}")
    @CsvSource({"5,3,1,1,1", "20,3,1,1,2", "6,3,2,1,2", "4,1,1,0,1"})
    void matchesOneConvolutionPerMap(int cout, int k, int stride, int pad, int threads) {
        int n = 2, c = 3;
        int[][] sizes = {{5, 6}, {3, 3}, {1, 1}};
        Rng r = new Rng(cout * 10 + k);
        List<Tensor> xs = new ArrayList<>(), upstream = new ArrayList<>();
        for (int[] s : sizes) xs.add(Tensor.normal(r, 0, 1, n, c, s[0], s[1]).requiresGrad(true));
        Tensor w = Tensor.normal(r, 0, 0.3f, cout, c, k, k).requiresGrad(true), b = Tensor.normal(r, 0, 1, cout).requiresGrad(true);
        for (int[] s : sizes) {
            upstream.add(Tensor.normal(r, 0, 1, n, cout, (s[0] + 2 * pad - k) / stride + 1, (s[1] + 2 * pad - k) / stride + 1));
        }
        List<float[]> ref = null;
        try (CpuBackend cpu = new CpuBackend(threads)) {
            for (boolean shared : new boolean[] {false, true}) {
                for (Tensor x : xs) x.setGrad(null);
                w.setGrad(null);
                b.setGrad(null);
                List<float[]> got = new ArrayList<>();
                try (Graph g = new Graph(cpu, new Arena())) {
                    List<Tensor> ys = new ArrayList<>();
                    if (shared) ys = Ops.conv2dShared(g, xs, w, b, stride, pad);
                    else for (Tensor x : xs) ys.add(Ops.conv2d(g, x, w, b, stride, pad));
                    Tensor loss = null;
                    for (int l = 0; l < ys.size(); l++) {
                        got.add(ys.get(l).toArray());
                        Tensor term = Ops.sum(g, Ops.mul(g, ys.get(l), upstream.get(l)));
                        loss = loss == null ? term : Ops.add(g, loss, term);
                    }
                    g.backward(loss);
                }
                for (Tensor x : xs) got.add(x.grad().toArray());
                got.add(w.grad().toArray());
                got.add(b.grad().toArray());
                if (ref == null) {
                    ref = got;
                    continue;
                }
                for (int i = 0; i < got.size(); i++) {
                    double err = 0, scale = 0;
                    for (int j = 0; j < got.get(i).length; j++) {
                        err = Math.max(err, Math.abs(got.get(i)[j] - ref.get(i)[j]));
                        scale = Math.max(scale, Math.abs(ref.get(i)[j]));
                    }
                    assertTrue(err <= 1e-5 * scale, "result " + i + ": max error " + err + " vs max " + scale);
                }
            }
        }
    }
}

package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/** 2-D convolution over NCHW with square kernel, stride and zero padding; PyTorch's default init. */
public final class Conv2d extends Module {
    public final int in, out, kernel, stride, padding;
    public final Tensor weight, bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        // kaiming_uniform(a=√5) = U(−1/√fan_in, 1/√fan_in), and the same bound for the bias
        float bound = (float) (1 / Math.sqrt(in * kernel * kernel));
        this.weight = param("weight", Tensor.uniform(rng, -bound, bound, out, in, kernel, kernel));
        this.bias = bias ? param("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
    }

    public Tensor forward(Graph g, Tensor x) {
        return Ops.conv2d(g, x, weight, bias, stride, padding);
    }

    /** This conv on several maps (e.g. pyramid levels sharing a head) in one GEMM; the same values as {@link #forward} on each. */
    public java.util.List<Tensor> forward(Graph g, java.util.List<Tensor> xs) {
        return Ops.conv2dShared(g, xs, weight, bias, stride, padding);
    }
}

package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * y = x·Wᵀ + b over the last dim, W (out, in) as PyTorch stores it. x (..., in) → (..., out):
 * all leading dims fold into one GEMM.
 */
public final class Linear extends Module {
    public final int in, out;
    public final Tensor weight, bias;

    /** Initialised as timm/torchvision Swin do: weight trunc-normal(0, 0.02) in [−2, 2], bias 0. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got " + in + " -> " + out);
        this.in = in;
        this.out = out;
        this.weight = param("weight", Tensor.truncatedNormal(rng, 0f, 0.02f, -2f, 2f, out, in));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
    }

    public Tensor forward(Graph g, Tensor x) {
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): input " + x.describe() + " has last dim " + x.dim(-1));
        }
        return Ops.linear(g, x, weight, bias);
    }

    /** Forward with a different bias tensor (Swin v2 zeroes the k part of its qkv bias). */
    public Tensor forward(Graph g, Tensor x, Tensor biasOverride) {
        return Ops.linear(g, x, weight, biasOverride);
    }
}

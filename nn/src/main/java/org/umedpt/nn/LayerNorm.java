package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;

/** LayerNorm over the last dim with affine weight (1) and bias (0), eps 1e-5 as torchvision's Swin. */
public final class LayerNorm extends Module {
    public final int dim;
    public final float eps;
    public final Tensor weight, bias;

    public LayerNorm(int dim) {
        this(dim, 1e-5f);
    }

    public LayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dim));
        this.bias = param("bias", Tensor.zeros(dim));
    }

    public Tensor forward(Graph g, Tensor x) {
        if (x.dim(-1) != dim) throw new IllegalArgumentException("LayerNorm(" + dim + "): input " + x.describe());
        return Ops.layerNorm(g, x, weight, bias, eps);
    }
}

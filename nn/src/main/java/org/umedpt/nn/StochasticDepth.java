package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * Stochastic depth in torchvision's "row" mode: each sample's residual branch is dropped with
 * probability p and the kept ones are scaled by 1/(1−p). Identity in eval or with p = 0.
 */
public final class StochasticDepth {
    private StochasticDepth() {}

    /** x (B, ...). */
    public static Tensor apply(Graph g, Tensor x, float p, boolean training, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("stochasticDepth: p must be in [0, 1), got " + p);
        if (!training || p == 0f) return x;
        if (rng == null) throw new IllegalArgumentException("stochasticDepth: a seeded Rng is required in training");
        int b = x.dim(0);
        float[] keep = new float[b];
        for (int i = 0; i < b; i++) keep[i] = rng.nextFloat() < 1 - p ? 1f / (1 - p) : 0f;
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        return Ops.mul(g, x, g.of(keep, shape));
    }
}

package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;

/**
 * GroupNorm over NCHW, as {@code torch.nn.GroupNorm(groups, channels)}: each sample's channels are
 * split into {@code groups}; each group is normalised over (C/groups, H, W) with biased variance,
 * then a per-channel affine. With one group it normalises over (C, H, W) per sample — the
 * batch-independent norm the method uses in every convolutional block (no BatchNorm: batch
 * statistics would mix tasks). Composed from reshape, LayerNorm without affine and per-channel
 * broadcasts, so its gradient comes from theirs.
 */
public final class GroupNorm extends Module {
    public final int groups, channels;
    public final float eps;
    public final Tensor weight, bias;

    public GroupNorm(int groups, int channels) {
        this(groups, channels, 1e-5f);
    }

    public GroupNorm(int groups, int channels, float eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + groups + " groups must divide " + channels + " channels");
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(channels));
        this.bias = param("bias", Tensor.zeros(channels));
    }

    /** x (N, C, H, W) → same shape. */
    public Tensor forward(Graph g, Tensor x) {
        if (x.rank() != 4 || x.dim(1) != channels) {
            throw new IllegalArgumentException("GroupNorm(" + groups + ", " + channels + "): input must be (N, " + channels
                    + ", H, W), got " + x.describe());
        }
        int n = x.dim(0), h = x.dim(2), w = x.dim(3);
        if (groups == 1) {
            // One group: LayerNorm over (C·H·W) with the per-channel affine expanded to (C, H·W) —
            // one full-size output instead of three (normalised, scaled, shifted).
            Tensor zeros = g.zeros(channels, h * w);
            Tensor wExp = Ops.add(g, zeros, Ops.reshape(g, weight, channels, 1));
            Tensor bExp = Ops.add(g, zeros, Ops.reshape(g, bias, channels, 1));
            Tensor flat = Ops.reshape(g, x, n, channels * h * w);
            return Ops.reshape(g, Ops.layerNorm(g, flat, Ops.reshape(g, wExp, -1), Ops.reshape(g, bExp, -1), eps), n, channels, h, w);
        }
        Tensor flat = Ops.reshape(g, x, n, groups, channels / groups * h * w);
        Tensor norm = Ops.reshape(g, Ops.layerNorm(g, flat, null, null, eps), n, channels, h, w);
        Tensor scaled = Ops.mul(g, norm, Ops.reshape(g, weight, 1, channels, 1, 1));
        return Ops.add(g, scaled, Ops.reshape(g, bias, 1, channels, 1, 1));
    }
}

package org.umedpt.nn.swin;

import org.umedpt.nn.LayerNorm;
import org.umedpt.nn.Linear;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * Halves H and W and doubles C: (B, H, W, C) → (B, ⌈H/2⌉, ⌈W/2⌉, 2C). An odd side is padded with
 * zeros; each 2×2 cell becomes [x(0,0), x(1,0), x(0,1), x(1,1)] concatenated on channels
 * (torchvision's order: row offset fastest). v1: LayerNorm(4C) then Linear(4C → 2C, no bias);
 * v2: Linear then LayerNorm(2C).
 */
public final class PatchMerging extends Module {
    private final boolean v2;
    private final int dim;
    public final Linear reduction;
    public final LayerNorm norm;

    public PatchMerging(int version, int dim, Rng rng) {
        this.v2 = version == 2;
        this.dim = dim;
        this.reduction = child("reduction", new Linear(4 * dim, 2 * dim, false, rng));
        this.norm = child("norm", new LayerNorm(v2 ? 2 * dim : 4 * dim));
    }

    public Tensor forward(Graph g, Tensor x) {
        int b = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        if (c != dim) throw new IllegalArgumentException("PatchMerging(" + dim + "): input " + x.describe());
        if (h % 2 != 0) x = Ops.concat(g, 1, x, g.zeros(b, 1, w, c));
        if (w % 2 != 0) x = Ops.concat(g, 2, x, g.zeros(b, h + h % 2, 1, c));
        int h2 = (h + 1) / 2, w2 = (w + 1) / 2;
        // (B, H2, dh, W2, dw, C) → (B, H2, W2, dw, dh, C): channel block index = dw·2 + dh
        Tensor cells = Ops.permute(g, Ops.reshape(g, x, b, h2, 2, w2, 2, c), 0, 1, 3, 4, 2, 5);
        Tensor merged = Ops.reshape(g, cells, b, h2, w2, 4 * c);
        return v2 ? norm.forward(g, reduction.forward(g, merged)) : reduction.forward(g, norm.forward(g, merged));
    }

    long macs(int h, int w) {
        return (long) ((h + 1) / 2) * ((w + 1) / 2) * 4L * dim * 2L * dim;
    }
}

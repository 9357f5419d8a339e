package org.umedpt.nn.swin;

import org.umedpt.nn.Conv2d;
import org.umedpt.nn.LayerNorm;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * p×p stride-p convolution, NCHW → NHWC, LayerNorm: torchvision's {@code features.0}, a Sequential
 * of Conv2d (slot 0), Permute (slot 1) and LayerNorm (slot 2). (N, 3, H, W) → (N, H/p, W/p, C).
 */
public final class PatchEmbed extends Module {
    public final Conv2d proj;
    public final LayerNorm norm;

    public PatchEmbed(int patch, int inChannels, int dim, Rng rng) {
        this.proj = child("0", new Conv2d(inChannels, dim, patch, patch, 0, true, rng));
        this.norm = child("2", new LayerNorm(dim));
    }

    public Tensor forward(Graph g, Tensor x) {
        return norm.forward(g, Ops.permute(g, proj.forward(g, x), 0, 2, 3, 1));
    }

    long macs(int h, int w) {
        return (long) (h / proj.kernel) * (w / proj.kernel) * proj.out * proj.in * proj.kernel * proj.kernel;
    }
}

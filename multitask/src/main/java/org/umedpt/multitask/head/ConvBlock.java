package org.umedpt.multitask.head;

import org.umedpt.nn.Conv2d;
import org.umedpt.nn.GroupNorm;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * 3×3 conv (padding 1) → GroupNorm with one group → activation. No BatchNorm anywhere: batch
 * statistics would mix tasks with different distributions.
 */
public final class ConvBlock extends Module {
    public enum Activation { RELU, GELU }

    private final Conv2d conv;
    private final GroupNorm norm;
    private final Activation act;

    public ConvBlock(int in, int out, Activation act, Rng rng) {
        this.conv = child("conv", new Conv2d(in, out, 3, 1, 1, true, rng));
        this.norm = child("norm", new GroupNorm(1, out));
        this.act = act;
    }

    /** x (N, in, H, W) → (N, out, H, W). */
    public Tensor forward(Graph g, Tensor x) {
        Tensor y = norm.forward(g, conv.forward(g, x));
        return act == Activation.RELU ? Ops.relu(g, y) : Ops.gelu(g, y);
    }
}

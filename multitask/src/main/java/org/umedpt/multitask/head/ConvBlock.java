package org.umedpt.multitask.head;

import org.umedpt.nn.Conv2d;
import org.umedpt.nn.GroupNorm;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

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
        return normAndActivate(g, conv.forward(g, x));
    }

    /** The block on each of several maps (pyramid levels): one GEMM for the conv, norm and activation per map. */
    public List<Tensor> forward(Graph g, List<Tensor> xs) {
        List<Tensor> out = new ArrayList<>(xs.size());
        for (Tensor y : conv.forward(g, xs)) out.add(normAndActivate(g, y));
        return out;
    }

    private Tensor normAndActivate(Graph g, Tensor y) {
        Tensor z = norm.forward(g, y);
        return act == Activation.RELU ? Ops.relu(g, z) : Ops.gelu(g, z);
    }
}

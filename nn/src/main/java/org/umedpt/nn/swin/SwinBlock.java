package org.umedpt.nn.swin;

import org.umedpt.nn.LayerNorm;
import org.umedpt.nn.Mlp;
import org.umedpt.nn.Module;
import org.umedpt.nn.StochasticDepth;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * One Swin block on (B, H, W, C), torchvision's {@code SwinTransformerBlock(V2)}:
 * <pre>
 *   v1 (pre-norm):   x = x + sd(attn(norm1(x)));   x = x + sd(mlp(norm2(x)))
 *   v2 (post-norm):  x = x + sd(norm1(attn(x)));   x = x + sd(norm2(mlp(x)))
 * </pre>
 * sd = stochastic depth; the shift is 0 on even blocks and window/2 on odd ones.
 */
public final class SwinBlock extends Module {
    private final boolean v2;
    private final float sdProb;
    public final LayerNorm norm1, norm2;
    public final ShiftedWindowAttention attn;
    public final Mlp mlp;

    public SwinBlock(int version, int dim, int heads, int ws, int shift, float mlpRatio, float sdProb, Rng rng) {
        this.v2 = version == 2;
        this.sdProb = sdProb;
        this.norm1 = child("norm1", new LayerNorm(dim));
        this.attn = child("attn", v2 ? new ShiftedWindowAttentionV2(dim, ws, shift, heads, 0f, 0f, rng)
                : new ShiftedWindowAttention(dim, ws, shift, heads, 0f, 0f, rng));
        this.norm2 = child("norm2", new LayerNorm(dim));
        this.mlp = child("mlp", new Mlp(dim, (int) (dim * mlpRatio), 0f, rng));
    }

    public Tensor forward(Graph g, Tensor x, Rng rng) {
        Tensor m;
        if (v2) {
            x = Ops.add(g, x, StochasticDepth.apply(g, norm1.forward(g, attn.forward(g, x, rng)), sdProb, training(), rng));
            m = norm2.forward(g, mlp.forward(g, x, rng));
        } else { // the residual add and norm2 in one kernel
            Tensor a = attn.forward(g, norm1.forward(g, x), rng);
            Tensor[] sumAndNorm = Ops.addLayerNorm(g, x, StochasticDepth.apply(g, a, sdProb, training(), rng), norm2.weight, norm2.bias, norm2.eps);
            x = sumAndNorm[0];
            m = mlp.forward(g, sumAndNorm[1], rng);
        }
        return Ops.add(g, x, StochasticDepth.apply(g, m, sdProb, training(), rng));
    }

    long macs(int h, int w) {
        long tokens = (long) h * w;
        return attn.macs(h, w) + 2 * tokens * mlp.fc1.in * mlp.fc1.out;
    }
}

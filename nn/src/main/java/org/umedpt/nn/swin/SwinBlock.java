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

    /*
     * Tensors that only a residual add or a window partition reads (their backward needs no input) go
     * back to the arena as soon as they are read, so later activations reuse the memory: a block
     * then holds only what some backward needs. Poison mode (-ea, as in the tests) NaN-fills a
     * released block, so a backward that did read one would fail the gradient tests.
     */
    public Tensor forward(Graph g, Tensor x, Rng rng) {
        Tensor branch, m;
        if (v2) {
            branch = StochasticDepth.apply(g, norm1.forward(g, attn.forward(g, x, rng)), sdProb, training(), rng);
            x = Ops.add(g, x, branch);
            g.release(branch);
            m = norm2.forward(g, mlp.forward(g, x, rng));
        } else { // the residual add and norm2 in one kernel
            Tensor normed = norm1.forward(g, x);
            Tensor a = attn.forward(g, normed, rng);
            g.release(normed); // read only by the window partition
            branch = StochasticDepth.apply(g, a, sdProb, training(), rng);
            Tensor[] sumAndNorm = Ops.addLayerNorm(g, x, branch, norm2.weight, norm2.bias, norm2.eps);
            g.release(branch);
            x = sumAndNorm[0];
            m = mlp.forward(g, sumAndNorm[1], rng);
        }
        branch = StochasticDepth.apply(g, m, sdProb, training(), rng);
        Tensor out = Ops.add(g, x, branch);
        g.release(branch);
        return out;
    }

    long macs(int h, int w) {
        long tokens = (long) h * w;
        return attn.macs(h, w) + 2 * tokens * mlp.fc1.in * mlp.fc1.out;
    }
}

package org.umedpt.nn.swin;

import org.umedpt.nn.Linear;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * Swin v2 window attention (torchvision's {@code ShiftedWindowAttentionV2}): scaled cosine
 * attention, cos(q, k)·exp(min(logit_scale, ln 100)) with a learnable per-head logit scale, and a
 * continuous relative position bias 16·sigmoid(MLP(log-spaced coords)) instead of a table. The k
 * part of the qkv bias is held at zero in the forward pass (so it gets no gradient).
 */
public final class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {
    private Tensor logitScale, coordsTable;
    private CpbMlp cpb;

    public ShiftedWindowAttentionV2(int dim, int ws, int shift, int heads, float attnDropout, float dropout, Rng rng) {
        super(dim, ws, shift, heads, attnDropout, dropout, rng);
    }

    /** The position-bias MLP: Linear(2, 512) → ReLU → Linear(512, heads, no bias), slots 0 and 2. */
    static final class CpbMlp extends Module {
        final Linear l0, l2;

        CpbMlp(int heads, Rng rng) {
            l0 = child("0", new Linear(2, 512, true, rng));
            l2 = child("2", new Linear(512, heads, false, rng));
        }

        Tensor forward(Graph g, Tensor x) {
            return l2.forward(g, Ops.relu(g, l0.forward(g, x)));
        }
    }

    @Override
    protected Tensor initTables(Rng rng) {
        logitScale = param("logit_scale", Tensor.full((float) Math.log(10), heads, 1, 1));
        cpb = child("cpb_mlp", new CpbMlp(heads, rng));
        int side = 2 * ws - 1;
        float[] t = new float[side * side * 2];
        for (int i = 0; i < side; i++) {
            for (int j = 0; j < side; j++) {
                t[(i * side + j) * 2] = logSpaced((i - (ws - 1)) / (float) (ws - 1) * 8f);
                t[(i * side + j) * 2 + 1] = logSpaced((j - (ws - 1)) / (float) (ws - 1) * 8f);
            }
        }
        Tensor index = buffer("relative_position_index", Tensor.of(WindowGeometry.relativePositionIndex(ws), ws * ws * ws * ws));
        coordsTable = buffer("relative_coords_table", Tensor.of(t, 1, side, side, 2));
        return index;
    }

    /** sign(x)·log2(|x| + 1)/3, computed in float as torchvision does. */
    private static float logSpaced(float v) {
        return (float) (Math.signum(v) * (Math.log(Math.abs(v) + 1.0f) / Math.log(2))) / 3f;
    }

    @Override
    protected Tensor positionBias(Graph g) {
        int n = ws * ws;
        Tensor table = Ops.reshape(g, cpb.forward(g, coordsTable), -1, heads);   // ((2ws−1)², heads)
        Tensor b = Ops.indexSelect(g, table, relativePositionIndex);              // (N·N, heads)
        b = Ops.permute(g, Ops.reshape(g, b, n, n, heads), 2, 0, 1);
        return Ops.mul(g, Ops.sigmoid(g, b), 16f);
    }

    /** The fused cosine attention unless attention dropout is active in training (then {@link #logits}' chain). */
    @Override
    protected Tensor attention(Graph g, Tensor qkvOut, Tensor bias, Tensor mask, Rng rng) {
        if (attnDropout == 0f || !training()) {
            Tensor tau = Ops.reshape(g, Ops.exp(g, Ops.clampMax(g, logitScale, (float) Math.log(100))), heads); // (heads)
            return Ops.windowCosineAttention(g, qkvOut, bias, mask, tau, heads);
        }
        return unfusedAttention(g, qkvOut, bias, mask, rng);
    }

    @Override
    protected Tensor logits(Graph g, Tensor q, Tensor k) {
        Tensor attn = Ops.matmul(g, normalize(g, q), normalize(g, k), false, true);
        Tensor scale = Ops.exp(g, Ops.clampMax(g, logitScale, (float) Math.log(100)));
        return Ops.mul(g, attn, scale);
    }

    /**
     * x / max(‖x‖₂, 1e−12) over the last dim, as F.normalize, computed as x / sqrt(max(‖x‖², 1e−24)):
     * the same value, but a zero row (a padded window token's key: v2 zeroes the k bias) gets a zero
     * gradient instead of sqrt's 1/(2·0) times the clamp's 0 = NaN.
     */
    private static Tensor normalize(Graph g, Tensor x) {
        int[] s = x.shape();
        int[] keep = s.clone();
        keep[s.length - 1] = 1;
        Tensor norm = Ops.sqrt(g, Ops.clampMin(g, Ops.sumLast(g, Ops.square(g, x)), 1e-24f));
        return Ops.div(g, x, Ops.reshape(g, norm, keep));
    }

    @Override
    protected Tensor qkvBias(Graph g) {
        float[] keep = new float[3 * dim];
        java.util.Arrays.fill(keep, 0, dim, 1f);
        java.util.Arrays.fill(keep, 2 * dim, 3 * dim, 1f);
        return Ops.mul(g, qkv.bias, g.of(keep, 3 * dim));
    }

    @Override
    long macs(int h, int w) {
        int side = 2 * ws - 1;
        return super.macs(h, w) + (long) side * side * (2 * 512 + 512 * heads);
    }
}

package org.umedpt.nn.swin;

import org.umedpt.nn.Linear;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * Swin v1 window attention (torchvision's {@code ShiftedWindowAttention}): qkv projection,
 * scaled dot product q·kᵀ/√d per window and head, plus a learned relative position bias
 * (table ((2ws−1)², heads) gathered by a fixed index) and, for shifted windows, the −100 mask;
 * softmax, ·v, output projection. Also the base of {@link ShiftedWindowAttentionV2}.
 */
public class ShiftedWindowAttention extends Module {
    protected final int dim, heads, ws, shift;
    protected final float attnDropout, dropout;
    public final Linear qkv, proj;
    protected final Tensor relativePositionIndex; // (N·N) as floats
    private final Map<Long, float[]> masks = new HashMap<>(); // per padded map size: a pure cache

    public ShiftedWindowAttention(int dim, int ws, int shift, int heads, float attnDropout, float dropout, Rng rng) {
        this.dim = dim;
        this.heads = heads;
        this.ws = ws;
        this.shift = shift;
        this.attnDropout = attnDropout;
        this.dropout = dropout;
        this.qkv = child("qkv", new Linear(dim, 3 * dim, true, rng));
        this.proj = child("proj", new Linear(dim, dim, true, rng));
        this.relativePositionIndex = initTables(rng);
    }

    /** Registers the bias parameters and buffers in torchvision's order; returns the index buffer. */
    protected Tensor initTables(Rng rng) {
        param("relative_position_bias_table",
                Tensor.truncatedNormal(rng, 0f, 0.02f, -2f, 2f, (2 * ws - 1) * (2 * ws - 1), heads));
        return buffer("relative_position_index", Tensor.of(WindowGeometry.relativePositionIndex(ws), ws * ws * ws * ws));
    }

    /** The relative position bias (heads, N, N). */
    protected Tensor positionBias(Graph g) {
        Tensor table = stateTensor("relative_position_bias_table");
        int n = ws * ws;
        Tensor b = Ops.indexSelect(g, table, relativePositionIndex); // (N·N, heads)
        return Ops.permute(g, Ops.reshape(g, b, n, n, heads), 2, 0, 1);
    }

    /** Attention logits of one window batch: (B', heads, N, N) from q, k (B', heads, N, hd). */
    protected Tensor logits(Graph g, Tensor q, Tensor k) {
        return Ops.matmul(g, Ops.mul(g, q, (float) (1 / Math.sqrt(dim / heads))), k, false, true);
    }

    /** The qkv projection's bias as used in the forward pass (v2 zeroes its k part). */
    protected Tensor qkvBias(Graph g) {
        return qkv.bias;
    }

    /** x (B, H, W, C) → (B, H, W, C). */
    public Tensor forward(Graph g, Tensor x, Rng rng) {
        int b = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        if (c != dim) throw new IllegalArgumentException("window attention(" + dim + "): input " + x.describe());
        WindowGeometry geo = WindowGeometry.of(h, w, ws, shift);
        Tensor xw = geo.partition(g, x);                               // (B', N, C)
        int bw = xw.dim(0), n = geo.tokens(), hd = dim / heads;
        Tensor qkvOut = qkv.forward(g, xw, qkvBias(g));                // (B', N, 3C)
        Tensor split = Ops.permute(g, Ops.reshape(g, qkvOut, bw, n, 3, heads, hd), 2, 0, 3, 1, 4); // (3, B', heads, N, hd)
        Tensor[] parts = Ops.split(g, split, 0, 1, 1, 1);
        Tensor q = Ops.reshape(g, parts[0], bw, heads, n, hd);
        Tensor k = Ops.reshape(g, parts[1], bw, heads, n, hd);
        Tensor v = Ops.reshape(g, parts[2], bw, heads, n, hd);
        Tensor attn = logits(g, q, k);                                 // (B', heads, N, N)
        Tensor bias = positionBias(g);                                 // (heads, N, N)
        if (geo.shifted()) {
            int nW = geo.windows();
            Tensor mask = g.of(masks.computeIfAbsent(((long) geo.padH() << 32) | geo.padW(), key -> geo.mask(heads)), nW, heads, n, n);
            Tensor biasMask = Ops.add(g, mask, bias);                  // (nW, heads, N, N)
            attn = Ops.reshape(g, Ops.add(g, Ops.reshape(g, attn, bw / nW, nW, heads, n, n), biasMask), bw, heads, n, n);
        } else {
            attn = Ops.add(g, attn, bias);
        }
        attn = Ops.dropout(g, Ops.softmax(g, attn), attnDropout, training(), rng);
        Tensor o = Ops.matmul(g, attn, v);                             // (B', heads, N, hd)
        o = Ops.reshape(g, Ops.permute(g, o, 0, 2, 1, 3), bw, n, dim);
        o = Ops.dropout(g, proj.forward(g, o), dropout, training(), rng);
        return geo.reverse(g, o);
    }

    /** A parameter of this module by its local name. */
    protected Tensor stateTensor(String name) {
        return namedParameters().get(name);
    }

    /** Multiply-adds of one forward over an H×W map with batch 1 (padded tokens count, as executed). */
    long macs(int h, int w) {
        WindowGeometry geo = WindowGeometry.of(h, w, ws, shift);
        long tokens = (long) geo.padH() * geo.padW(), n = geo.tokens();
        return tokens * dim * 3L * dim + 2L * geo.windows() * heads * n * n * (dim / heads) + tokens * dim * dim;
    }
}

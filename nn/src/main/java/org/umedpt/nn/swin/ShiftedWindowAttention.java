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
 *
 * <p>Everything between the two projections is one fused op ({@link Ops#windowAttention}) unless
 * attention dropout is active in training; then it is the chain of small ops in
 * {@link #unfusedAttention} (v2 overrides {@link #attention} with the op's cosine variant).
 */
public class ShiftedWindowAttention extends Module {
    protected final int dim, heads, ws, shift;
    protected final float attnDropout, dropout;
    public final Linear qkv, proj;
    protected final Tensor relativePositionIndex; // (N·N) as floats
    private final Map<Long, Tensor> masks = new HashMap<>(); // (nW, N, N) per padded map size: a pure cache

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
        int c = x.dim(3);
        if (c != dim) throw new IllegalArgumentException("window attention(" + dim + "): input " + x.describe());
        WindowGeometry geo = WindowGeometry.of(x.dim(1), x.dim(2), ws, shift);
        Tensor xw = geo.partition(g, x);                               // (B', N, C)
        Tensor qkvOut = qkv.forward(g, xw, qkvBias(g));                // (B', N, 3C)
        Tensor bias = positionBias(g);                                 // (heads, N, N)
        Tensor mask = geo.shifted() ? shiftMask(geo) : null;           // (nW, N, N), a heap constant
        Tensor o = attention(g, qkvOut, bias, mask, rng);              // (B', N, C)
        o = Ops.dropout(g, proj.forward(g, o), dropout, training(), rng);
        Tensor out = geo.reverse(g, o);
        g.release(o); // read only by the reverse copy (see SwinBlock.forward)
        return out;
    }

    /**
     * The shift mask (nW, N, N) for this geometry: built once per padded map size and kept as a heap
     * tensor that the attention op reads in place (it has no gradient, so it never enters the graph).
     */
    private Tensor shiftMask(WindowGeometry geo) {
        return masks.computeIfAbsent(((long) geo.padH() << 32) | geo.padW(),
                key -> Tensor.of(geo.mask(), geo.windows(), geo.tokens(), geo.tokens()));
    }

    /**
     * softmax(q·kᵀ/√hd + bias + mask)·v per window and head, from the qkv projection's output
     * (B', N, 3C) to the output projection's input (B', N, C). One fused op
     * ({@link Ops#windowAttention}) unless attention dropout is active (training with
     * attnDropout &gt; 0), which needs P materialised between softmax and ·v.
     */
    protected Tensor attention(Graph g, Tensor qkvOut, Tensor bias, Tensor mask, Rng rng) {
        if (attnDropout == 0f || !training()) {
            return Ops.windowAttention(g, qkvOut, bias, mask, heads, (float) (1 / Math.sqrt(dim / heads)));
        }
        return unfusedAttention(g, qkvOut, bias, mask, rng);
    }

    /** {@link #attention} as a chain of small ops, with {@link #logits} and attention dropout. */
    protected final Tensor unfusedAttention(Graph g, Tensor qkvOut, Tensor bias, Tensor mask, Rng rng) {
        int bw = qkvOut.dim(0), n = qkvOut.dim(1), hd = dim / heads;
        Tensor split = Ops.permute(g, Ops.reshape(g, qkvOut, bw, n, 3, heads, hd), 2, 0, 3, 1, 4); // (3, B', heads, N, hd)
        Tensor[] parts = Ops.split(g, split, 0, 1, 1, 1);
        Tensor q = Ops.reshape(g, parts[0], bw, heads, n, hd);
        Tensor k = Ops.reshape(g, parts[1], bw, heads, n, hd);
        Tensor v = Ops.reshape(g, parts[2], bw, heads, n, hd);
        Tensor attn = logits(g, q, k);                                 // (B', heads, N, N)
        if (mask != null) {
            int nW = mask.dim(0);
            Tensor biasMask = Ops.add(g, Ops.reshape(g, mask, nW, 1, n, n), bias); // (nW, heads, N, N)
            attn = Ops.reshape(g, Ops.add(g, Ops.reshape(g, attn, bw / nW, nW, heads, n, n), biasMask), bw, heads, n, n);
        } else {
            attn = Ops.add(g, attn, bias);
        }
        attn = Ops.dropout(g, Ops.softmax(g, attn), attnDropout, training(), rng);
        Tensor o = Ops.matmul(g, attn, v);                             // (B', heads, N, hd)
        return Ops.reshape(g, Ops.permute(g, o, 0, 2, 1, 3), bw, n, dim);
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

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * Swin window attention (v1, and v2's cosine variant) as one op, from the qkv projection's output to the input of the output
 * projection (torchvision's {@code shifted_window_attention} between {@code qkv} and {@code proj}).
 * Per window w and head h, with Q, K, V (N, hd) read strided out of qkv (torchvision's
 * (3, heads, hd) split of the last axis):
 *
 * <pre>
 *   S = scale·Q·Kᵀ + bias[h] + mask[w mod nW]      P = softmax(S) by rows      O = P·V
 *
 *   dV = Pᵀ·dO      dP = dO·Vᵀ      dS = P ⊙ (dP − rowsum(dP ⊙ P))
 *   dQ = scale·dS·K      dK = scale·dSᵀ·Q      dbias[h] = Σ_w dS
 * </pre>
 *
 * <p>It replaces reshape/permute/split copies of q, k, v, the scaled q, three (B', heads, N, N)
 * logits tensors, the mask copy and the output permute of the unfused chain; the reference is that
 * chain (matmul, add, softmax, matmul), checked against it in the tests.
 *
 * <p><b>P is saved, not recomputed.</b> Backward needs P for dV and dS; recomputing it would repeat
 * Q·Kᵀ and, dearer, N² exps per window and head. Saving it costs one (B', heads, N, N) tensor per
 * layer, where the unfused chain kept about four of that size (scaled logits, biased logits, P and
 * its dropout output). With grad off, P goes back to the arena at once.
 *
 * <p><b>Cosine variant</b> (Swin v2, {@link #applyCosine}): Q and K rows are normalised inside
 * the op (x / √max(‖x‖², 1e−24), F.normalize's clamp) and the per-head factor τ (heads) replaces
 * scale, S = τ[h]·Q̂·K̂ᵀ + bias[h] + mask; τ (exp of the clamped logit scale, computed by the caller)
 * gets dτ[h] = Σ dS ⊙ Q̂K̂ᵀ, and the normalisation's backward is applied to dQ̂ = τ·dS·K̂ and
 * dK̂ = τ·dSᵀ·Q̂ (without its projection term where the clamp was active, as the composed
 * normalize's gradient).
 *
 * <p>The mask has no gradient (the constant −100 shift mask); the B' axis is (image, window) with
 * windows fastest, as {@code Ops.windowPartition} makes it, so window w uses mask[w mod nW].
 */
public final class WindowAttention {
    private WindowAttention() {}

    /**
     * @param qkv   (B', N, 3C), C = heads·hd; Not modified
     * @param bias  (heads, N, N), may require grad; Not modified
     * @param mask  (nW, N, N) with B' a multiple of nW, or null; must not require grad; Not modified
     * @return o (B', N, C), head h in columns [h·hd, (h+1)·hd)
     */
    public static Tensor apply(Graph g, Tensor qkv, Tensor bias, Tensor mask, int heads, float scale) {
        return apply(g, "windowAttention", qkv, bias, mask, null, heads, scale);
    }

    /**
     * Swin v2's scaled cosine attention; qkv, bias, mask as {@link #apply}.
     *
     * @param tau (heads), may require grad: the logit scale exp(min(logit_scale, ln 100)); Not modified
     */
    public static Tensor applyCosine(Graph g, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int heads) {
        Checks.alive(tau);
        Checks.size("windowCosineAttention", "tau", tau, heads);
        return apply(g, "windowCosineAttention", qkv, bias, mask, tau, heads, 0f);
    }

    private static Tensor apply(Graph g, String op, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int heads, float scale) {
        Checks.alive(qkv, bias, mask);
        Checks.rank(op, "qkv", qkv, 3);
        Checks.rank(op, "bias", bias, 3);
        int bw = qkv.dim(0), n = qkv.dim(1), c3 = qkv.dim(2);
        if (heads < 1 || c3 % (3 * heads) != 0) {
            throw new IllegalArgumentException(op + ": qkv " + qkv.describe() + " last dim is not 3·heads·hd for heads = " + heads);
        }
        int c = c3 / 3, hd = c / heads;
        if (!Shape.equal(bias.shape(), new int[] {heads, n, n})) {
            throw new IllegalArgumentException(op + ": bias must be (heads, N, N) = " + Shape.str(heads, n, n) + ", got " + bias.describe());
        }
        int nW = 1;
        if (mask != null) {
            Checks.rank(op, "mask", mask, 3);
            Checks.noGrad(op, "mask", mask);
            nW = mask.dim(0);
            if (mask.dim(1) != n || mask.dim(2) != n) {
                throw new IllegalArgumentException(op + ": mask must be (nW, N, N) with N = " + n + ", got " + mask.describe());
            }
            if (nW == 0 || bw % nW != 0) {
                throw new IllegalArgumentException(op + ": qkv " + qkv.describe() + " has " + bw + " windows, not a multiple of the "
                        + nW + " windows per image of mask " + mask.describe());
            }
        }
        Backend be = g.backend();
        Tensor o = g.empty(bw, n, c);
        Tensor p = g.empty(bw, heads, n, n);
        be.windowAttentionForward(o, p, qkv, bias, mask, tau, bw, n, heads, hd, nW, scale);
        if (!g.needsGrad(qkv, bias, tau)) {
            g.release(p);
            return o;
        }
        return g.record(op, o, dO -> {
            boolean tauGrad = tau != null && tau.requiresGrad();
            Tensor tauTerms = tauGrad ? g.empty(bw, heads) : null;
            be.windowAttentionBackward(qkv.requiresGrad() ? g.gradFor(qkv) : null, bias.requiresGrad() ? g.gradFor(bias) : null,
                    tauGrad ? g.gradFor(tau) : null, tauTerms, dO, p, qkv, tau, bw, n, heads, hd, scale);
            if (tauTerms != null) g.release(tauTerms);
        }, qkv, bias, tau);
    }
}

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

/**
 * Sigmoid focal loss (Lin et al. 2017), as {@code torchvision.ops.sigmoid_focal_loss}:
 *
 * <pre>
 *   p = σ(x),  ce = BCE-with-logits(x, t),  1 − p_t = p·(1 − 2t) + t
 *   ℓ = α_t · ce · (1 − p_t)^γ,   α_t = α·t + (1 − α)·(1 − t)   (no α_t when α &lt; 0)
 * </pre>
 * Composed from sigmoid, BCE, products and a power, so autograd derives the gradient.
 */
public final class SigmoidFocalLoss {
    private SigmoidFocalLoss() {}

    public static Tensor apply(Graph g, Tensor x, Tensor t, float alpha, float gamma, Reduction reduction) {
        Checks.alive(x, t);
        Checks.sameShape("sigmoidFocalLoss", x, t);
        Checks.noGrad("sigmoidFocalLoss", "target", t);
        if (!(gamma >= 0)) throw new IllegalArgumentException("sigmoidFocalLoss: gamma must be >= 0, got " + gamma);
        if (alpha > 1) throw new IllegalArgumentException("sigmoidFocalLoss: alpha must be <= 1 (or < 0 for none), got " + alpha);
        Tensor ce = BceWithLogits.elementwise(g, x, t);
        Tensor p = UnaryMap.apply(g, UnaryOp.SIGMOID, x, 0f);
        // constants (no grad): 1 − 2t, and α_t
        Tensor oneMinus2t = g.empty(t.shape());
        g.backend().unary(oneMinus2t, UnaryOp.SCALE, t, -2f);
        g.backend().unary(oneMinus2t, UnaryOp.ADD_SCALAR, oneMinus2t, 1f);
        Tensor q = Broadcast.apply(g, BinaryOp.ADD, Broadcast.apply(g, BinaryOp.MUL, p, oneMinus2t), t); // 1 − p_t
        Tensor mod = gamma == 0f ? null : gamma == 2f ? UnaryMap.apply(g, UnaryOp.SQUARE, q, 0f) : UnaryMap.apply(g, UnaryOp.POW, q, gamma);
        Tensor loss = mod == null ? ce : Broadcast.apply(g, BinaryOp.MUL, ce, mod);
        if (alpha >= 0) {
            Tensor at = g.empty(t.shape()); // α·t + (1−α)·(1−t) = (2α − 1)·t + 1 − α
            g.backend().unary(at, UnaryOp.SCALE, t, 2 * alpha - 1);
            g.backend().unary(at, UnaryOp.ADD_SCALAR, at, 1 - alpha);
            loss = Broadcast.apply(g, BinaryOp.MUL, loss, at);
        }
        return BceWithLogits.reduce(g, loss, reduction);
    }
}

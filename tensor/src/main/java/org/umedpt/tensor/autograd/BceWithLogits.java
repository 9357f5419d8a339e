package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

/**
 * Binary cross-entropy on logits, elementwise: ℓ = softplus(x) − x·t, the stable form of
 * −[t·log σ(x) + (1−t)·log(1−σ(x))]; targets may be soft (in [0, 1]). dℓ/dx = σ(x) − t.
 */
public final class BceWithLogits {
    private BceWithLogits() {}

    public static Tensor apply(Graph g, Tensor x, Tensor t, Reduction reduction) {
        Checks.alive(x, t);
        Checks.sameShape("bceWithLogits", x, t);
        Checks.noGrad("bceWithLogits", "target", t);
        Tensor loss = elementwise(g, x, t);
        return reduce(g, loss, reduction);
    }

    /** softplus(x) − x·t per element. */
    static Tensor elementwise(Graph g, Tensor x, Tensor t) {
        Tensor sp = UnaryMap.apply(g, UnaryOp.SOFTPLUS, x, 0f);
        Tensor xt = Broadcast.apply(g, BinaryOp.MUL, x, t);
        return Broadcast.apply(g, BinaryOp.SUB, sp, xt);
    }

    static Tensor reduce(Graph g, Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> Reduce.all(g, loss, false);
            case MEAN -> Reduce.all(g, loss, true);
        };
    }
}

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

/**
 * Every elementwise unary op: y = f(x). The derivatives are the table in {@link UnaryOp};
 * backward is dx += dy · f'(x, y).
 */
public final class UnaryMap {
    private UnaryMap() {}

    public static Tensor apply(Graph g, UnaryOp op, Tensor x, float p) {
        Checks.alive(x);
        Tensor y = g.empty(x.shape());
        g.backend().unary(y, op, x, p);
        return g.record(op.name().toLowerCase(), y,
                dy -> g.backend().unaryBackward(g.gradFor(x), op, x, op.backwardUsesOutput() ? y : null, dy, p), x);
    }
}

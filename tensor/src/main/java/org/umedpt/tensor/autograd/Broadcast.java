package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * add, sub, mul, div with the broadcasts the model needs: equal shapes, a scalar, a last-dim
 * vector, a per-channel vector — any operand whose non-1 dims (right-aligned, numpy style) form one
 * contiguous run of the other's dims. The broadcast operand's gradient is the reduction of the
 * output gradient over the broadcast dims.
 *
 * <pre>
 *   out = a + b    da += dy            db += Σ dy
 *   out = a − b    da += dy            db −= Σ dy
 *   out = a · b    da += dy · b        db += Σ dy · a
 *   out = a / b    da += dy / b        db −= Σ dy · out / b
 * </pre>
 */
public final class Broadcast {
    private Broadcast() {}

    public static Tensor apply(Graph g, BinaryOp op, Tensor a, Tensor b) {
        Checks.alive(a, b);
        String name = op.name().toLowerCase();
        // big: the operand with the output's shape; small: the one broadcast over it
        boolean swap = false;
        int[] layout = Shape.equal(a.shape(), b.shape()) ? new int[] {1, a.size(), 1} : layout(a.shape(), b.shape());
        if (layout == null) {
            layout = layout(b.shape(), a.shape());
            swap = true;
        }
        if (layout == null) {
            throw new IllegalArgumentException(name + ": cannot broadcast " + a.describe() + " with " + b.describe()
                    + " (supported: equal shapes, scalar, or one operand whose non-1 dims match a contiguous run of the other's)");
        }
        final Tensor big = swap ? b : a, small = swap ? a : b;
        final BinaryOp kop = swap ? switch (op) {
            case SUB -> BinaryOp.RSUB;
            case DIV -> BinaryOp.RDIV;
            default -> op;
        } : op;
        final int outer = layout[0], mid = layout[1], inner = layout[2];
        Tensor out = g.empty(big.shape());
        g.backend().binary(out, kop, big, small, mid, inner, false);
        return g.record(name, out, dy -> backward(g, kop, big, small, out, dy, outer, mid, inner), a, b);
    }

    private static void backward(Graph g, BinaryOp op, Tensor big, Tensor small, Tensor out, Tensor dy,
                                 int outer, int mid, int inner) {
        var be = g.backend();
        if (big.requiresGrad()) {
            Tensor d = g.gradFor(big);
            switch (op) {
                case ADD, SUB -> be.axpy(d, 1f, dy);
                case RSUB -> be.axpy(d, -1f, dy);
                case MUL -> be.binary(d, BinaryOp.MUL, dy, small, mid, inner, true);
                case DIV -> be.binary(d, BinaryOp.DIV, dy, small, mid, inner, true);
                case RDIV -> { // out = small / big: d big = −dy · out / big
                    Tensor t = g.empty(dy.shape());
                    be.binary(t, BinaryOp.MUL, dy, out, out.size(), 1, false);
                    be.binary(t, BinaryOp.DIV, t, big, big.size(), 1, false);
                    be.axpy(d, -1f, t);
                }
            }
        }
        if (small.requiresGrad()) {
            Tensor d = g.gradFor(small);
            Tensor t; // the per-element gradient before reduction over the broadcast dims
            float sign = 1f;
            switch (op) {
                case ADD, RSUB -> t = dy;
                case SUB -> {
                    t = dy;
                    sign = -1f;
                }
                case MUL -> {
                    t = g.empty(dy.shape());
                    be.binary(t, BinaryOp.MUL, dy, big, big.size(), 1, false);
                }
                case DIV -> { // out = big / small: d small = −dy · out / small
                    t = g.empty(dy.shape());
                    be.binary(t, BinaryOp.MUL, dy, out, out.size(), 1, false);
                    be.binary(t, BinaryOp.DIV, t, small, mid, inner, false);
                    sign = -1f;
                }
                default -> { // RDIV: out = small / big: d small = dy / big
                    t = g.empty(dy.shape());
                    be.binary(t, BinaryOp.DIV, dy, big, big.size(), 1, false);
                }
            }
            if (sign == 1f) {
                be.reduceToMid(d, t, outer, mid, inner, true);
            } else {
                Tensor r = g.empty(small.shape());
                be.reduceToMid(r, t, outer, mid, inner, false);
                be.axpy(d, -1f, r);
            }
        }
    }

    /**
     * If {@code small} broadcasts over {@code big}, returns {outer, mid, inner}: big viewed as
     * (outer, mid, inner) and small as (mid). Else null.
     */
    static int[] layout(int[] big, int[] small) {
        if (small.length > big.length) {
            // leading 1s in small beyond big's rank are fine
            for (int i = 0; i < small.length - big.length; i++) if (small[i] != 1) return null;
            small = java.util.Arrays.copyOfRange(small, small.length - big.length, small.length);
        }
        int off = big.length - small.length;
        int start = -1, end = -1;
        for (int i = 0; i < small.length; i++) {
            int ax = off + i;
            if (small[i] == 1 && big[ax] != 1) continue;
            if (small[i] != big[ax]) return null;
            if (small[i] == 1) continue; // both 1: neutral
            if (start < 0) start = ax;
            else if (end != ax) return null; // a gap: not one contiguous run
            end = ax + 1;
        }
        if (start < 0) return new int[] {1, 1, Shape.size(big)}; // scalar-like: one row of everything
        return new int[] {Shape.prod(big, 0, start), Shape.prod(big, start, end), Shape.prod(big, end, big.length)};
    }
}

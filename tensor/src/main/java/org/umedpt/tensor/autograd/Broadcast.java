package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * add, sub, mul, div with NumPy broadcasting ({@link BroadcastPlan}): shapes right-aligned, size-1
 * or missing axes repeat, on either side. A broadcast operand's gradient is the output gradient's
 * reduction over the axes it repeats along.
 *
 * <pre>
 *   out = a + b    da += Σ dy            db += Σ dy
 *   out = a − b    da += Σ dy            db −= Σ dy
 *   out = a · b    da += Σ dy · b        db += Σ dy · a
 *   out = a / b    da += Σ dy / b        db −= Σ dy · out / b
 * </pre>
 *
 * <p>Two kernels: when one operand has the output's elements and the other is one run of its
 * merged axes (equal shapes, a scalar, a last-dim or per-channel vector, the Swin mask over
 * windows) the backend's (outer, mid, inner) {@code binary}; otherwise (two-sided as (3, 1) + (1, 4),
 * or an operand with a gap as (B, 1, C) over (B, N, C)) the strided {@code binaryStrided}.
 */
public final class Broadcast {
    private Broadcast() {}

    public static Tensor apply(Graph g, BinaryOp op, Tensor a, Tensor b) {
        Checks.alive(a, b);
        String name = op.name().toLowerCase();
        BroadcastPlan plan = BroadcastPlan.of(name, a.shape(), b.shape());
        int[] runB = BroadcastPlan.all(plan.inA()) ? plan.run(plan.inB()) : null;
        int[] runA = runB == null && BroadcastPlan.all(plan.inB()) ? plan.run(plan.inA()) : null;
        if (runB == null && runA == null) return strided(g, name, op, a, b, plan);
        // big: the operand with the output's elements; small: the one repeated over it
        boolean swap = runB == null;
        int[] layout = swap ? runA : runB;
        final Tensor big = swap ? b : a, small = swap ? a : b;
        final BinaryOp kop = swap ? switch (op) {
            case SUB -> BinaryOp.RSUB;
            case DIV -> BinaryOp.RDIV;
            default -> op;
        } : op;
        final int outer = layout[0], mid = layout[1], inner = layout[2];
        Tensor out = g.empty(plan.outShape());
        g.backend().binary(out, kop, big, small, mid, inner, false);
        return g.record(name, out, dy -> backward(g, kop, big, small, out, dy, outer, mid, inner), a, b);
    }

    /** The general case: both operands addressed by strides over the merged output axes. */
    private static Tensor strided(Graph g, String name, BinaryOp op, Tensor a, Tensor b, BroadcastPlan plan) {
        int[] dims = plan.dims(), sa = plan.strides(plan.inA()), sb = plan.strides(plan.inB()), so = plan.fullStrides();
        Tensor out = g.empty(plan.outShape());
        g.backend().binaryStrided(out, op, a, b, dims, sa, sb, false);
        return g.record(name, out, dy -> {
            var be = g.backend();
            if (a.requiresGrad()) {
                Tensor t = dy;
                if (op == BinaryOp.MUL || op == BinaryOp.DIV) { // dy · b or dy / b
                    t = g.empty(dy.shape());
                    be.binaryStrided(t, op, dy, b, dims, so, sb, false);
                }
                reduceInto(g, g.gradFor(a), t, plan, plan.inA(), 1f);
                if (t != dy) g.release(t);
            }
            if (b.requiresGrad()) {
                Tensor t = dy;
                float sign = op == BinaryOp.SUB || op == BinaryOp.DIV ? -1f : 1f;
                if (op == BinaryOp.MUL) { // dy · a
                    t = g.empty(dy.shape());
                    be.binaryStrided(t, BinaryOp.MUL, dy, a, dims, so, sa, false);
                } else if (op == BinaryOp.DIV) { // dy · out / b
                    t = g.empty(dy.shape());
                    be.binary(t, BinaryOp.MUL, dy, out, out.size(), 1, false);
                    be.binaryStrided(t, BinaryOp.DIV, t, b, dims, so, sb, false);
                }
                reduceInto(g, g.gradFor(b), t, plan, plan.inB(), sign);
                if (t != dy) g.release(t);
            }
        }, a, b);
    }

    /**
     * d += sign · (t summed over the merged axes where {@code in} is false). One run: the
     * backend's reduceToMid; with gaps: permute the kept axes to the front, then row sums.
     */
    private static void reduceInto(Graph g, Tensor d, Tensor t, BroadcastPlan plan, boolean[] in, float sign) {
        var be = g.backend();
        int[] run = plan.run(in);
        if (run != null && sign == 1f) {
            be.reduceToMid(d, t, run[0], run[1], run[2], true);
            return;
        }
        Tensor r = g.empty(d.shape());
        if (run != null) {
            be.reduceToMid(r, t, run[0], run[1], run[2], false);
        } else {
            int[] dims = plan.dims();
            int[] perm = new int[dims.length];
            int p = 0, kept = 1;
            for (int i = 0; i < dims.length; i++) {
                if (in[i]) {
                    perm[p++] = i;
                    kept *= dims[i];
                }
            }
            for (int i = 0; i < dims.length; i++) if (!in[i]) perm[p++] = i;
            Tensor tp = g.empty(t.size());
            be.permute(tp, t, dims, perm, false);
            be.sumRows(r, tp, kept, t.size() / Math.max(kept, 1), 1f);
            g.release(tp);
        }
        be.axpy(d, sign, r);
        g.release(r);
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
}

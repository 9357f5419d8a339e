package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

/**
 * The fully connected layer as one op: y = x·Wᵀ + b, x (..., in), W (out, in) as PyTorch stores
 * it, b (out) or null. One op (the bias added as the GEMM writes y: {@code Backend.gemmBias})
 * instead of matmul + add saves a full-size temporary, a pass over y and a node per layer.
 *
 * <pre>
 *   dx += dy · W        dW += dyᵀ · x        db += Σ_rows dy
 * </pre>
 */
public final class LinearOp {
    private LinearOp() {}

    public static Tensor apply(Graph g, Tensor x, Tensor w, Tensor b) {
        int[] shape = outputShape("linear", x, w, b);
        int out = w.dim(0), in = w.dim(1), rows = x.size() / in;
        Tensor y = g.empty(shape);
        Backend be = g.backend();
        be.gemmBias(y, x, w, b, rows, out, in, false, true); // the bias in the product's epilogue: no temporary, no second pass
        return g.record("linear", y, dy -> {
            if (x.requiresGrad()) be.gemm(g.gradFor(x), dy, w, 1, rows, in, out, false, false, 1f, 1f, 0, 0, 0);
            if (w.requiresGrad()) be.gemm(g.gradFor(w), dy, x, 1, out, in, rows, true, false, 1f, 1f, 0, 0, 0);
            if (b != null && b.requiresGrad()) be.reduceToMid(g.gradFor(b), dy, rows, out, 1, true);
        }, x, w, b);
    }

    /**
     * y = GELU(h)·Wᵀ + b without keeping GELU(h): the activation is written to a temporary that goes
     * back to the arena at once, and backward recomputes it (one GELU pass) instead of holding an
     * (..., in) tensor from forward to backward — in Swin's MLP the largest saved activation. Values
     * and gradients equal {@code linear(gelu(h), w, b)}'s.
     * <pre>
     *   a = GELU(h):   dW += dyᵀ·a,   db += Σ_rows dy,   dh += (dy·W) ∘ GELU'(h)
     * </pre>
     */
    public static Tensor applyToGelu(Graph g, Tensor h, Tensor w, Tensor b) {
        int[] shape = outputShape("geluLinear", h, w, b);
        int out = w.dim(0), in = w.dim(1), rows = h.size() / in;
        Backend be = g.backend();
        Tensor a = g.empty(h.shape());
        be.unary(a, UnaryOp.GELU, h, 0f);
        Tensor y = g.empty(shape);
        be.gemmBias(y, a, w, b, rows, out, in, false, true);
        g.release(a);
        return g.record("geluLinear", y, dy -> {
            Tensor act = g.empty(h.shape());
            be.unary(act, UnaryOp.GELU, h, 0f); // recomputed, bit-identical to forward's
            if (w.requiresGrad()) be.gemm(g.gradFor(w), dy, act, 1, out, in, rows, true, false, 1f, 1f, 0, 0, 0);
            if (b != null && b.requiresGrad()) be.reduceToMid(g.gradFor(b), dy, rows, out, 1, true);
            g.release(act);
            if (h.requiresGrad()) {
                Tensor da = g.empty(h.shape());
                be.gemm(da, dy, w, 1, rows, in, out, false, false, 1f, 0f, 0, 0, 0);
                be.unaryBackward(g.gradFor(h), UnaryOp.GELU, h, null, da, 0f);
                g.release(da);
            }
        }, h, w, b);
    }

    /** Checks x (..., in), W (out, in), b (out) or null; returns x's shape with the last dim out. */
    private static int[] outputShape(String op, Tensor x, Tensor w, Tensor b) {
        Checks.alive(x, w, b);
        Checks.rank(op, "weight", w, 2);
        Checks.rankAtLeast(op, "x", x, 1);
        int out = w.dim(0), in = w.dim(1);
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException(op + ": input " + x.describe() + " has last dim " + x.dim(-1) + ", weight is "
                    + Shape.str(w.shape()) + " (out, in)");
        }
        if (b != null) Checks.size(op, "bias", b, out);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return shape;
    }
}

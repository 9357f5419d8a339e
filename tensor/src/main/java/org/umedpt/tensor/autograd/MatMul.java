package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * y = op(a) · op(b), op = optional transpose of the last two dims. Shapes: a (..., m, k) and
 * b (..., k, n) with the same leading (batch) dims, or b 2-D and shared by every batch of a, or
 * a 2-D and shared by every batch of b. A batched a times a 2-D b without transA is one flat GEMM.
 *
 * <pre>
 *   dA  = dY · op(B)ᵀ            (or, when a is stored transposed, op(B) · dYᵀ)
 *   dB  = op(A)ᵀ · dY            (or, when b is stored transposed, dYᵀ · op(A))
 * </pre>
 * A shared (broadcast) operand's gradient is summed over the batch.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor apply(Graph g, Tensor a, Tensor b, boolean transA, boolean transB) {
        Checks.alive(a, b);
        Checks.rankAtLeast("matmul", "a", a, 2);
        Checks.rankAtLeast("matmul", "b", b, 2);
        int[] as = a.shape(), bs = b.shape();
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int ka = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dims differ: a" + Shape.str(as) + (transA ? "ᵀ" : "")
                    + " vs b" + Shape.str(bs) + (transB ? "ᵀ" : ""));
        }
        int[] batchA = java.util.Arrays.copyOf(as, as.length - 2), batchB = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batchDims;
        if (Shape.equal(batchA, batchB) || batchB.length == 0) batchDims = batchA;
        else if (batchA.length == 0) batchDims = batchB;
        else throw new IllegalArgumentException("matmul: batch dims differ: a" + Shape.str(as) + " vs b" + Shape.str(bs)
                + " (batches must match, or one operand must be 2-D)");
        int batch = Shape.size(batchDims);
        int k = ka;
        Tensor y = g.empty(Shape.concat(batchDims, m, n));
        Backend be = g.backend();
        long sA = batchA.length == 0 ? 0 : (long) m * k, sB = batchB.length == 0 ? 0 : (long) k * n, sC = (long) m * n;
        boolean flat = sB == 0 && sA != 0 && !transA; // (batch·m, k) · (k, n)
        if (flat) {
            be.gemm(y, a, b, 1, batch * m, n, k, false, transB, 1f, 0f, 0, 0, 0);
        } else {
            be.gemm(y, a, b, batch, m, n, k, transA, transB, 1f, 0f, sA, sB, sC);
        }
        return g.record("matmul", y, dy -> {
            if (a.requiresGrad()) {
                Tensor da = g.gradFor(a);
                if (flat) gemmInto(be, da, dy, b, 1, batch * m, k, n, false, !transB, 0, 0, 0);
                else if (!transA) gemmInto(be, da, dy, b, batch, m, k, n, false, !transB, sC, sB, sA);
                else gemmInto(be, da, b, dy, batch, k, m, n, transB, true, sB, sC, sA);
            }
            if (b.requiresGrad()) {
                Tensor db = g.gradFor(b);
                if (flat && !transB) gemmInto(be, db, a, dy, 1, k, n, batch * m, true, false, 0, 0, 0);
                else if (flat) gemmInto(be, db, dy, a, 1, n, k, batch * m, true, false, 0, 0, 0);
                else if (!transB) gemmInto(be, db, a, dy, batch, k, n, m, !transA, false, sA, sC, sB);
                else gemmInto(be, db, dy, a, batch, n, k, m, true, transA, sC, sA, sB);
            }
        }, a, b);
    }

    /**
     * out += op(x) · op(z) per batch. When out is shared by every batch (stride 0), the products
     * are accumulated one batch at a time so that parallel batches never race on it.
     */
    private static void gemmInto(Backend be, Tensor out, Tensor x, Tensor z, int batch, int m, int n, int k,
                                 boolean tx, boolean tz, long sx, long sz, long sOut) {
        if (sOut == 0 && batch > 1) {
            for (int i = 0; i < batch; i++) {
                be.gemm(out, offsetView(x, i * sx, tx ? k * m : m * k), offsetView(z, i * sz, tz ? n * k : k * n),
                        1, m, n, k, tx, tz, 1f, 1f, 0, 0, 0);
            }
        } else {
            be.gemm(out, x, z, batch, m, n, k, tx, tz, 1f, 1f, sx, sz, sOut);
        }
    }

    private static Tensor offsetView(Tensor t, long offset, int len) {
        return t.flatView((int) offset, len);
    }
}

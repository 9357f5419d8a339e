package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

/**
 * Cross-entropy on logits, as {@code F.cross_entropy(x, t, weight, ignore_index, reduction)}:
 * logits (..., C), integral float targets (...), optional class weights (C).
 *
 * <pre>
 *   ℓ_r = −w[t_r] · log_softmax(x_r)[t_r]       (0 where t_r == ignoreIndex)
 *   mean = Σ ℓ_r / Σ w[t_r]  over non-ignored rows (NaN if there are none, as PyTorch)
 * </pre>
 * Composed from log-softmax, a row gather and a product, so its gradient, softmax − one-hot
 * (scaled by the weights), falls out of their derivatives.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    public static Tensor apply(Graph g, Tensor logits, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        Checks.alive(logits, target, weight);
        Checks.rankAtLeast("crossEntropy", "logits", logits, 1);
        Checks.noGrad("crossEntropy", "target", target);
        Checks.noGrad("crossEntropy", "weight", weight);
        int classes = logits.dim(-1), rows = logits.size() / Math.max(classes, 1);
        if (target.size() != rows) {
            throw new IllegalArgumentException("crossEntropy: target " + target.describe() + " must have one class index per row of logits "
                    + logits.describe() + " (" + rows + " rows)");
        }
        if (weight != null) Checks.size("crossEntropy", "weight", weight, classes);
        Checks.classIndices("crossEntropy", target, classes, ignoreIndex);
        Tensor logp = Softmax.apply(g, Layout.reshape(g, logits, rows, classes), true);
        Tensor picked = gather(g, logp, target, rows, classes, ignoreIndex);
        // per-row weight: w[t] (1 without weights), 0 for ignored rows
        float[] td = target.readOnlyData();
        float[] wr = new float[rows];
        double wsum = 0;
        for (int r = 0; r < rows; r++) {
            int t = (int) td[target.offset() + r];
            wr[r] = t == ignoreIndex ? 0f : weight == null ? 1f : weight.readOnlyData()[weight.offset() + t];
            wsum += wr[r];
        }
        Tensor nll = Broadcast.apply(g, BinaryOp.MUL, picked, g.of(wr, rows));
        return switch (reduction) {
            case NONE -> UnaryMap.apply(g, UnaryOp.SCALE, Layout.reshape(g, nll, target.shape()), -1f);
            case SUM -> UnaryMap.apply(g, UnaryOp.SCALE, Reduce.all(g, nll, false), -1f);
            case MEAN -> UnaryMap.apply(g, UnaryOp.SCALE, Reduce.all(g, nll, false), (float) (-1 / wsum));
        };
    }

    /** out[r] = x[r, idx[r]] (0 where ignored); backward: dx[r, idx[r]] += dy[r]. */
    static Tensor gather(Graph g, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex) {
        Tensor y = g.empty(rows);
        g.backend().gatherRows(y, x, idx, rows, cols, ignoreIndex);
        return g.record("gatherRows", y, dy -> g.backend().scatterRows(g.gradFor(x), idx, dy, rows, cols, ignoreIndex), x);
    }
}

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;

/**
 * Softmax and log-softmax over the last dim, max-subtracted for stability.
 *
 * <pre>
 *   softmax:      y = e^(x − max) / Σ e^(x − max)     dx += y · (dy − Σ dy·y)
 *   log-softmax:  y = x − logΣe^x                     dx += dy − softmax(x) · Σ dy
 * </pre>
 */
public final class Softmax {
    private Softmax() {}

    public static Tensor apply(Graph g, Tensor x, boolean log) {
        Checks.alive(x);
        Checks.rankAtLeast(log ? "logSoftmax" : "softmax", "x", x, 1);
        int cols = x.dim(-1), rows = x.size() / Math.max(cols, 1);
        Tensor y = g.empty(x.shape());
        g.backend().softmaxForward(y, x, rows, cols, log);
        return g.record(log ? "logSoftmax" : "softmax", y,
                dy -> g.backend().softmaxBackward(g.gradFor(x), y, dy, rows, cols, log), x);
    }
}

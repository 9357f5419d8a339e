package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;

import java.util.Arrays;

/**
 * Sum and mean over everything or over the last dim, and max over the last dim.
 *
 * <pre>
 *   y = scale · Σ_c x[r, c]     dx[r, c] += scale · dy[r]     (sum: scale 1, mean: 1/C)
 *   y = max_c x[r, c]           dx[r, argmax_r] += dy[r]      (first index on ties)
 * </pre>
 */
public final class Reduce {
    private Reduce() {}

    /** Σ (or mean) of all elements: a scalar of shape (). */
    public static Tensor all(Graph g, Tensor x, boolean mean) {
        Checks.alive(x);
        return rows(g, x, 1, x.size(), mean ? 1f / Math.max(x.size(), 1) : 1f, new int[0], mean ? "mean" : "sum");
    }

    /** Σ (or mean) over the last dim: (..., C) → (...). */
    public static Tensor last(Graph g, Tensor x, boolean mean) {
        Checks.alive(x);
        Checks.rankAtLeast(mean ? "mean" : "sum", "x", x, 1);
        int[] s = x.shape();
        int cols = s[s.length - 1];
        return rows(g, x, x.size() / Math.max(cols, 1), cols, mean ? 1f / Math.max(cols, 1) : 1f,
                Arrays.copyOf(s, s.length - 1), mean ? "mean" : "sum");
    }

    private static Tensor rows(Graph g, Tensor x, int rows, int cols, float scale, int[] outShape, String name) {
        Tensor y = g.empty(outShape);
        g.backend().sumRows(y, x, rows, cols, scale);
        return g.record(name, y, dy -> {
            // dx[r, c] += scale · dy[r]: dy broadcast along each row
            Tensor scaled = dy;
            if (scale != 1f) {
                scaled = g.empty(dy.shape());
                g.backend().unary(scaled, org.umedpt.tensor.UnaryOp.SCALE, dy, scale);
            }
            Tensor dx = g.gradFor(x);
            g.backend().binary(dx, BinaryOp.ADD, dx, scaled, rows, cols, false);
        }, x);
    }

    /** Max over the last dim: (..., C) → (...). */
    public static Tensor max(Graph g, Tensor x) {
        Checks.alive(x);
        Checks.rankAtLeast("max", "x", x, 1);
        int[] s = x.shape();
        int cols = s[s.length - 1], rows = x.size() / Math.max(cols, 1);
        if (cols == 0) throw new IllegalArgumentException("max: last dim is empty in " + x.describe());
        Tensor y = g.empty(Arrays.copyOf(s, s.length - 1));
        Tensor arg = g.empty(rows);
        g.backend().maxRows(y, arg, x, rows, cols);
        return g.record("max", y, dy -> g.backend().scatterRows(g.gradFor(x), arg, dy, rows, cols, Integer.MIN_VALUE), x);
    }
}

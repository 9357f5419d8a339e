package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;

/**
 * Resizes NCHW images to (outH, outW): bilinear with align_corners = false, or nearest, exactly as
 * {@code F.interpolate(x, size=(outH, outW), mode=...)} computes them. The backward scatters each
 * output gradient to the (up to four) input cells with the forward's weights.
 */
public final class Resize {
    private Resize() {}

    public static Tensor apply(Graph g, Tensor x, int outH, int outW, boolean bilinear) {
        Checks.alive(x);
        String op = bilinear ? "resizeBilinear" : "resizeNearest";
        Checks.rank(op, "x", x, 4);
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException(op + ": output size must be positive, got " + outH + "x" + outW);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        if (h == 0 || w == 0) throw new IllegalArgumentException(op + ": empty input " + x.describe());
        Tensor y = g.empty(n, c, outH, outW);
        g.backend().resizeForward(y, x, n * c, h, w, outH, outW, bilinear);
        return g.record(op, y, dy -> g.backend().resizeBackward(g.gradFor(x), dy, n * c, h, w, outH, outW, bilinear), x);
    }
}

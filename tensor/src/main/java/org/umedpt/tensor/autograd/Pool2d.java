package org.umedpt.tensor.autograd;

import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;

/**
 * Max and average pooling over NCHW (PyTorch semantics: floor output size, implicit −∞ / zero
 * padding, avg divisor per {@code countIncludePad}), and global average pooling.
 *
 * <pre>
 *   max:  dx[argmax] += dy          avg:  dx[window] += dy / divisor
 *   global average:  (N, C, H, W) → (N, C),  dx += dy / (H·W)
 * </pre>
 */
public final class Pool2d {
    private Pool2d() {}

    public static Tensor max(Graph g, Tensor x, int kernel, int stride, int padding) {
        ConvGeometry geo = geometry("maxPool2d", x, kernel, stride, padding);
        if (padding * 2 > kernel) {
            throw new IllegalArgumentException("maxPool2d: padding " + padding + " must be at most half the kernel " + kernel);
        }
        Tensor y = g.empty(geo.n(), geo.c(), geo.oh(), geo.ow());
        Tensor arg = g.empty(y.shape());
        g.backend().maxPoolForward(y, arg, x, geo);
        return g.record("maxPool2d", y, dy -> g.backend().maxPoolBackward(g.gradFor(x), arg, dy, geo), x);
    }

    public static Tensor avg(Graph g, Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        ConvGeometry geo = geometry("avgPool2d", x, kernel, stride, padding);
        if (padding * 2 > kernel) {
            throw new IllegalArgumentException("avgPool2d: padding " + padding + " must be at most half the kernel " + kernel);
        }
        Tensor y = g.empty(geo.n(), geo.c(), geo.oh(), geo.ow());
        g.backend().avgPoolForward(y, x, geo, countIncludePad);
        return g.record("avgPool2d", y, dy -> g.backend().avgPoolBackward(g.gradFor(x), dy, geo, countIncludePad), x);
    }

    /** (N, C, H, W) → (N, C): the mean over each plane. */
    public static Tensor globalAvg(Graph g, Tensor x) {
        Checks.alive(x);
        Checks.rank("globalAvgPool", "x", x, 4);
        Tensor flat = Layout.reshape(g, x, x.dim(0), x.dim(1), x.dim(2) * x.dim(3));
        return Reduce.last(g, flat, true);
    }

    private static ConvGeometry geometry(String op, Tensor x, int kernel, int stride, int padding) {
        Checks.alive(x);
        Checks.rank(op, "x", x, 4);
        return ConvGeometry.of(op, x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernel, kernel, stride, padding);
    }
}

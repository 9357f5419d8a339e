package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * 2-D convolution (NCHW, square stride, symmetric zero padding, no groups or dilation) as
 * im2col + one GEMM over the whole batch:
 *
 * <pre>
 *   cols (C·kh·kw, N·OH·OW) = im2col(x)
 *   Y'   (Cout, N·OH·OW)    = W (Cout, C·kh·kw) · cols        then permuted to (N, Cout, OH, OW), + bias
 *   dW  += dY' · colsᵀ       dcols = Wᵀ · dY'       dx += col2im(dcols)       db += Σ_{n,h,w} dY
 * </pre>
 * One large GEMM (rather than one per image) keeps all threads busy at small batch sizes. The
 * column matrix is kh·kw times the input, so it is not kept for backward: it is released after the
 * forward GEMM and recomputed in backward (as PyTorch's slow_conv2d does), like every temporary here.
 */
public final class Conv2d {
    /**
     * Up to this many output channels the weight gradient is computed transposed (see backward): then
     * dWᵀ's rows are short enough for a CPU GEMM to read the column matrix in place rather than pack it.
     */
    static final int TRANSPOSED_DW_MAX_COUT = 192;

    private Conv2d() {}

    /** x (N, C, H, W); w (Cout, C, kh, kw); bias (Cout) or null. */
    public static Tensor apply(Graph g, Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        Checks.alive(x, w, bias);
        Checks.rank("conv2d", "x", x, 4);
        Checks.rank("conv2d", "weight", w, 4);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        if (w.dim(1) != c) {
            throw new IllegalArgumentException("conv2d: input channels differ: x" + Shape.str(x.shape()) + " vs weight"
                    + Shape.str(w.shape()));
        }
        if (bias != null) Checks.size("conv2d", "bias", bias, cout);
        ConvGeometry geo = ConvGeometry.of("conv2d", n, c, h, wd, kh, kw, stride, padding);
        int patch = geo.patchSize(), cols = n * geo.oh() * geo.ow(), plane = geo.oh() * geo.ow();
        Backend be = g.backend();
        // A 1×1 stride-1 unpadded conv of one image needs no im2col: x is already (C, H·W).
        boolean pointwise = kh == 1 && kw == 1 && stride == 1 && padding == 0 && n == 1;
        Tensor col;
        if (pointwise) {
            col = x.view(patch, cols);
        } else {
            col = g.empty(patch, cols);
            be.im2col(col, x, geo);
        }
        Tensor yT = g.empty(cout, n, plane);
        be.gemm(yT, w, col, 1, cout, cols, patch, false, false, 1f, 0f, 0, 0, 0);
        if (!pointwise) g.release(col); // recomputed in backward: the column matrix is C·kh·kw times the input
        Tensor y = g.empty(n, cout, geo.oh(), geo.ow());
        be.permute(y, yT, new int[] {cout, n, plane}, new int[] {1, 0, 2}, false);
        g.release(yT);
        if (bias != null) be.binary(y, org.umedpt.tensor.BinaryOp.ADD, y, bias, cout, plane, false);
        return g.record("conv2d", y, dy -> {
            Tensor dyT = g.empty(cout, n, plane);
            be.permute(dyT, dy, new int[] {n, cout, plane}, new int[] {1, 0, 2}, false);
            Tensor c2 = col;
            if (!pointwise && w.requiresGrad()) {
                c2 = g.empty(patch, cols);
                be.im2col(c2, x, geo);
            }
            if (w.requiresGrad() && cout <= TRANSPOSED_DW_MAX_COUT) {
                // dWᵀ = cols · dY'ᵀ reads the column matrix in place and packs only dY' (cout rows);
                // dW = dY' · colsᵀ would transpose-pack all C·kh·kw rows of it. Even for 1–4 output
                // channels (FCOS heads), where most of each 32-wide tile is padding, this is faster.
                Tensor dwT = g.empty(patch, cout);
                be.gemm(dwT, c2, dyT, 1, patch, cout, cols, false, true, 1f, 0f, 0, 0, 0);
                be.permute(g.gradFor(w).view(cout, patch), dwT, new int[] {patch, cout}, new int[] {1, 0}, true);
                g.release(dwT);
            } else if (w.requiresGrad()) {
                be.gemm(g.gradFor(w), dyT, c2, 1, cout, patch, cols, false, true, 1f, 1f, 0, 0, 0);
            }
            if (!pointwise && w.requiresGrad()) g.release(c2);
            if (bias != null && bias.requiresGrad()) be.reduceToMid(g.gradFor(bias), dy, n, cout, plane, true);
            if (x.requiresGrad()) {
                if (pointwise) {
                    be.gemm(g.gradFor(x), w, dyT, 1, patch, cols, cout, true, false, 1f, 1f, 0, 0, 0);
                } else {
                    Tensor dcol = g.empty(patch, cols);
                    be.gemm(dcol, w, dyT, 1, patch, cols, cout, true, false, 1f, 0f, 0, 0, 0);
                    be.col2im(g.gradFor(x), dcol, geo);
                    g.release(dcol);
                }
            }
            g.release(dyT);
        }, x, w, bias);
    }
}

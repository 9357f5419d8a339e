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
 *
 * <p>Where the backend convolves a geometry directly ({@link Backend#convolvesDirectly}: the CPU
 * backend's 3×3, stride-1, padding-1 kernels), the op calls its forward and backward instead and
 * keeps no temporaries in the graph.
 */
public final class Conv2dOp {
    /**
     * Up to this many output channels the weight gradient is computed transposed (see backward): then
     * dWᵀ's rows are short enough for a CPU GEMM to read the column matrix in place rather than pack it.
     */
    static final int TRANSPOSED_DW_MAX_COUT = 192;

    private Conv2dOp() {}

    /** x (N, C, H, W); w (Cout, C, kh, kw); bias (Cout) or null. */
    public static Tensor apply(Graph g, Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        ConvGeometry geo = geometry(x, w, bias, stride, padding);
        return convolve(g, new Tensor[] {x}, new ConvGeometry[] {geo}, w, bias, new int[] {geo.n(), w.dim(0), geo.oh(), geo.ow()});
    }

    /**
     * Several maps with the same batch and channels but any sizes (the levels of a feature pyramid)
     * through one convolution: their column matrices side by side and one GEMM, rather than one
     * small GEMM per map. Returns the outputs, each (N, Cout, OH, OW), one after another in a flat
     * tensor.
     */
    public static Tensor applyShared(Graph g, Tensor[] xs, Tensor w, Tensor bias, int stride, int padding) {
        if (xs.length == 0) throw new IllegalArgumentException("conv2d (shared): no input maps");
        ConvGeometry[] geos = new ConvGeometry[xs.length];
        int size = 0;
        for (int l = 0; l < xs.length; l++) {
            geos[l] = geometry(xs[l], w, bias, stride, padding);
            if (xs[l].dim(0) != xs[0].dim(0)) {
                throw new IllegalArgumentException("conv2d (shared): maps differ in batch size: " + xs[0].describe() + " vs " + xs[l].describe());
            }
            size += geos[l].n() * w.dim(0) * geos[l].oh() * geos[l].ow();
        }
        return convolve(g, xs, geos, w, bias, new int[] {size});
    }

    private static ConvGeometry geometry(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        Checks.alive(x, w, bias);
        Checks.rank("conv2d", "x", x, 4);
        Checks.rank("conv2d", "weight", w, 4);
        if (w.dim(1) != x.dim(1)) {
            throw new IllegalArgumentException("conv2d: input channels differ: x" + Shape.str(x.shape()) + " vs weight"
                    + Shape.str(w.shape()));
        }
        if (bias != null) Checks.size("conv2d", "bias", bias, w.dim(0));
        return ConvGeometry.of("conv2d", x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), stride, padding);
    }

    /** The maps' columns side by side: map l owns columns [colOff[l], colOff[l + 1]). */
    private static Tensor columns(Graph g, Tensor[] xs, ConvGeometry[] geos, int[] colOff) {
        int cols = colOff[xs.length];
        Tensor col = g.empty(geos[0].patchSize(), cols);
        for (int l = 0; l < xs.length; l++) g.backend().im2col(col, xs[l], geos[l], cols, colOff[l]);
        return col;
    }

    /** The backend's own convolution (no column matrix in the graph); the bias gradient is a sum of dY here. */
    private static Tensor convolveDirectly(Graph g, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias, int[] outShape) {
        Backend be = g.backend();
        int levels = xs.length, cout = w.dim(0);
        Tensor y = g.empty(outShape);
        be.conv2dForward(y, xs, geos, w, bias);
        Tensor[] inputs = java.util.Arrays.copyOf(xs, levels + 2);
        inputs[levels] = w;
        inputs[levels + 1] = bias;
        return g.record("conv2d", y, dy -> {
            if (bias != null && bias.requiresGrad()) {
                for (int l = 0, off = 0; l < levels; l++) {
                    int plane = geos[l].oh() * geos[l].ow(), len = geos[l].n() * cout * plane;
                    be.reduceToMid(g.gradFor(bias), dy.flatView(off, len), geos[l].n(), cout, plane, true);
                    off += len;
                }
            }
            Tensor[] dxs = new Tensor[levels];
            boolean any = w.requiresGrad();
            for (int l = 0; l < levels; l++) {
                if (xs[l].requiresGrad()) dxs[l] = g.gradFor(xs[l]);
                any |= dxs[l] != null;
            }
            if (any) be.conv2dBackward(dxs, w.requiresGrad() ? g.gradFor(w) : null, dy, xs, geos, w);
        }, inputs);
    }

    private static Tensor convolve(Graph g, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias, int[] outShape) {
        Backend be = g.backend();
        boolean direct = true;
        for (ConvGeometry geo : geos) direct &= be.convolvesDirectly(geo, w.dim(0));
        if (direct) return convolveDirectly(g, xs, geos, w, bias, outShape);
        int levels = xs.length, n = geos[0].n(), cout = w.dim(0), patch = geos[0].patchSize();
        int[] colOff = new int[levels + 1], outOff = new int[levels + 1], plane = new int[levels];
        for (int l = 0; l < levels; l++) {
            plane[l] = geos[l].oh() * geos[l].ow();
            colOff[l + 1] = colOff[l] + n * plane[l];
            outOff[l + 1] = outOff[l] + n * cout * plane[l];
        }
        int cols = colOff[levels];
        ConvGeometry g0 = geos[0];
        // A 1×1 stride-1 unpadded conv of one image needs no im2col: x is already (C, H·W).
        boolean pointwise = levels == 1 && g0.kh() == 1 && g0.kw() == 1 && g0.stride() == 1 && g0.pad() == 0 && n == 1;
        Tensor col = pointwise ? xs[0].view(patch, cols) : columns(g, xs, geos, colOff);
        Tensor yT = g.empty(cout, cols);
        be.gemm(yT, w, col, 1, cout, cols, patch, false, false, 1f, 0f, 0, 0, 0);
        if (!pointwise) g.release(col); // recomputed in backward: the column matrix is C·kh·kw times the input
        Tensor y = g.empty(outShape);
        for (int l = 0; l < levels; l++) {
            Tensor yl = y.flatView(outOff[l], outOff[l + 1] - outOff[l]);
            if (levels == 1) {
                be.permute(yl, yT, new int[] {cout, n, plane[l]}, new int[] {1, 0, 2}, false);
            } else { // this map's columns, then to (N, Cout, plane)
                Tensor part = g.empty(cout, n * plane[l]);
                be.copyBlock(part, n * plane[l], 0, yT, cols, colOff[l], cout, n * plane[l], 1, false);
                be.permute(yl, part, new int[] {cout, n, plane[l]}, new int[] {1, 0, 2}, false);
                g.release(part);
            }
            if (bias != null) be.binary(yl, org.umedpt.tensor.BinaryOp.ADD, yl, bias, cout, plane[l], false);
        }
        g.release(yT);
        Tensor[] inputs = java.util.Arrays.copyOf(xs, levels + 2);
        inputs[levels] = w;
        inputs[levels + 1] = bias;
        return g.record("conv2d", y, dy -> {
            Tensor dyT = g.empty(cout, cols);
            for (int l = 0; l < levels; l++) {
                Tensor dyl = dy.flatView(outOff[l], outOff[l + 1] - outOff[l]);
                if (levels == 1) {
                    be.permute(dyT, dyl, new int[] {n, cout, plane[l]}, new int[] {1, 0, 2}, false);
                } else {
                    Tensor part = g.empty(cout, n * plane[l]);
                    be.permute(part, dyl, new int[] {n, cout, plane[l]}, new int[] {1, 0, 2}, false);
                    be.copyBlock(dyT, cols, colOff[l], part, n * plane[l], 0, cout, n * plane[l], 1, false);
                    g.release(part);
                }
                if (bias != null && bias.requiresGrad()) be.reduceToMid(g.gradFor(bias), dyl, n, cout, plane[l], true);
            }
            if (w.requiresGrad()) {
                Tensor c2 = pointwise ? col : columns(g, xs, geos, colOff);
                if (cout <= TRANSPOSED_DW_MAX_COUT) {
                    // dWᵀ = cols · dY'ᵀ reads the column matrix in place and packs only dY' (cout rows);
                    // dW = dY' · colsᵀ would transpose-pack all C·kh·kw rows of it. Even for 1–4 output
                    // channels (FCOS heads), where most of each 32-wide tile is padding, this is faster.
                    Tensor dwT = g.empty(patch, cout);
                    be.gemm(dwT, c2, dyT, 1, patch, cout, cols, false, true, 1f, 0f, 0, 0, 0);
                    be.permute(g.gradFor(w).view(cout, patch), dwT, new int[] {patch, cout}, new int[] {1, 0}, true);
                    g.release(dwT);
                } else {
                    be.gemm(g.gradFor(w), dyT, c2, 1, cout, patch, cols, false, true, 1f, 1f, 0, 0, 0);
                }
                if (!pointwise) g.release(c2);
            }
            boolean anyX = false;
            for (Tensor x : xs) anyX |= x.requiresGrad();
            if (anyX && pointwise) {
                be.gemm(g.gradFor(xs[0]), w, dyT, 1, patch, cols, cout, true, false, 1f, 1f, 0, 0, 0);
            } else if (anyX) {
                Tensor dcol = g.empty(patch, cols);
                be.gemm(dcol, w, dyT, 1, patch, cols, cout, true, false, 1f, 0f, 0, 0, 0);
                for (int l = 0; l < levels; l++) {
                    if (xs[l].requiresGrad()) be.col2im(g.gradFor(xs[l]), dcol, geos[l], cols, colOff[l]);
                }
                g.release(dcol);
            }
            g.release(dyT);
        }, inputs);
    }
}

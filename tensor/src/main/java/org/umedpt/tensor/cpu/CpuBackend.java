package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import static org.umedpt.tensor.cpu.Parallel.ELEMENT_GRAIN;
import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * The pure-Java backend and the reference for every other backend. This class holds construction,
 * the memory primitives, AdamW and GEMM (the packed Vector-API kernel in {@link Gemm}); every other
 * primitive is a one-line delegation to its family's kernels: {@link ElementwiseCpu},
 * {@link ReductionCpu}, {@link NormalizationCpu}, {@link WindowAttentionCpu}, {@link LayoutCpu},
 * {@link SpatialCpu}, and for 3×3 convolutions {@link ConvCpu} and {@link WinogradCpu}. The hot
 * loops are vectorised or split across the backend's own fixed pool of threads
 * ({@link #CpuBackend(int)}), which all families share. Every loop is plain and stride-free:
 * tensors are contiguous.
 *
 * <p>Not thread-safe: one caller thread drives a backend at a time (it fans work out itself).
 */
public final class CpuBackend implements Backend {
    private final Parallel par;
    private final Gemm.Workspace[] gemmWork;
    private final WindowAttentionCpu windowAttention;
    private final ElementwiseCpu elementwise;
    private final ReductionCpu reductions;
    private final NormalizationCpu normalization;
    private final LayoutCpu layout;
    private final SpatialCpu spatial;
    private final ConvCpu conv;
    private final WinogradCpu winograd;

    /** A backend using all available processors. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** @param threads worker threads (the calling thread counts as one); 1 runs everything inline */
    public CpuBackend(int threads) {
        this.par = new Parallel(threads);
        this.gemmWork = new Gemm.Workspace[threads];
        for (int i = 0; i < threads; i++) gemmWork[i] = new Gemm.Workspace();
        this.windowAttention = new WindowAttentionCpu(par);
        this.elementwise = new ElementwiseCpu(par);
        this.reductions = new ReductionCpu(par);
        this.normalization = new NormalizationCpu(par);
        this.layout = new LayoutCpu(par);
        this.spatial = new SpatialCpu(par);
        this.conv = new ConvCpu(par);
        this.winograd = new WinogradCpu(par, gemmWork);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int threads() {
        return par.threads();
    }

    @Override
    public void close() {
        par.close();
    }

    // ================================================================ memory

    @Override
    public void fill(Tensor out, float value) {
        float[] d = out.data();
        int o = out.offset();
        par.forRange(out.size(), 4 * ELEMENT_GRAIN, (part, from, to) -> java.util.Arrays.fill(d, o + from, o + to, value));
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        par.forRange(x.size(), 4 * ELEMENT_GRAIN, (part, from, to) -> System.arraycopy(xd, xo + from, od, oo + from, to - from));
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        float[] yd = y.data(), xd = x.data();
        int yo = y.offset(), xo = x.offset();
        par.forRange(x.size(), ELEMENT_GRAIN, (part, from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) {
                FloatVector.fromArray(S, xd, xo + i).mul(alpha).add(FloatVector.fromArray(S, yd, yo + i)).intoArray(yd, yo + i);
            }
            for (; i < to; i++) yd[yo + i] += alpha * xd[xo + i];
        });
    }

    @Override
    public void dropoutMask(Tensor mask, float keep, Rng rng) {
        float[] d = mask.data();
        int o = mask.offset();
        float scale = 1f / keep;
        for (int i = 0; i < mask.size(); i++) d[o + i] = rng.nextFloat() < keep ? scale : 0f;
    }

    @Override
    public void adamWStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, double beta1, double beta2, float eps, float weightDecay,
                          float bc1, float bc2) {
        float[] pd = p.data(), gd = g.data(), md = m.data(), vd = v.data();
        int po = p.offset(), go = g.offset(), mo = m.offset(), vo = v.offset();
        float decay = 1 - lr * weightDecay, stepSize = lr / bc1, sqrtBc2 = (float) Math.sqrt(bc2);
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        par.forRange(p.size(), ELEMENT_GRAIN, (part, from, to) -> {
            int i = from + adamWVector(pd, po, gd, go, md, mo, vd, vo, from, to, b1, b2, c1, c2, decay, stepSize, sqrtBc2, eps);
            for (; i < to; i++) {
                float gi = gd[go + i];
                float mi = md[mo + i] = b1 * md[mo + i] + c1 * gi;
                float vi = vd[vo + i] = b2 * vd[vo + i] + c2 * gi * gi;
                pd[po + i] = pd[po + i] * decay - stepSize * mi / ((float) Math.sqrt(vi) / sqrtBc2 + eps);
            }
        });
    }

    /**
     * The AdamW update of elements [from, from + returned count) in whole vectors, with the scalar
     * loop's operations in its order (so results are bit-identical wherever a split falls).
     */
    private static int adamWVector(float[] pd, int po, float[] gd, int go, float[] md, int mo, float[] vd, int vo, int from, int to,
                                   float b1, float b2, float c1, float c2, float decay, float stepSize, float sqrtBc2, float eps) {
        int len = (to - from) / L * L;
        for (int i = from; i < from + len; i += L) {
            FloatVector gi = FloatVector.fromArray(S, gd, go + i);
            FloatVector mi = FloatVector.fromArray(S, md, mo + i).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, vd, vo + i).mul(b2).add(gi.mul(c2).mul(gi));
            mi.intoArray(md, mo + i);
            vi.intoArray(vd, vo + i);
            FloatVector denom = vi.sqrt().div(sqrtBc2).add(eps);
            FloatVector.fromArray(S, pd, po + i).mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(pd, po + i);
        }
        return len;
    }

    // ================================================================ GEMM

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, int batch, int m, int n, int k, boolean transA, boolean transB,
                     float alpha, float beta, long strideA, long strideB, long strideC) {
        Gemm.batched(par, gemmWork, a.data(), a.offset(), transA, b.data(), b.offset(), transB, c.data(), c.offset(), batch, m, n, k,
                alpha, beta, strideA, strideB, strideC);
    }

    @Override
    public void gemmBias(Tensor c, Tensor a, Tensor b, Tensor bias, int m, int n, int k, boolean transA, boolean transB) {
        Gemm.gemm(par, gemmWork, 0, a.data(), a.offset(), transA, b.data(), b.offset(), transB, c.data(), c.offset(), m, n, k, 1f, 0f,
                bias == null ? null : bias.data(), bias == null ? 0 : bias.offset());
    }

    // ================================================================ elementwise

    @Override
    public void unary(Tensor out, UnaryOp op, Tensor x, float p) {
        elementwise.unary(out, op, x, p);
    }

    @Override
    public void unaryBackward(Tensor dX, UnaryOp op, Tensor x, Tensor y, Tensor dY, float p) {
        elementwise.unaryBackward(dX, op, x, y, dY, p);
    }

    @Override
    public void binary(Tensor out, BinaryOp op, Tensor a, Tensor b, int mid, int inner, boolean accumulate) {
        elementwise.binary(out, op, a, b, mid, inner, accumulate);
    }

    @Override
    public void binaryStrided(Tensor out, BinaryOp op, Tensor a, Tensor b, int[] dims, int[] strideA, int[] strideB,
                              boolean accumulate) {
        elementwise.binaryStrided(out, op, a, b, dims, strideA, strideB, accumulate);
    }

    // ================================================================ reductions

    @Override
    public void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate) {
        reductions.reduceToMid(out, x, outer, mid, inner, accumulate);
    }

    @Override
    public void sumRows(Tensor out, Tensor x, int rows, int cols, float scale) {
        reductions.sumRows(out, x, rows, cols, scale);
    }

    @Override
    public void maxRows(Tensor out, Tensor argmax, Tensor x, int rows, int cols) {
        reductions.maxRows(out, argmax, x, rows, cols);
    }

    @Override
    public void gatherRows(Tensor out, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex) {
        reductions.gatherRows(out, x, idx, rows, cols, ignoreIndex);
    }

    @Override
    public void scatterRows(Tensor dX, Tensor idx, Tensor dY, int rows, int cols, int ignoreIndex) {
        reductions.scatterRows(dX, idx, dY, rows, cols, ignoreIndex);
    }

    // ================================================================ softmax, window attention, LayerNorm

    @Override
    public void softmaxForward(Tensor y, Tensor x, int rows, int cols, boolean log) {
        normalization.softmaxForward(y, x, rows, cols, log);
    }

    @Override
    public void softmaxBackward(Tensor dX, Tensor y, Tensor dY, int rows, int cols, boolean log) {
        normalization.softmaxBackward(dX, y, dY, rows, cols, log);
    }

    @Override
    public void windowAttentionForward(Tensor o, Tensor p, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int windows, int tokens,
                                       int heads, int headDim, int maskWindows, float scale) {
        windowAttention.forward(o, p, qkv, bias, mask, tau, windows, tokens, heads, headDim, maskWindows, scale);
    }

    @Override
    public void windowAttentionBackward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor tauTerms, Tensor dO, Tensor p, Tensor qkv, Tensor tau,
                                        int windows, int tokens, int heads, int headDim, float scale) {
        windowAttention.backward(dQkv, dBias, dTau, tauTerms, dO, p, qkv, tau, windows, tokens, heads, headDim, scale);
    }

    @Override
    public void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps) {
        normalization.layerNormForward(y, mean, rstd, x, w, b, rows, cols, eps);
    }

    @Override
    public void layerNormResidualForward(Tensor y, Tensor sum, Tensor mean, Tensor rstd, Tensor x, Tensor r, Tensor w, Tensor b, int rows,
                                         int cols, float eps) {
        normalization.layerNormResidualForward(y, sum, mean, rstd, x, r, w, b, rows, cols, eps);
    }

    @Override
    public void layerNormBackward(Tensor dX, Tensor dW, Tensor dB, Tensor dY, Tensor x, Tensor mean, Tensor rstd, Tensor w,
                                  int rows, int cols) {
        normalization.layerNormBackward(dX, dW, dB, dY, x, mean, rstd, w, rows, cols);
    }

    // ================================================================ layout

    @Override
    public void permute(Tensor out, Tensor x, int[] shape, int[] perm, boolean accumulate) {
        layout.permute(out, x, shape, perm, accumulate);
    }

    @Override
    public void copyBlock(Tensor dst, int dstAxis, int dstStart, Tensor src, int srcAxis, int srcStart,
                          int outer, int len, int inner, boolean accumulate) {
        layout.copyBlock(dst, dstAxis, dstStart, src, srcAxis, srcStart, outer, len, inner, accumulate);
    }

    @Override
    public void roll(Tensor out, Tensor x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate) {
        layout.roll(out, x, b, h, w, c, shiftH, shiftW, accumulate);
    }

    @Override
    public void windowPartition(Tensor out, Tensor x, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                                boolean accumulate) {
        layout.windowPartition(out, x, b, h, w, c, window, shiftH, shiftW, padH, padW, accumulate);
    }

    @Override
    public void windowReverse(Tensor x, Tensor windows, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                              boolean accumulate) {
        layout.windowReverse(x, windows, b, h, w, c, window, shiftH, shiftW, padH, padW, accumulate);
    }

    @Override
    public void indexSelectRows(Tensor out, Tensor table, Tensor idx, int cols) {
        layout.indexSelectRows(out, table, idx, cols);
    }

    @Override
    public void indexAddRows(Tensor dTable, Tensor idx, Tensor dY, int cols) {
        layout.indexAddRows(dTable, idx, dY, cols);
    }

    // ================================================================ images

    @Override
    public void im2col(Tensor cols, Tensor x, ConvGeometry g, int width, int colOffset) {
        spatial.im2col(cols, x, g, width, colOffset);
    }

    @Override
    public void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int width, int colOffset) {
        spatial.col2im(dX, dCols, g, width, colOffset);
    }

    /** 3×3, stride 1, padding 1: by the band kernels for few channels, else by Winograd ({@link ConvCpu#banded}). */
    @Override
    public boolean convolvesDirectly(ConvGeometry g, int cout) {
        return ConvCpu.supports(g);
    }

    @Override
    public void conv2dForward(Tensor y, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias) {
        if (ConvCpu.banded(w.dim(1), w.dim(0))) conv.forward(y, xs, geos, w, bias);
        else winograd.forward(y, xs, geos, w, bias);
    }

    @Override
    public void conv2dBackward(Tensor[] dXs, Tensor dW, Tensor dY, Tensor[] xs, ConvGeometry[] geos, Tensor w) {
        if (ConvCpu.banded(w.dim(1), w.dim(0))) conv.backward(dXs, dW, dY, xs, geos, w);
        else winograd.backward(dXs, dW, dY, xs, geos, w);
    }

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g) {
        spatial.maxPoolForward(y, argmax, x, g);
    }

    @Override
    public void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g) {
        spatial.maxPoolBackward(dX, argmax, dY, g);
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad) {
        spatial.avgPoolForward(y, x, g, countIncludePad);
    }

    @Override
    public void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad) {
        spatial.avgPoolBackward(dX, dY, g, countIncludePad);
    }

    @Override
    public void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        spatial.resizeForward(y, x, planes, h, w, oh, ow, bilinear);
    }

    @Override
    public void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        spatial.resizeBackward(dX, dY, planes, h, w, oh, ow, bilinear);
    }
}

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
 * The pure-Java backend and the reference for every other backend. GEMM is the packed,
 * Vector-API kernel in {@link Gemm}; the hot elementwise, row and image loops are vectorised or split
 * across the backend's own fixed pool of threads ({@link #CpuBackend(int)}). Every loop here is
 * plain and stride-free: tensors are contiguous.
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
        float[] ad = a.data(), bd = b.data(), cd = c.data();
        int ao = a.offset(), bo = b.offset(), co = c.offset();
        long work = (long) m * n * k;
        // Many small products (attention): one thread per product. Few large ones: parallel inside.
        if (batch >= 2 * par.threads() || (batch >= par.threads() && work < 64L * 64 * 64)) {
            par.forRange(batch, 1, (part, from, to) -> {
                for (int i = from; i < to; i++) {
                    Gemm.gemm(null, gemmWork, part, ad, (int) (ao + i * strideA), transA, bd, (int) (bo + i * strideB), transB,
                            cd, (int) (co + i * strideC), m, n, k, alpha, beta);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                Gemm.gemm(par, gemmWork, 0, ad, (int) (ao + i * strideA), transA, bd, (int) (bo + i * strideB), transB,
                        cd, (int) (co + i * strideC), m, n, k, alpha, beta);
            }
        }
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

    @Override
    public void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate) {
        reductions.reduceToMid(out, x, outer, mid, inner, accumulate);
    }

    // ================================================================ rows

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
    public void windowAttentionBackward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor dS, Tensor dO, Tensor p, Tensor qkv, Tensor tau,
                                        int windows, int tokens, int heads, int headDim, float scale) {
        windowAttention.backward(dQkv, dBias, dTau, dS, dO, p, qkv, tau, windows, tokens, heads, headDim, scale);
    }

    @Override
    public void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps) {
        normalization.layerNormForward(y, mean, rstd, x, w, b, rows, cols, eps);
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
        float[] cd = cols.data(), xd = x.data();
        int co = cols.offset() + colOffset, xo = x.offset();
        int plane = g.oh() * g.ow();
        boolean same = isSamePadded(g);
        par.forRange(g.patchSize(), 1, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int ch = r / (g.kh() * g.kw()), i = (r / g.kw()) % g.kh(), j = r % g.kw();
                if (same) {
                    for (int n = 0; n < g.n(); n++) {
                        shiftPlane(cd, co + r * width + n * plane, xd, xo + (n * g.c() + ch) * plane, g.h(), g.w(), i - g.pad(), j - g.pad());
                    }
                    continue;
                }
                for (int n = 0; n < g.n(); n++) {
                    int xPlane = xo + (n * g.c() + ch) * g.h() * g.w();
                    int dst = co + r * width + n * plane;
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int ih = oh * g.stride() - g.pad() + i;
                        int d = dst + oh * g.ow();
                        if (ih < 0 || ih >= g.h()) {
                            java.util.Arrays.fill(cd, d, d + g.ow(), 0f);
                            continue;
                        }
                        int xRow = xPlane + ih * g.w();
                        if (g.stride() == 1) { // one contiguous run of the input row, zeros either side
                            int lo = Math.max(0, g.pad() - j), hi = Math.min(g.ow(), g.w() + g.pad() - j);
                            java.util.Arrays.fill(cd, d, d + Math.max(lo, 0), 0f);
                            if (hi > lo) System.arraycopy(xd, xRow + lo - g.pad() + j, cd, d + lo, hi - lo);
                            java.util.Arrays.fill(cd, d + Math.max(hi, lo), d + g.ow(), 0f);
                            continue;
                        }
                        for (int ow = 0; ow < g.ow(); ow++) {
                            int iw = ow * g.stride() - g.pad() + j;
                            cd[d + ow] = iw >= 0 && iw < g.w() ? xd[xRow + iw] : 0f;
                        }
                    }
                }
            }
        });
    }

    @Override
    public void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int width, int colOffset) {
        float[] xd = dX.data(), cd = dCols.data();
        int xo = dX.offset(), co = dCols.offset() + colOffset;
        int plane = g.oh() * g.ow(), kk = g.kh() * g.kw();
        // parallel over channels: the rows of one channel only touch that channel of dX
        boolean same = isSamePadded(g);
        par.forRange(g.c(), 1, (part, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                for (int r = ch * kk; r < (ch + 1) * kk; r++) {
                    int i = (r / g.kw()) % g.kh(), j = r % g.kw();
                    if (same) {
                        for (int n = 0; n < g.n(); n++) {
                            addShiftedPlane(xd, xo + (n * g.c() + ch) * plane, cd, co + r * width + n * plane, g.h(), g.w(), i - g.pad(), j - g.pad());
                        }
                        continue;
                    }
                    for (int n = 0; n < g.n(); n++) {
                        int xPlane = xo + (n * g.c() + ch) * g.h() * g.w();
                        int src = co + r * width + n * plane;
                        for (int oh = 0; oh < g.oh(); oh++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            int xRow = xPlane + ih * g.w(), s = src + oh * g.ow();
                            if (g.stride() == 1) {
                                int lo = Math.max(0, g.pad() - j), hi = Math.min(g.ow(), g.w() + g.pad() - j);
                                if (hi > lo) Runs.addRun(xd, xRow + lo - g.pad() + j, cd, s + lo, hi - lo);
                                continue;
                            }
                            for (int ow = 0; ow < g.ow(); ow++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw >= 0 && iw < g.w()) xd[xRow + iw] += cd[s + ow];
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * A stride-1 window whose output is as large as its input ("same" padding, e.g. 3×3 pad 1). Then
     * an im2col row of one image is the input plane shifted by (di, dj): one contiguous copy plus a
     * few zeros, rather than a copy per output row (which cost more than the GEMM on small planes).
     */
    private static boolean isSamePadded(ConvGeometry g) {
        return g.stride() == 1 && g.oh() == g.h() && g.ow() == g.w();
    }

    /** dst[oh, ow] = src[oh + di, ow + dj] inside the h×w plane, 0 outside. */
    private static void shiftPlane(float[] dst, int d, float[] src, int s, int h, int w, int di, int dj) {
        int plane = h * w, shift = di * w + dj;
        int lo = Math.max(0, -shift), hi = Math.min(plane, plane - shift);
        if (hi <= lo) {
            java.util.Arrays.fill(dst, d, d + plane, 0f);
            return;
        }
        java.util.Arrays.fill(dst, d, d + lo, 0f);
        System.arraycopy(src, s + lo + shift, dst, d + lo, hi - lo);
        java.util.Arrays.fill(dst, d + hi, d + plane, 0f);
        // the linear copy wrapped |dj| columns of each row around from the neighbouring row
        int c0 = dj < 0 ? 0 : w - dj, c1 = dj < 0 ? Math.min(w, -dj) : w;
        for (int row = d; row < d + plane; row += w) {
            for (int col = Math.max(c0, 0); col < c1; col++) dst[row + col] = 0f;
        }
    }

    /** The adjoint of {@link #shiftPlane}: dx[oh + di, ow + dj] += dcol[oh, ow] where inside the plane. */
    private static void addShiftedPlane(float[] dx, int x, float[] dcol, int s, int h, int w, int di, int dj) {
        int r0 = Math.max(0, -di), r1 = Math.min(h, h - di), c0 = Math.max(0, -dj), c1 = Math.min(w, w - dj);
        if (r1 <= r0 || c1 <= c0) return;
        if (dj == 0) { // whole rows: one contiguous run
            Runs.addRun(dx, x + (r0 + di) * w, dcol, s + r0 * w, (r1 - r0) * w);
            return;
        }
        for (int row = r0; row < r1; row++) {
            Runs.addRun(dx, x + (row + di) * w + dj + c0, dcol, s + row * w + c0, c1 - c0);
        }
    }

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g) {
        float[] yd = y.data(), ad = argmax.data(), xd = x.data();
        int yo = y.offset(), ao = argmax.offset(), xo = x.offset();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * g.h() * g.w(), yp = p * g.oh() * g.ow();
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int bi = -1;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw < 0 || iw >= g.w()) continue;
                                float v = xd[xp + ih * g.w() + iw];
                                if (v > best || bi < 0 || Float.isNaN(v)) {
                                    best = v;
                                    bi = ih * g.w() + iw;
                                    if (Float.isNaN(v)) break;
                                }
                            }
                        }
                        yd[yo + yp + oh * g.ow() + ow] = best;
                        ad[ao + yp + oh * g.ow() + ow] = bi;
                    }
                }
            }
        });
    }

    @Override
    public void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g) {
        float[] xd = dX.data(), ad = argmax.data(), yd = dY.data();
        int xo = dX.offset(), ao = argmax.offset(), yo = dY.offset();
        int outPlane = g.oh() * g.ow(), inPlane = g.h() * g.w();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                for (int o = 0; o < outPlane; o++) {
                    xd[xo + p * inPlane + (int) ad[ao + p * outPlane + o]] += yd[yo + p * outPlane + o];
                }
            }
        });
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad) {
        float[] yd = y.data(), xd = x.data();
        int yo = y.offset(), xo = x.offset();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * g.h() * g.w(), yp = yo + p * g.oh() * g.ow();
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float s = 0;
                        int count = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw < 0 || iw >= g.w()) continue;
                                s += xd[xp + ih * g.w() + iw];
                                count++;
                            }
                        }
                        yd[yp + oh * g.ow() + ow] = s / avgDivisor(g, oh, ow, count, countIncludePad);
                    }
                }
            }
        });
    }

    /** PyTorch's divisor: with countIncludePad, the window clipped to the padded input; else in-bounds cells. */
    private static int avgDivisor(ConvGeometry g, int oh, int ow, int count, boolean countIncludePad) {
        if (!countIncludePad) return Math.max(count, 1);
        int h0 = oh * g.stride() - g.pad(), w0 = ow * g.stride() - g.pad();
        int h1 = Math.min(h0 + g.kh(), g.h() + g.pad()), w1 = Math.min(w0 + g.kw(), g.w() + g.pad());
        return (h1 - h0) * (w1 - w0);
    }

    @Override
    public void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad) {
        float[] xd = dX.data(), yd = dY.data();
        int xo = dX.offset(), yo = dY.offset();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * g.h() * g.w(), yp = yo + p * g.oh() * g.ow();
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int count = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw >= 0 && iw < g.w()) count++;
                            }
                        }
                        float d = yd[yp + oh * g.ow() + ow] / avgDivisor(g, oh, ow, count, countIncludePad);
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw >= 0 && iw < g.w()) xd[xp + ih * g.w() + iw] += d;
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        float[] yd = y.data(), xd = x.data();
        int yo = y.offset(), xo = x.offset();
        Resize rh = new Resize(h, oh, bilinear), rw = new Resize(w, ow, bilinear);
        par.forRange(planes, 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * h * w, yp = yo + p * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int r0 = xp + rh.i0[i] * w, r1 = xp + rh.i1[i] * w;
                    float a0 = rh.l0[i], a1 = rh.l1[i];
                    for (int j = 0; j < ow; j++) {
                        int c0 = rw.i0[j], c1 = rw.i1[j];
                        float b0 = rw.l0[j], b1 = rw.l1[j];
                        yd[yp + i * ow + j] = a0 * (b0 * xd[r0 + c0] + b1 * xd[r0 + c1]) + a1 * (b0 * xd[r1 + c0] + b1 * xd[r1 + c1]);
                    }
                }
            }
        });
    }

    @Override
    public void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        float[] xd = dX.data(), yd = dY.data();
        int xo = dX.offset(), yo = dY.offset();
        Resize rh = new Resize(h, oh, bilinear), rw = new Resize(w, ow, bilinear);
        par.forRange(planes, 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * h * w, yp = yo + p * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int r0 = xp + rh.i0[i] * w, r1 = xp + rh.i1[i] * w;
                    float a0 = rh.l0[i], a1 = rh.l1[i];
                    for (int j = 0; j < ow; j++) {
                        float g = yd[yp + i * ow + j];
                        int c0 = rw.i0[j], c1 = rw.i1[j];
                        float b0 = rw.l0[j], b1 = rw.l1[j];
                        xd[r0 + c0] += a0 * b0 * g;
                        xd[r0 + c1] += a0 * b1 * g;
                        xd[r1 + c0] += a1 * b0 * g;
                        xd[r1 + c1] += a1 * b1 * g;
                    }
                }
            }
        });
    }

    /**
     * Source indices and weights along one axis, as PyTorch computes them (upsample_bilinear2d and
     * upsample_nearest2d with an output size and no scale factor). Nearest is expressed as weight 1
     * on i0 and 0 on i1 so forward and backward share one loop.
     */
    private static final class Resize {
        final int[] i0, i1;
        final float[] l0, l1;

        Resize(int in, int out, boolean bilinear) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale = (float) in / out;
            for (int d = 0; d < out; d++) {
                if (bilinear) {
                    float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
                    int s0 = Math.min((int) src, in - 1);
                    int s1 = s0 + (s0 < in - 1 ? 1 : 0);
                    float lam = src - s0;
                    i0[d] = s0;
                    i1[d] = s1;
                    l1[d] = lam;
                    l0[d] = 1f - lam;
                } else {
                    i0[d] = i1[d] = Math.min((int) Math.floor(d * scale), in - 1);
                    l0[d] = 1f;
                    l1[d] = 0f;
                }
            }
        }
    }
}

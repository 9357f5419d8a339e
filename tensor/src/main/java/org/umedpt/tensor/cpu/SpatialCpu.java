package org.umedpt.tensor.cpu;

import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Tensor;

/**
 * The NCHW image kernels of {@link CpuBackend}, each forward next to its adjoint: im2col and col2im
 * (convolution as GEMM, with a fast path for stride-1 "same" windows), max and average pooling, and
 * nearest or bilinear resize. Loops are split by patch row, channel or plane, so that every part
 * writes a disjoint slice of its output.
 */
final class SpatialCpu {
    private final Parallel par;

    SpatialCpu(Parallel par) {
        this.par = par;
    }

    void im2col(Tensor cols, Tensor x, ConvGeometry g, int width, int colOffset) {
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

    void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int width, int colOffset) {
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

    void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g) {
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

    void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g) {
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

    void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad) {
        float[] yd = y.data(), xd = x.data();
        int yo = y.offset(), xo = x.offset();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * g.h() * g.w(), yp = yo + p * g.oh() * g.ow();
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float s = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = oh * g.stride() - g.pad() + i;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = ow * g.stride() - g.pad() + j;
                                if (iw >= 0 && iw < g.w()) s += xd[xp + ih * g.w() + iw];
                            }
                        }
                        yd[yp + oh * g.ow() + ow] = s / avgDivisor(g, oh, ow, countIncludePad);
                    }
                }
            }
        });
    }

    /** PyTorch's divisor: with countIncludePad, the window clipped to the padded input; else its in-bounds cells (at least 1). */
    private static int avgDivisor(ConvGeometry g, int oh, int ow, boolean countIncludePad) {
        int h0 = oh * g.stride() - g.pad(), w0 = ow * g.stride() - g.pad();
        if (countIncludePad) {
            int h1 = Math.min(h0 + g.kh(), g.h() + g.pad()), w1 = Math.min(w0 + g.kw(), g.w() + g.pad());
            return (h1 - h0) * (w1 - w0);
        }
        int rows = Math.min(h0 + g.kh(), g.h()) - Math.max(h0, 0), cols = Math.min(w0 + g.kw(), g.w()) - Math.max(w0, 0);
        return Math.max(Math.max(rows, 0) * Math.max(cols, 0), 1);
    }

    void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad) {
        float[] xd = dX.data(), yd = dY.data();
        int xo = dX.offset(), yo = dY.offset();
        par.forRange(g.n() * g.c(), 1, (part, from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * g.h() * g.w(), yp = yo + p * g.oh() * g.ow();
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float d = yd[yp + oh * g.ow() + ow] / avgDivisor(g, oh, ow, countIncludePad);
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

    void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
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

    void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
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

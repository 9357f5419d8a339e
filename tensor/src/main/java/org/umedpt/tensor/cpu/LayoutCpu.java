package org.umedpt.tensor.cpu;

import org.umedpt.tensor.Tensor;

import static org.umedpt.tensor.cpu.Parallel.ELEMENT_GRAIN;

/**
 * The data-movement kernels of {@link CpuBackend}: permute, block copies along one axis (concat,
 * slice), the cyclic roll of (B, H, W, C) maps, and row gather and scatter-add by an index tensor
 * (e.g. relative position-bias tables). Nothing is computed: each kernel moves floats (whole runs
 * through {@link Runs} where they are contiguous), or adds them where the caller accumulates a gradient.
 */
final class LayoutCpu {
    private final Parallel par;

    LayoutCpu(Parallel par) {
        this.par = par;
    }

    void permute(Tensor out, Tensor x, int[] shape, int[] perm, boolean accumulate) {
        int rank = shape.length;
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        int[] xStride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            xStride[i] = s;
            s *= shape[i];
        }
        int[] oShape = new int[rank], oStride = new int[rank]; // oStride: stride in x of each out axis
        for (int i = 0; i < rank; i++) {
            oShape[i] = shape[perm[i]];
            oStride[i] = xStride[perm[i]];
        }
        int innerLen = rank == 0 ? 1 : oShape[rank - 1];
        int innerStride = rank == 0 ? 1 : oStride[rank - 1];
        int outerCount = x.size() / Math.max(innerLen, 1);
        if (innerLen == 0) return;
        par.forRange(outerCount, Math.max(1, ELEMENT_GRAIN / innerLen), (part, from, to) -> {
            int[] idx = new int[Math.max(rank - 1, 0)];
            // start index of `from` in the odometer over out axes [0, rank-1)
            int rem = from;
            for (int a = rank - 2; a >= 0; a--) {
                idx[a] = rem % oShape[a];
                rem /= oShape[a];
            }
            for (int o = from; o < to; o++) {
                int src = xo;
                for (int a = 0; a < rank - 1; a++) src += idx[a] * oStride[a];
                int dst = oo + o * innerLen;
                if (innerStride == 1) {
                    if (accumulate) Runs.addRun(od, dst, xd, src, innerLen);
                    else Runs.moveRun(od, dst, xd, src, innerLen);
                } else if (accumulate) {
                    for (int i = 0; i < innerLen; i++) od[dst + i] += xd[src + i * innerStride];
                } else {
                    for (int i = 0; i < innerLen; i++) od[dst + i] = xd[src + i * innerStride];
                }
                for (int a = rank - 2; a >= 0; a--) {
                    if (++idx[a] < oShape[a]) break;
                    idx[a] = 0;
                }
            }
        });
    }

    void copyBlock(Tensor dst, int dstAxis, int dstStart, Tensor src, int srcAxis, int srcStart,
                   int outer, int len, int inner, boolean accumulate) {
        float[] dd = dst.data(), sd = src.data();
        int dO = dst.offset(), so = src.offset();
        int run = len * inner;
        par.forRange(outer, Math.max(1, ELEMENT_GRAIN / Math.max(run, 1)), (part, from, to) -> {
            for (int o = from; o < to; o++) {
                int d = dO + (o * dstAxis + dstStart) * inner, s = so + (o * srcAxis + srcStart) * inner;
                copyRun(dd, d, sd, s, run, accumulate);
            }
        });
    }

    void roll(Tensor out, Tensor x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        int sh = Math.floorMod(shiftH, Math.max(h, 1)), sw = Math.floorMod(shiftW, Math.max(w, 1));
        par.forRange(b * h, Math.max(1, ELEMENT_GRAIN / Math.max(1, w * c)), (part, from, to) -> {
            for (int bi = from; bi < to; bi++) {
                int n = bi / h, i = bi % h;
                int oi = (i + sh) % h;
                int srcRow = xo + (n * h + i) * w * c, dstRow = oo + (n * h + oi) * w * c;
                // columns [0, w−sw) move to [sw, w); [w−sw, w) wrap to [0, sw)
                copyRun(od, dstRow + sw * c, xd, srcRow, (w - sw) * c, accumulate);
                copyRun(od, dstRow, xd, srcRow + (w - sw) * c, sw * c, accumulate);
            }
        });
    }

    /**
     * One pass per window row: token runs whose source columns are consecutive (no wrap, no
     * padding) are copied as one run of k·c floats; padding tokens are zero (or left, accumulating).
     */
    void windowPartition(Tensor out, Tensor x, int b, int h, int w, int c, int win, int shiftH, int shiftW, int padH, int padW,
                         boolean accumulate) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        int nwh = padH / win, nww = padW / win;
        par.forRange(b * nwh * nww * win, Math.max(1, ELEMENT_GRAIN / Math.max(1, win * c)), (part, from, to) -> {
            for (int row = from; row < to; row++) { // row = (window, ti)
                int ti = row % win, window = row / win;
                int wj = window % nww, wi = (window / nww) % nwh, bi = window / (nww * nwh);
                int y = (wi * win + ti + shiftH) % padH;
                int dst = oo + row * win * c;
                for (int tj = 0; tj < win; ) {
                    int z = (wj * win + tj + shiftW) % padW;
                    int len = Math.min(win - tj, padW - z); // up to the window's end or the wrap
                    if (y < h && z < w) {
                        len = Math.min(len, w - z);
                        copyRun(od, dst + tj * c, xd, xo + ((bi * h + y) * w + z) * c, len * c, accumulate);
                    } else {
                        if (y >= h) len = win - tj;
                        if (!accumulate) java.util.Arrays.fill(od, dst + tj * c, dst + (tj + len) * c, 0f);
                    }
                    tj += len;
                }
            }
        });
    }

    /** One pass per map row: column runs that come from one window row without a wrap are one copy. */
    void windowReverse(Tensor x, Tensor windows, int b, int h, int w, int c, int win, int shiftH, int shiftW, int padH, int padW,
                       boolean accumulate) {
        float[] xd = x.data(), wd = windows.data();
        int xo = x.offset(), wo = windows.offset();
        int nwh = padH / win, nww = padW / win;
        par.forRange(b * h, Math.max(1, ELEMENT_GRAIN / Math.max(1, w * c)), (part, from, to) -> {
            for (int r = from; r < to; r++) { // r = (bi, y)
                int bi = r / h, y = r % h;
                int py = Math.floorMod(y - shiftH, padH), wi = py / win, ti = py % win;
                for (int z = 0; z < w; ) {
                    int pz = Math.floorMod(z - shiftW, padW), wj = pz / win, tj = pz % win;
                    int len = Math.min(w - z, Math.min(padW - pz, win - tj));
                    int src = wo + ((((bi * nwh + wi) * nww + wj) * win + ti) * win + tj) * c;
                    copyRun(xd, xo + (r * w + z) * c, wd, src, len * c, accumulate);
                    z += len;
                }
            }
        });
    }

    private static void copyRun(float[] d, int di, float[] s, int si, int len, boolean acc) {
        if (acc) Runs.addRun(d, di, s, si, len);
        else Runs.moveRun(d, di, s, si, len);
    }

    void indexSelectRows(Tensor out, Tensor table, Tensor idx, int cols) {
        float[] od = out.data(), td = table.data(), id = idx.data();
        int oo = out.offset(), to = table.offset(), io = idx.offset();
        for (int r = 0; r < idx.size(); r++) System.arraycopy(td, to + (int) id[io + r] * cols, od, oo + r * cols, cols);
    }

    void indexAddRows(Tensor dTable, Tensor idx, Tensor dY, int cols) {
        float[] dd = dTable.data(), id = idx.data(), yd = dY.data();
        int dO = dTable.offset(), io = idx.offset(), yo = dY.offset();
        for (int r = 0; r < idx.size(); r++) {
            int t = dO + (int) id[io + r] * cols, s = yo + r * cols;
            for (int c = 0; c < cols; c++) dd[t + c] += yd[s + c];
        }
    }
}

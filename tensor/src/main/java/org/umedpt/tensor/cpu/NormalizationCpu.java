package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.umedpt.tensor.Tensor;

import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * The row normalisations of {@link CpuBackend}: softmax (and log-softmax) and LayerNorm, forward and
 * backward, each row a vectorised pass or two with its sums in double. {@link WindowAttentionCpu}'s
 * fused softmax performs {@link #softmaxForward}'s operations ({@link #rowMax}, x − max, {@link
 * #expShifted}'s exp, {@link Runs#sum}, ·1/Σ), by passes over a whole block instead of row by row,
 * so that its P equals the unfused op's bit for bit: change the two together.
 */
final class NormalizationCpu {
    private final Parallel par;

    NormalizationCpu(Parallel par) {
        this.par = par;
    }

    void softmaxForward(Tensor y, Tensor x, int rows, int cols, boolean log) {
        float[] yd = y.data(), xd = x.data();
        int yo = y.offset(), xo = x.offset();
        par.forRange(rows, Math.max(1, 8192 / Math.max(cols, 1)), (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int xi = xo + r * cols, yi = yo + r * cols;
                float max = rowMax(xd, xi, cols);
                expShifted(yd, yi, xd, xi, cols, max);
                double s = Runs.sum(yd, yi, cols);
                if (log) {
                    float lse = (float) (max + Math.log(s));
                    for (int c = 0; c < cols; c++) yd[yi + c] = xd[xi + c] - lse;
                } else {
                    Runs.scaleRun(yd, yi, cols, (float) (1 / s));
                }
            }
        });
    }

    /**
     * y[yi + c] = e^(x[xi + c] − max) for c &lt; len (vector exp: ~35× faster than Math.exp; y may be
     * x): the softmax numerator of a row. Its sum is {@link Runs#sum}, a pass of its own: a sum
     * carried through this loop made C2 box the vectors in the multi-task round (DESIGN-NOTES).
     */
    static void expShifted(float[] yd, int yi, float[] xd, int xi, int len, float max) {
        int c = 0;
        for (; c <= len - L; c += L) VectorMath.exp(FloatVector.fromArray(S, xd, xi + c).sub(max)).intoArray(yd, yi + c);
        for (; c < len; c++) yd[yi + c] = VectorMath.exp(xd[xi + c] - max);
    }

    /** max of len ≥ 1 floats. */
    static float rowMax(float[] d, int at, int len) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (len >= L) {
            FloatVector acc = FloatVector.fromArray(S, d, at);
            for (i = L; i <= len - L; i += L) acc = acc.max(FloatVector.fromArray(S, d, at + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < len; i++) m = Math.max(m, d[at + i]);
        return m;
    }

    void softmaxBackward(Tensor dX, Tensor y, Tensor dY, int rows, int cols, boolean log) {
        float[] dd = dX.data(), yd = y.data(), gd = dY.data();
        int dO = dX.offset(), yo = y.offset(), go = dY.offset();
        par.forRange(rows, Math.max(1, 8192 / Math.max(cols, 1)), (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int di = dO + r * cols, yi = yo + r * cols, gi = go + r * cols;
                if (log) { // dx = dy − softmax · Σ dy
                    double s = Runs.sum(gd, gi, cols);
                    for (int c = 0; c < cols; c++) dd[di + c] += (float) (gd[gi + c] - Math.exp(yd[yi + c]) * s);
                } else { // dx = y · (dy − Σ dy·y)
                    softmaxBackwardRow(dd, di, yd, yi, gd, gi, cols);
                }
            }
        });
    }

    /** dx += y · (dy − Σ dy·y) for one softmax row. */
    private static void softmaxBackwardRow(float[] dd, int di, float[] yd, int yi, float[] gd, int gi, int cols) {
        int c = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; c <= cols - L; c += L) acc = FloatVector.fromArray(S, gd, gi + c).fma(FloatVector.fromArray(S, yd, yi + c), acc);
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) s += (double) gd[gi + c] * yd[yi + c];
        float sf = (float) s;
        c = 0;
        for (; c <= cols - L; c += L) {
            FloatVector y = FloatVector.fromArray(S, yd, yi + c);
            y.mul(FloatVector.fromArray(S, gd, gi + c).sub(sf)).add(FloatVector.fromArray(S, dd, di + c)).intoArray(dd, di + c);
        }
        for (; c < cols; c++) dd[di + c] += yd[yi + c] * (gd[gi + c] - sf);
    }

    void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps) {
        float[] yd = y.data(), md = mean.data(), rd = rstd.data(), xd = x.data();
        float[] wd = w == null ? null : w.data(), bd = b == null ? null : b.data();
        int yo = y.offset(), mo = mean.offset(), ro = rstd.offset(), xo = x.offset();
        int wo = w == null ? 0 : w.offset(), bo = b == null ? 0 : b.offset();
        par.forRange(rows, Math.max(1, 8192 / Math.max(cols, 1)), (part, from, to) -> {
            for (int r = from; r < to; r += LN_BLOCK) {
                layerNormRows(yd, yo, md, mo, rd, ro, xd, xo, wd, wo, bd, bo, cols, eps, r, Math.min(to, r + LN_BLOCK));
            }
        });
    }

    /** Per block of rows: sum = x + r while the rows are in cache, then {@link #layerNormRows} on them. */
    void layerNormResidualForward(Tensor y, Tensor sum, Tensor mean, Tensor rstd, Tensor x, Tensor r, Tensor w, Tensor b, int rows, int cols,
                                  float eps) {
        float[] yd = y.data(), sd = sum.data(), md = mean.data(), rd = rstd.data(), xd = x.data(), resd = r.data();
        float[] wd = w == null ? null : w.data(), bd = b == null ? null : b.data();
        int yo = y.offset(), so = sum.offset(), mo = mean.offset(), ro = rstd.offset(), xo = x.offset(), reso = r.offset();
        int wo = w == null ? 0 : w.offset(), bo = b == null ? 0 : b.offset();
        par.forRange(rows, Math.max(1, 8192 / Math.max(cols, 1)), (part, from, to) -> {
            for (int r0 = from; r0 < to; r0 += LN_BLOCK) {
                int r1 = Math.min(to, r0 + LN_BLOCK);
                for (int row = r0; row < r1; row++) {
                    int si = so + row * cols;
                    Runs.moveRun(sd, si, xd, xo + row * cols, cols);
                    Runs.addRun(sd, si, resd, reso + row * cols, cols);
                }
                layerNormRows(yd, yo, md, mo, rd, ro, sd, so, wd, wo, bd, bo, cols, eps, r0, r1);
            }
        });
    }

    /** Rows per {@link #layerNormRows} block: 16 rows of swin_t's widest stage (768) are 48 KB. */
    private static final int LN_BLOCK = 16;

    /**
     * LayerNorm forward of rows [r0, r1) (row r of x at xo + r·cols, its mean and rstd at mo + r and
     * ro + r): mean, biased variance (two passes), normalise, affine, each as a pass over the block.
     * Row by row, each row's sums and square root were one dependency chain of a few vectors' work
     * (nano: 48 columns); across a block the rows' chains overlap.
     */
    private static void layerNormRows(float[] yd, int yo, float[] md, int mo, float[] rd, int ro, float[] xd, int xo, float[] wd, int wo,
                                      float[] bd, int bo, int cols, float eps, int r0, int r1) {
        for (int r = r0; r < r1; r++) md[mo + r] = (float) (Runs.sum(xd, xo + r * cols, cols) / cols);
        for (int r = r0; r < r1; r++) rd[ro + r] = inverseStd(xd, xo + r * cols, md[mo + r], cols, eps);
        for (int r = r0; r < r1; r++) normalizeRow(yd, yo + r * cols, xd, xo + r * cols, md[mo + r], rd[ro + r], wd, wo, bd, bo, cols);
    }

    /** 1/√(biased variance + eps) of one row with mean m; the squares summed by lanes, then in double. */
    private static float inverseStd(float[] xd, int xi, float m, int cols, float eps) {
        int c = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; c <= cols - L; c += L) {
            FloatVector d = FloatVector.fromArray(S, xd, xi + c).sub(m);
            acc = d.fma(d, acc);
        }
        double var = acc.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            double d = xd[xi + c] - m;
            var += d * d;
        }
        var /= cols; // biased, as PyTorch
        return (float) (1 / Math.sqrt(var + eps));
    }

    /** y = (x − m)·rs, then ·w + b (either may be null) for one row. */
    private static void normalizeRow(float[] yd, int yi, float[] xd, int xi, float m, float rs, float[] wd, int wo, float[] bd, int bo,
                                     int cols) {
        int c = 0;
        if (wd != null && bd != null) {
            for (; c <= cols - L; c += L) {
                FloatVector.fromArray(S, xd, xi + c).sub(m).mul(rs).fma(FloatVector.fromArray(S, wd, wo + c), FloatVector.fromArray(S, bd, bo + c))
                        .intoArray(yd, yi + c);
            }
        }
        for (; c < cols; c++) {
            float v = (xd[xi + c] - m) * rs;
            if (wd != null && bd != null) v = Math.fma(v, wd[wo + c], bd[bo + c]); // as the vector body
            else if (wd != null) v *= wd[wo + c];
            else if (bd != null) v += bd[bo + c];
            yd[yi + c] = v;
        }
    }

    void layerNormBackward(Tensor dX, Tensor dW, Tensor dB, Tensor dY, Tensor x, Tensor mean, Tensor rstd, Tensor w,
                           int rows, int cols) {
        float[] dxd = dX == null ? null : dX.data(), gd = dY.data(), xd = x.data(), md = mean.data(), rd = rstd.data();
        float[] wd = w == null ? null : w.data();
        int dxo = dX == null ? 0 : dX.offset(), go = dY.offset(), xo = x.offset(), mo = mean.offset(), ro = rstd.offset();
        int wo = w == null ? 0 : w.offset();
        // Partial sums of dW and dB per chunk of rows, then added in chunk order: the chunks depend
        // on the shape only, so the result is the same for any number of threads.
        int chunkRows = Math.max(1, 8192 / Math.max(cols, 1)), chunks = (rows + chunkRows - 1) / chunkRows;
        float[][] pw = new float[chunks][dW == null ? 0 : cols];
        float[][] pb = new float[chunks][dB == null ? 0 : cols];
        par.forRange(chunks, 1, (part, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                for (int r = ch * chunkRows; r < Math.min(rows, (ch + 1) * chunkRows); r++) {
                    layerNormBackwardRow(dxd, dxo + r * cols, pw[ch], pb[ch], gd, go + r * cols, xd, xo + r * cols, md[mo + r], rd[ro + r],
                            wd, wo, cols);
                }
            }
        });
        for (int ch = 0; ch < chunks; ch++) {
            if (dW != null) addInto(dW.data(), dW.offset(), pw[ch]);
            if (dB != null) addInto(dB.data(), dB.offset(), pb[ch]);
        }
    }

    /**
     * One row of LayerNorm backward. With x̂ = (x − m)·rs and g = dy·w:
     * dx += rs·(g − mean(g) − x̂·mean(g·x̂)); accW += dy·x̂; accB += dy (accW/accB may be empty).
     */
    private static void layerNormBackwardRow(float[] dxd, int di, float[] accW, float[] accB, float[] gd, int gi, float[] xd, int xi,
                                             float m, float rs, float[] wd, int wo, int cols) {
        boolean vec = wd != null;
        int c = 0;
        FloatVector sg = FloatVector.zero(S), sgx = FloatVector.zero(S);
        if (vec) {
            for (; c <= cols - L; c += L) {
                FloatVector xhat = FloatVector.fromArray(S, xd, xi + c).sub(m).mul(rs);
                FloatVector dy = FloatVector.fromArray(S, gd, gi + c);
                FloatVector g = dy.mul(FloatVector.fromArray(S, wd, wo + c));
                sg = sg.add(g);
                sgx = g.fma(xhat, sgx);
                if (accW.length > 0) dy.fma(xhat, FloatVector.fromArray(S, accW, c)).intoArray(accW, c);
                if (accB.length > 0) dy.add(FloatVector.fromArray(S, accB, c)).intoArray(accB, c);
            }
        }
        double sumG = sg.reduceLanes(VectorOperators.ADD), sumGX = sgx.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float xhat = (xd[xi + c] - m) * rs;
            float g = gd[gi + c] * (wd == null ? 1f : wd[wo + c]);
            sumG += g;
            sumGX += g * xhat;
            if (accW.length > 0) accW[c] += gd[gi + c] * xhat;
            if (accB.length > 0) accB[c] += gd[gi + c];
        }
        if (dxd == null) return;
        float mg = (float) (sumG / cols), mgx = (float) (sumGX / cols);
        c = 0;
        if (vec) {
            for (; c <= cols - L; c += L) {
                FloatVector xhat = FloatVector.fromArray(S, xd, xi + c).sub(m).mul(rs);
                FloatVector g = FloatVector.fromArray(S, gd, gi + c).mul(FloatVector.fromArray(S, wd, wo + c));
                g.sub(mg).sub(xhat.mul(mgx)).mul(rs).add(FloatVector.fromArray(S, dxd, di + c)).intoArray(dxd, di + c);
            }
        }
        for (; c < cols; c++) {
            float xhat = (xd[xi + c] - m) * rs;
            float g = gd[gi + c] * (wd == null ? 1f : wd[wo + c]);
            dxd[di + c] += rs * (g - mg - xhat * mgx);
        }
    }

    private static void addInto(float[] d, int at, float[] src) {
        for (int i = 0; i < src.length; i++) d[at + i] += src[i];
    }
}

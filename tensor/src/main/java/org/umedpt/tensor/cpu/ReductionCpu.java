package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.umedpt.tensor.Tensor;

import static org.umedpt.tensor.cpu.Parallel.ELEMENT_GRAIN;
import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * The reductions of {@link CpuBackend}: sums onto the middle axis of (outer, mid, inner) (the
 * gradient of a broadcast operand), row sums, row max with argmax, and picking one element per row by
 * index with its adjoint (cross-entropy's gather and scatter). Each turns rows or columns into one
 * value per row or column, or sends that value back.
 */
final class ReductionCpu {
    private final Parallel par;

    ReductionCpu(Parallel par) {
        this.par = par;
    }

    void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        if (inner == 1 && outer == 1) { // nothing to reduce (the gradient of an equal-shape operand, e.g. a residual add)
            par.forRange(mid, ELEMENT_GRAIN, (part, from, to) -> {
                if (accumulate) Runs.addRun(od, oo + from, xd, xo + from, to - from);
                else Runs.moveRun(od, oo + from, xd, xo + from, to - from);
            });
            return;
        }
        if (inner == 1 && outer > 1) { // column sums of an (outer, mid) matrix: vectorise along mid
            par.forRange(mid, Math.max(L, 4096 / Math.max(1, outer)), (part, from, to) -> columnSums(od, oo, xd, xo, outer, mid, from, to, accumulate));
            return;
        }
        par.forRange(mid, Math.max(1, 4096 / Math.max(1, inner * outer)), (part, from, to) -> {
            for (int m = from; m < to; m++) {
                double s = 0;
                for (int o = 0; o < outer; o++) s += Runs.sum(xd, xo + (o * mid + m) * inner, inner);
                od[oo + m] = accumulate ? od[oo + m] + (float) s : (float) s;
            }
        });
    }

    /**
     * out[m] (=|+=) Σ_o x[o, m] for m in [from, to). Float lanes accumulate blocks of 256 rows, and
     * block sums are added in double, so long columns keep float64-level accuracy.
     */
    private static void columnSums(float[] od, int oo, float[] xd, int xo, int outer, int mid, int from, int to, boolean acc) {
        int len = to - from;
        double[] total = new double[len];
        float[] block = new float[len];
        for (int o0 = 0; o0 < outer; o0 += 256) {
            java.util.Arrays.fill(block, 0f);
            int o1 = Math.min(outer, o0 + 256);
            for (int o = o0; o < o1; o++) {
                int row = xo + o * mid + from, j = 0;
                for (; j <= len - L; j += L) {
                    FloatVector.fromArray(S, xd, row + j).add(FloatVector.fromArray(S, block, j)).intoArray(block, j);
                }
                for (; j < len; j++) block[j] += xd[row + j];
            }
            for (int j = 0; j < len; j++) total[j] += block[j];
        }
        for (int j = 0; j < len; j++) od[oo + from + j] = acc ? od[oo + from + j] + (float) total[j] : (float) total[j];
    }

    void sumRows(Tensor out, Tensor x, int rows, int cols, float scale) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        par.forRange(rows, Math.max(1, ELEMENT_GRAIN / Math.max(cols, 1)), (part, from, to) -> {
            for (int r = from; r < to; r++) od[oo + r] = (float) (scale * Runs.sum(xd, xo + r * cols, cols));
        });
    }

    void maxRows(Tensor out, Tensor argmax, Tensor x, int rows, int cols) {
        float[] od = out.data(), ad = argmax.data(), xd = x.data();
        int oo = out.offset(), ao = argmax.offset(), xo = x.offset();
        for (int r = 0; r < rows; r++) {
            int base = xo + r * cols;
            int best = 0;
            float bv = xd[base];
            for (int c = 1; c < cols; c++) {
                float v = xd[base + c];
                if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                    bv = v;
                    best = c;
                }
            }
            od[oo + r] = bv;
            ad[ao + r] = best;
        }
    }

    void gatherRows(Tensor out, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex) {
        float[] od = out.data(), xd = x.data(), id = idx.data();
        int oo = out.offset(), xo = x.offset(), io = idx.offset();
        for (int r = 0; r < rows; r++) {
            int t = (int) id[io + r];
            od[oo + r] = t == ignoreIndex ? 0f : xd[xo + r * cols + t];
        }
    }

    void scatterRows(Tensor dX, Tensor idx, Tensor dY, int rows, int cols, int ignoreIndex) {
        float[] dd = dX.data(), id = idx.data(), yd = dY.data();
        int dO = dX.offset(), io = idx.offset(), yo = dY.offset();
        for (int r = 0; r < rows; r++) {
            int t = (int) id[io + r];
            if (t != ignoreIndex) dd[dO + r * cols + t] += yd[yo + r];
        }
    }
}

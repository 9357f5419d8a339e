package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import static org.umedpt.tensor.cpu.Parallel.ELEMENT_GRAIN;
import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * The elementwise kernels of {@link CpuBackend}: unary ops and their backward, and binary ops on
 * equal shapes, on a broadcast (outer, mid, inner) operand and on arbitrary strides. GELU takes most
 * of the lines: its erf (Abramowitz–Stegun) runs as vector loops in small methods (C2's inlining
 * budget), each with a scalar twin doing the same operations in the same order, so an element's
 * value does not depend on where a thread's range was split. One concept: one pass over aligned elements.
 */
final class ElementwiseCpu {
    private final Parallel par;

    ElementwiseCpu(Parallel par) {
        this.par = par;
    }

    void unary(Tensor out, UnaryOp op, Tensor x, float p) {
        float[] od = out.data(), xd = x.data();
        int oo = out.offset(), xo = x.offset();
        par.forRange(x.size(), ELEMENT_GRAIN, (part, from, to) -> unaryRange(op, p, od, oo, xd, xo, from, to));
    }

    /**
     * One case, one small method: with all vector loops in one switch, C2 ran out of inlining budget
     * for the later cases and boxed their vectors (ReLU in the multi-task round's heads: Float512Vector
     * allocation samples in JFR all through a run).
     */
    private static void unaryRange(UnaryOp op, float p, float[] od, int oo, float[] xd, int xo, int from, int to) {
        switch (op) {
            case SCALE -> scale(od, oo, xd, xo, p, from, to);
            case ADD_SCALAR -> addScalar(od, oo, xd, xo, p, from, to);
            case RELU -> relu(od, oo, xd, xo, from, to);
            case SQUARE -> square(od, oo, xd, xo, from, to);
            case GELU -> geluForward(od, oo, xd, xo, from, to);
            case EXP -> exp(od, oo, xd, xo, from, to);
            case SIGMOID -> sigmoid(od, oo, xd, xo, from, to);
            default -> {
                for (int i = from; i < to; i++) od[oo + i] = (float) op.f(xd[xo + i], p);
            }
        }
    }

    private static void scale(float[] od, int oo, float[] xd, int xo, float p, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) FloatVector.fromArray(S, xd, xo + i).mul(p).intoArray(od, oo + i);
        for (; i < to; i++) od[oo + i] = xd[xo + i] * p;
    }

    private static void addScalar(float[] od, int oo, float[] xd, int xo, float p, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) FloatVector.fromArray(S, xd, xo + i).add(p).intoArray(od, oo + i);
        for (; i < to; i++) od[oo + i] = xd[xo + i] + p;
    }

    private static void relu(float[] od, int oo, float[] xd, int xo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) FloatVector.fromArray(S, xd, xo + i).max(0f).intoArray(od, oo + i);
        for (; i < to; i++) od[oo + i] = Math.max(xd[xo + i], 0f);
    }

    private static void square(float[] od, int oo, float[] xd, int xo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, xd, xo + i);
            v.mul(v).intoArray(od, oo + i);
        }
        for (; i < to; i++) od[oo + i] = xd[xo + i] * xd[xo + i];
    }

    private static void exp(float[] od, int oo, float[] xd, int xo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) VectorMath.exp(FloatVector.fromArray(S, xd, xo + i)).intoArray(od, oo + i);
        for (; i < to; i++) od[oo + i] = VectorMath.exp(xd[xo + i]);
    }

    private static void sigmoid(float[] od, int oo, float[] xd, int xo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, xd, xo + i).neg());
            ONE.div(e.add(1f)).intoArray(od, oo + i);
        }
        for (; i < to; i++) od[oo + i] = 1f / (VectorMath.exp(-xd[xo + i]) + 1f);
    }

    /**
     * GELU forward over [from, to): 0.5·x·(1 + erf(x/√2)), erf by Abramowitz–Stegun 7.1.26
     * (|error| ≤ 1.5e−7). Its own small method: inside a large method C2 runs out of inlining budget
     * and boxes the vectors (measured: 12 % of a Swin step spent in boxed FloatVector calls).
     */
    private static void geluForward(float[] od, int oo, float[] xd, int xo, int from, int to) {
        float[] g = new float[1024];
        for (int c = from; c < to; c += g.length) {
            int len = Math.min(g.length, to - c);
            gaussian(g, xd, xo + c, len);
            geluFromGaussian(od, oo + c, xd, xo + c, g, len);
        }
    }

    /**
     * g[i] = e^(−z²), z = min(|x|/√2, 10), for len elements of x from xi: GELU's exp in a loop of
     * its own, because with {@link VectorMath#exp} inside the erf chain C2 ran out of inlining
     * budget and boxed every vector (a quarter of a Swin step's time in boxed GELU backward).
     * z ≥ 0, so its min is taken on the bit patterns (one integer instruction; NaN becomes 10,
     * and the result is NaN through x anyway), and −z² ≥ −100 needs no clamp before the exp.
     * Beyond 10, e^(−z²) &lt; 4e−44 does not change erf or Φ in float.
     */
    private static void gaussian(float[] g, float[] xd, int xi, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector z = FloatVector.fromArray(S, xd, xi + i).mul(INV_SQRT2).abs()
                    .reinterpretAsInts().min(Z_MAX_BITS).reinterpretAsFloats();
            VectorMath.expInRange(z.mul(z).neg()).intoArray(g, i);
        }
        for (; i < len; i++) g[i] = gaussian(xd[xi + i]);
    }

    /** The scalar twin of {@link #gaussian(float[], float[], int, int)}'s body. */
    private static float gaussian(float x) {
        float z = Float.intBitsToFloat(Math.min(Float.floatToRawIntBits(Math.abs(x * INV_SQRT2)), Z_MAX_BITS));
        return VectorMath.expInRange(-(z * z));
    }

    /** The bit pattern of 10f: {@link #gaussian}'s bound on z. */
    private static final int Z_MAX_BITS = 0x41200000;

    /** out = 0.5·x·(1 + erf(x/√2)) for len elements, with e^(−x²/2) from {@link #gaussian}. */
    private static void geluFromGaussian(float[] od, int oo, float[] xd, int xo, float[] g, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, xd, xo + i);
            FloatVector z = x.mul(INV_SQRT2).abs();
            FloatVector t = ONE.div(z.mul(ERF_P).add(1f));
            FloatVector poly = t.mul(ERF_A5).add(ERF_A4).mul(t).add(ERF_A3).mul(t).add(ERF_A2).mul(t).add(ERF_A1).mul(t);
            FloatVector erfAbs = poly.mul(FloatVector.fromArray(S, g, i)).neg().add(1f);
            // erf is odd: copy x's sign bit onto erf(|z|) (a masked blend is not intrinsified on JDK 17)
            FloatVector erf = erfAbs.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            x.mul(0.5f).mul(erf.add(1f)).intoArray(od, oo + i);
        }
        for (; i < len; i++) od[oo + i] = gelu(xd[xo + i], g[i]);
    }

    /**
     * GELU backward over [from, to): dx += dy·(Φ(x) + x·φ(x)), in chunks: e^(−x²/2) goes to a small
     * buffer in one method ({@link #gaussian}) and the derivative is formed and applied in another.
     * As one loop body the vector chain was long enough for C2 to stop inlining and box (7.6 % of a
     * swin_t step in boxed FloatVector calls); with the apply a third loop, the three inlined into
     * this method passed C2's node limit in the multi-task round and the derivative ran boxed.
     */
    private static void geluBackward(float[] dxd, int dxo, float[] xd, int xo, float[] dyd, int dyo, int from, int to) {
        float[] g = new float[1024];
        for (int c = from; c < to; c += g.length) {
            int len = Math.min(g.length, to - c);
            gaussian(g, xd, xo + c, len);
            addGeluDerivative(dxd, dxo + c, xd, xo + c, dyd, dyo + c, g, len);
        }
    }

    /** dx[i] += dy[i]·(Φ(x) + x·φ(x)) for len elements; g holds e^(−x²/2) ({@link #gaussian}). */
    private static void addGeluDerivative(float[] dxd, int dxo, float[] xd, int xi, float[] dyd, int dyo, float[] g, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector xv = FloatVector.fromArray(S, xd, xi + i);
            FloatVector z = xv.mul(INV_SQRT2).abs();
            FloatVector t = ONE.div(z.mul(ERF_P).add(1f));
            FloatVector poly = t.mul(ERF_A5).add(ERF_A4).mul(t).add(ERF_A3).mul(t).add(ERF_A2).mul(t).add(ERF_A1).mul(t);
            FloatVector gauss = FloatVector.fromArray(S, g, i); // e^(−x²/2)
            FloatVector erfAbs = poly.mul(gauss).neg().add(1f);
            FloatVector erf = erfAbs.reinterpretAsInts().or(xv.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector d = erf.add(1f).mul(0.5f).add(xv.mul(gauss).mul(INV_SQRT_2PI));
            d.fma(FloatVector.fromArray(S, dyd, dyo + i), FloatVector.fromArray(S, dxd, dxo + i)).intoArray(dxd, dxo + i);
        }
        for (; i < len; i++) dxd[dxo + i] = Math.fma(geluDerivative(xd[xi + i], g[i]), dyd[dyo + i], dxd[dxo + i]);
    }

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final int SIGN_BIT = 0x80000000;
    private static final float INV_SQRT2 = 0.70710678f, INV_SQRT_2PI = 0.39894228f;
    private static final float ERF_P = 0.3275911f, ERF_A1 = 0.254829592f, ERF_A2 = -0.284496736f, ERF_A3 = 1.421413741f,
            ERF_A4 = -1.453152027f, ERF_A5 = 1.061405429f;

    /**
     * Scalar GELU for vector tails, from g = e^(−x²/2) as {@link #gaussian} left it: the vector
     * body's operations in its order, so an element's value does not depend on where a range split.
     * The tails take g rather than recompute it: with the exp inlined in the tail too, C2 ran out of
     * inlining budget in the multi-task round and boxed the derivative's vector body.
     */
    private static float gelu(float x, float g) {
        return x * 0.5f * (erf(x, g) + 1f);
    }

    /** The scalar twin of the vector erf(x/√2) in {@link #geluFromGaussian} and {@link #addGeluDerivative}. */
    private static float erf(float x, float g) {
        float z = Math.abs(x * INV_SQRT2);
        float t = 1f / (z * ERF_P + 1f);
        float poly = ((((t * ERF_A5 + ERF_A4) * t + ERF_A3) * t + ERF_A2) * t + ERF_A1) * t;
        float erfAbs = -(poly * g) + 1f;
        // x's sign bit OR-ed in, exactly as the vector body (not copySign: erfAbs may be a tiny negative)
        return Float.intBitsToFloat(Float.floatToRawIntBits(erfAbs) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    /** Scalar twin of the vector derivative Φ(x) + x·φ(x), from g = e^(−x²/2). */
    private static float geluDerivative(float x, float g) {
        return (erf(x, g) + 1f) * 0.5f + x * g * INV_SQRT_2PI;
    }

    void unaryBackward(Tensor dX, UnaryOp op, Tensor x, Tensor y, Tensor dY, float p) {
        float[] dxd = dX.data(), xd = x.data(), dyd = dY.data();
        float[] yd = y == null ? null : y.data();
        int dxo = dX.offset(), xo = x.offset(), dyo = dY.offset(), yo = y == null ? 0 : y.offset();
        par.forRange(x.size(), ELEMENT_GRAIN, (part, from, to) -> {
            switch (op) {
                case RELU -> {
                    for (int i = from; i < to; i++) if (xd[xo + i] > 0) dxd[dxo + i] += dyd[dyo + i];
                }
                case SCALE -> {
                    for (int i = from; i < to; i++) dxd[dxo + i] += p * dyd[dyo + i];
                }
                case ADD_SCALAR -> {
                    for (int i = from; i < to; i++) dxd[dxo + i] += dyd[dyo + i];
                }
                case GELU -> geluBackward(dxd, dxo, xd, xo, dyd, dyo, from, to);
                default -> {
                    for (int i = from; i < to; i++) {
                        double yv = yd == null ? 0 : yd[yo + i];
                        dxd[dxo + i] += (float) (dyd[dyo + i] * op.df(xd[xo + i], yv, p));
                    }
                }
            }
        });
    }

    void binary(Tensor out, BinaryOp op, Tensor a, Tensor b, int mid, int inner, boolean accumulate) {
        float[] od = out.data(), ad = a.data(), bd = b.data();
        int oo = out.offset(), ao = a.offset(), bo = b.offset();
        int n = a.size();
        if (inner == 1 && mid == n) { // equal shapes
            par.forRange(n, ELEMENT_GRAIN, (part, from, to) -> binaryEqual(op, od, oo, ad, ao, bd, bo, from, to, accumulate));
            return;
        }
        if (inner == 1) { // last-dim vector: b repeats every `mid` elements (bias adds)
            int blocks = n / mid;
            par.forRange(blocks, Math.max(1, ELEMENT_GRAIN / mid), (part, from, to) -> {
                for (int o = from; o < to; o++) binaryEqual(op, od, oo + o * mid, ad, ao + o * mid, bd, bo, 0, mid, accumulate);
            });
            return;
        }
        // Broadcast: rows of `inner` elements share one value of b.
        int rows = n / inner;
        par.forRange(rows, Math.max(1, ELEMENT_GRAIN / inner), (part, from, to) -> {
            for (int r = from; r < to; r++) {
                float bv = bd[bo + r % mid];
                int base = r * inner;
                binaryScalarRow(op, od, oo + base, ad, ao + base, bv, inner, accumulate);
            }
        });
    }

    void binaryStrided(Tensor out, BinaryOp op, Tensor a, Tensor b, int[] dims, int[] strideA, int[] strideB,
                       boolean accumulate) {
        float[] od = out.data(), ad = a.data(), bd = b.data();
        int oo = out.offset(), ao = a.offset(), bo = b.offset();
        int rank = dims.length;
        if (rank == 0) { // every axis was 1: one element
            float r = op.apply(ad[ao], bd[bo]);
            od[oo] = accumulate ? od[oo] + r : r;
            return;
        }
        int inner = dims[rank - 1], ia = strideA[rank - 1], ib = strideB[rank - 1];
        int rows = out.size() / Math.max(inner, 1);
        if (inner == 0) return;
        par.forRange(rows, Math.max(1, ELEMENT_GRAIN / inner), (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int pa = ao, pb = bo, rem = r; // offsets of row r: odometer over the outer axes
                for (int d = rank - 2; d >= 0; d--) {
                    int i = rem % dims[d];
                    rem /= dims[d];
                    pa += i * strideA[d];
                    pb += i * strideB[d];
                }
                int po = oo + r * inner;
                if (ia == 1 && ib == 1) binaryEqual(op, od, po, ad, pa, bd, pb, 0, inner, accumulate);
                else if (ia == 1 && ib == 0) binaryScalarRow(op, od, po, ad, pa, bd[pb], inner, accumulate);
                else if (ia == 0 && ib == 1) binaryScalarRow(reversed(op), od, po, bd, pb, ad[pa], inner, accumulate);
                else stridedRow(op, od, po, ad, pa, ia, bd, pb, ib, inner, accumulate);
            }
        });
    }

    /** The op with its operands exchanged: a op b = b reversed(op) a. */
    private static BinaryOp reversed(BinaryOp op) {
        return switch (op) {
            case ADD, MUL -> op;
            case SUB -> BinaryOp.RSUB;
            case RSUB -> BinaryOp.SUB;
            case DIV -> BinaryOp.RDIV;
            case RDIV -> BinaryOp.DIV;
        };
    }

    /** Scalar reference for a row with arbitrary strides (both 0 after merging: a repeated pair). */
    private static void stridedRow(BinaryOp op, float[] od, int oo, float[] ad, int ao, int sa, float[] bd, int bo, int sb, int len,
                                   boolean acc) {
        for (int i = 0; i < len; i++) {
            float r = op.apply(ad[ao + i * sa], bd[bo + i * sb]);
            od[oo + i] = acc ? od[oo + i] + r : r;
        }
    }

    private static void binaryEqual(BinaryOp op, float[] od, int oo, float[] ad, int ao, float[] bd, int bo, int from, int to,
                                    boolean acc) {
        int i = from;
        if (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.RSUB) {
            for (; i <= to - L; i += L) {
                FloatVector va = FloatVector.fromArray(S, ad, ao + i), vb = FloatVector.fromArray(S, bd, bo + i);
                FloatVector r = switch (op) {
                    case ADD -> va.add(vb);
                    case SUB -> va.sub(vb);
                    case RSUB -> vb.sub(va);
                    default -> va.mul(vb);
                };
                if (acc) r = r.add(FloatVector.fromArray(S, od, oo + i));
                r.intoArray(od, oo + i);
            }
        }
        for (; i < to; i++) {
            float r = op.apply(ad[ao + i], bd[bo + i]);
            od[oo + i] = acc ? od[oo + i] + r : r;
        }
    }

    private static void binaryScalarRow(BinaryOp op, float[] od, int oo, float[] ad, int ao, float bv, int len, boolean acc) {
        int i = 0;
        if (op == BinaryOp.ADD || op == BinaryOp.MUL || op == BinaryOp.SUB) {
            for (; i <= len - L; i += L) {
                FloatVector va = FloatVector.fromArray(S, ad, ao + i);
                FloatVector r = op == BinaryOp.ADD ? va.add(bv) : op == BinaryOp.SUB ? va.sub(bv) : va.mul(bv);
                if (acc) r = r.add(FloatVector.fromArray(S, od, oo + i));
                r.intoArray(od, oo + i);
            }
        }
        for (; i < len; i++) {
            float r = op.apply(ad[ao + i], bv);
            od[oo + i] = acc ? od[oo + i] + r : r;
        }
    }

}

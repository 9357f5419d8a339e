package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp in float, as a vector function and a scalar twin that performs the same IEEE operations in
 * the same order, so an element's value does not depend on whether it fell in a vector body or a
 * scalar tail (hence not on where a thread's range starts), nor on whether the code ran
 * interpreted or compiled. The Vector API's own {@code lanewise(EXP)} is neither: compiled it
 * calls SVML, interpreted it calls {@code Math.exp} per lane, and the two differ in the last bit,
 * which made results depend on JIT timing and on the thread count.
 *
 * <p>Method (Cephes {@code expf}): x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln 2 / 2
 * (ln 2 split in two parts so that r is exact), e^r ≈ 1 + r + r²·P(r) with a degree-5 P, then
 * 2·2^(n−1) by building the exponent bits (2^n itself would overflow at n = 128). Relative
 * error ≈ 1 ulp. x is clamped to [−104, 89]: above, e^x rounds to +∞. NaN stays NaN.
 *
 * <p><b>No subnormal results</b>: where n ≤ −126 (x ≲ −87.0, e^x &lt; 2⁻¹²⁵·⁵) the result is +0,
 * never formed as a subnormal (IEEE would give values down to 1.4e−45). A subnormal operand or
 * result makes x86 multiplies and fmas take a microcode assist, ~100 cycles each: Swin's
 * shifted-window mask adds −100 to a score, so about half of a masked window's probabilities were
 * e^−100 ≈ 3.7e−44, and every product that read them crawled (with the mask, nano's first-stage
 * attention ran 12.4 ms forward and 23.3 ms backward; with the flush, 2.3 and 2.5). Next to the
 * terms ≥ e^−87 that a softmax row sums, the flushed ones are far below float resolution.
 */
final class VectorMath {
    private VectorMath() {}

    /** The machine's preferred width: the species of every vector loop in this package. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes in a vector of {@link #S}. */
    static final int L = S.length();

    private static final float X_MIN = -104f, X_MAX = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds to an integer held in the low mantissa bits (bit pattern 0x4B400000). */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    private static final float P0 = 5.0000001201e-1f, P1 = 1.6666665459e-1f, P2 = 4.1665795894e-2f,
            P3 = 8.3334519073e-3f, P4 = 1.3981999507e-3f, P5 = 1.9875691500e-4f;

    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI), V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO),
            V_P0 = FloatVector.broadcast(S, P0), V_P1 = FloatVector.broadcast(S, P1), V_P2 = FloatVector.broadcast(S, P2),
            V_P3 = FloatVector.broadcast(S, P3);

    static FloatVector exp(FloatVector x) {
        return expInRange(x.max(X_MIN).min(X_MAX));
    }

    /**
     * {@link #exp(FloatVector)} for x already in [−104, 89], where the clamp is the identity: a
     * Java-semantics vector max or min is five or six instructions on x86 (NaN and −0 handling).
     */
    static FloatVector expInRange(FloatVector x) {
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, x);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P5, P4).fma(r, V_P3).fma(r, V_P2).fma(r, V_P1).fma(r, V_P0);
        p = p.fma(r.mul(r), r).add(1f);
        // 2p · 2^(n−1): 2^(n−1) is a normal float for n in [−125, 128], so +∞ comes out right at
        // the top; for n ≤ −126 its exponent bits max(n + 126, 0) are 0, i.e. the factor is +0 and
        // the result +0 (never formed as a subnormal: that would take the same assist)
        FloatVector s = t.reinterpretAsInts().sub(ROUND_BITS - 126).max(0).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.add(p).mul(s);
    }

    /** The scalar twin of {@link #exp(FloatVector)}: bit-identical per element. */
    static float exp(float x) {
        return expInRange(Math.min(Math.max(x, X_MIN), X_MAX));
    }

    /** The scalar twin of {@link #expInRange(FloatVector)}. */
    static float expInRange(float x) {
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P5, P4), r, P3), r, P2), r, P1), r, P0);
        p = Math.fma(p, r * r, r) + 1f;
        int e = Math.max(Float.floatToRawIntBits(t) - (ROUND_BITS - 126), 0);
        return (p + p) * Float.intBitsToFloat(e << 23);
    }
}

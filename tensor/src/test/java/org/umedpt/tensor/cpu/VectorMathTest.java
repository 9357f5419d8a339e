package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorMath#exp}: within 2 ulp of {@code Math.exp} over the normal range, the vector and the
 * scalar form bit-identical, +∞ above ln(FLT_MAX), NaN for NaN, and never a subnormal result (flushed
 * to +0 below 2⁻¹²⁵·⁵: a subnormal makes the products that read it take a microcode assist).
 */
class VectorMathTest {
    private static final int L = VectorMath.L;

    /** exp of each x through the vector form (whole vectors) and the scalar form. */
    private static float[][] both(float[] x) {
        float[] v = new float[x.length], s = new float[x.length];
        for (int i = 0; i + L <= x.length; i += L) VectorMath.exp(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(v, i);
        for (int i = 0; i < x.length; i++) s[i] = VectorMath.exp(x[i]);
        return new float[][] {v, s};
    }

    private static float[] grid(float from, float to, int n) {
        float[] x = new float[n / L * L];
        for (int i = 0; i < x.length; i++) x[i] = from + (to - from) * i / (x.length - 1);
        return x;
    }

    @Test
    void closeToMathExpAcrossTheNormalRange() {
        float[] x = grid(-86.9f, 88.7f, 100_000); // below −86.99 (n ≤ −126) the result is flushed to +0
        float[][] r = both(x);
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            assertTrue(Math.abs(r[1][i] - want) <= 2 * Math.ulp((float) want), "exp(" + x[i] + ") = " + r[1][i] + ", want " + want);
            assertEquals(Float.floatToRawIntBits(r[1][i]), Float.floatToRawIntBits(r[0][i]), "vector vs scalar at " + x[i]);
        }
    }

    @Test
    void neverSubnormalZeroBelowInfinityAboveNanForNan() {
        float[] x = grid(-200f, -80f, 50_000);
        float[][] r = both(x);
        for (int i = 0; i < x.length; i++) {
            for (float[] y : r) {
                assertTrue(y[i] == 0f || y[i] >= Float.MIN_NORMAL, "exp(" + x[i] + ") = " + y[i] + " is subnormal");
                if (x[i] <= -87f) assertEquals(0f, y[i], "exp(" + x[i] + ")");
                if (x[i] >= -86.9f) assertTrue(y[i] > 0f, "exp(" + x[i] + ") flushed");
            }
            assertEquals(Float.floatToRawIntBits(r[1][i]), Float.floatToRawIntBits(r[0][i]), "vector vs scalar at " + x[i]);
        }
        float[] big = new float[L];
        java.util.Arrays.fill(big, 88.8f);
        big[0] = Float.NaN;
        big[1] = Float.POSITIVE_INFINITY;
        if (L > 2) big[2] = Float.NEGATIVE_INFINITY;
        float[][] b = both(big);
        for (float[] y : b) {
            assertTrue(Float.isNaN(y[0]), "exp(NaN)");
            assertEquals(Float.POSITIVE_INFINITY, y[1], "exp(+inf)");
            if (L > 2) assertEquals(0f, y[2], "exp(-inf)");
            for (int i = 3; i < L; i++) assertEquals(Float.POSITIVE_INFINITY, y[i], "exp(88.8)");
        }
    }
}

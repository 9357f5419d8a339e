package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * Vector loops over one contiguous run of floats, shared by several kernel families of
 * {@link CpuBackend}: d += s, d = s and Σ. Apart so that each family's file holds its own kernels,
 * and small so that C2 inlines them (DESIGN-NOTES "Vector API pitfalls").
 */
final class Runs {
    private Runs() {}

    /** d[di + i] += s[si + i] for i < len. */
    static void addRun(float[] d, int di, float[] s, int si, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(S, d, di + i).add(FloatVector.fromArray(S, s, si + i)).intoArray(d, di + i);
        }
        for (; i < len; i++) d[di + i] += s[si + i];
    }

    /** d[at + i] ·= v for i < len: the softmax's ·1/Σ, fused (window attention) and unfused alike. */
    static void scaleRun(float[] d, int at, int len, float v) {
        int i = 0;
        for (; i <= len - L; i += L) FloatVector.fromArray(S, d, at + i).mul(v).intoArray(d, at + i);
        for (; i < len; i++) d[at + i] *= v;
    }

    /**
     * d[di : di+len] = s[si : si+len]. Short runs (an attention head's 16 floats when heads are split
     * or merged) move as vectors: a System.arraycopy call costs more than the copy at that length.
     */
    static void moveRun(float[] d, int di, float[] s, int si, int len) {
        if (len >= 256) {
            System.arraycopy(s, si, d, di, len);
            return;
        }
        int i = 0;
        for (; i <= len - L; i += L) FloatVector.fromArray(S, s, si + i).intoArray(d, di + i);
        for (; i < len; i++) d[di + i] = s[si + i];
    }

    /** Σ of len floats, vector lanes accumulated in float then summed in double per call. */
    static double sum(float[] d, int at, int len) {
        int i = 0;
        double s = 0;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i <= len - L; i += L) acc = acc.add(FloatVector.fromArray(S, d, at + i));
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) s += d[at + i];
        return s;
    }
}

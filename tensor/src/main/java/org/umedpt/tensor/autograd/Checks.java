package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/** Argument validation shared by the ops: one place for the wording of shape errors. */
final class Checks {
    private Checks() {}

    static void alive(Tensor... ts) {
        for (Tensor t : ts) if (t != null) t.checkAlive();
    }

    static void rank(String op, String arg, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + arg + " must have rank " + rank + ", got " + t.describe());
        }
    }

    static void rankAtLeast(String op, String arg, Tensor t, int rank) {
        if (t.rank() < rank) {
            throw new IllegalArgumentException(op + ": " + arg + " must have rank >= " + rank + ", got " + t.describe());
        }
    }

    static void sameShape(String op, Tensor a, Tensor b) {
        if (!Shape.equal(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.describe() + " vs " + b.describe());
        }
    }

    static void size(String op, String arg, Tensor t, int size) {
        if (t.size() != size) {
            throw new IllegalArgumentException(op + ": " + arg + " must have " + size + " elements, got " + t.describe());
        }
    }

    static void noGrad(String op, String arg, Tensor t) {
        if (t != null && t.requiresGrad()) {
            throw new IllegalArgumentException(op + ": " + arg + " " + t.describe() + " requires grad, but " + op
                    + " does not differentiate with respect to it");
        }
    }

    /** Class indices stored as floats must be integral and in [0, classes) or equal to ignoreIndex. */
    static void classIndices(String op, Tensor t, int classes, int ignoreIndex) {
        float[] d = t.readOnlyData();
        for (int i = 0; i < t.size(); i++) {
            float v = d[t.offset() + i];
            int k = (int) v;
            if (k != v || ((k < 0 || k >= classes) && k != ignoreIndex)) {
                throw new IllegalArgumentException(op + ": target[" + i + "] = " + v + " is not a class index in [0, "
                        + classes + ")" + " or the ignore index " + ignoreIndex);
            }
        }
    }
}

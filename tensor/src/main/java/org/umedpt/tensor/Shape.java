package org.umedpt.tensor;

import java.util.Arrays;

/** Static helpers for shapes ({@code int[]}, row-major). Pure functions, no state. */
public final class Shape {
    private Shape() {}

    /** Number of elements; throws if a dimension is negative or the product overflows an int. */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("shape has a negative dimension: " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("shape too large for one tensor: " + str(shape));
            }
        }
        return (int) n;
    }

    /** {@code (2,3,8)} — the form used in every error message. */
    public static String str(int... shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** Product of dims [from, to). */
    public static int prod(int[] shape, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    /** Normalises a possibly negative axis, naming the op on error. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    public static boolean equal(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }

    public static int[] concat(int[] a, int... b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

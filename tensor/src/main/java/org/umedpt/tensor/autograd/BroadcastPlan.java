package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Shape;

import java.util.Arrays;

/**
 * NumPy broadcasting of two shapes, reduced to the fewest axes a kernel needs. Shapes are
 * right-aligned; an axis of size 1 (or a missing leading axis) repeats along the other operand's
 * size; the output has the larger rank. Output axes of size 1 are dropped, and adjacent axes on
 * which each operand is either present or repeated in the same way are merged, so that
 * (B, nW, heads=1, N, N) + (nW, 1, N, N) becomes (B, nW·N·N) + (nW·N·N): one repeated-vector loop.
 *
 * <p>{@code dims} are the merged output axes; {@code inA[i]} / {@code inB[i]} say whether the
 * operand has axis i (false: it repeats along it, stride 0). Not a view: tensors stay contiguous.
 */
record BroadcastPlan(int[] outShape, int[] dims, boolean[] inA, boolean[] inB) {

    static BroadcastPlan of(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        int[] dims = new int[rank];
        boolean[] inA = new boolean[rank], inB = new boolean[rank];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            int da = dimAligned(a, i, rank), db = dimAligned(b, i, rank);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": cannot broadcast " + Shape.str(a) + " with " + Shape.str(b)
                        + ": axis " + (i - rank) + " is " + da + " vs " + db + " (sizes must be equal or one of them 1)");
            }
            int d = Math.max(da, db);
            if (da == 0 || db == 0) d = 0;
            out[i] = d;
            if (d == 1) continue; // a size-1 output axis carries nothing
            boolean pa = da == d, pb = db == d;
            if (r > 0 && inA[r - 1] == pa && inB[r - 1] == pb) {
                dims[r - 1] *= d;
            } else {
                dims[r] = d;
                inA[r] = pa;
                inB[r] = pb;
                r++;
            }
        }
        return new BroadcastPlan(out, Arrays.copyOf(dims, r), Arrays.copyOf(inA, r), Arrays.copyOf(inB, r));
    }

    private static int dimAligned(int[] s, int i, int rank) {
        int j = i - (rank - s.length);
        return j < 0 ? 1 : s[j];
    }

    int rank() {
        return dims.length;
    }

    static boolean all(boolean[] in) {
        for (boolean p : in) if (!p) return false;
        return true;
    }

    /**
     * If the operand with presence {@code in} is one run of the merged axes (or a scalar), its
     * layout as (outer, mid, inner) over the output; else null. Merged presence alternates, so a
     * run is at most one axis.
     */
    int[] run(boolean[] in) {
        int present = -1;
        for (int i = 0; i < in.length; i++) {
            if (!in[i]) continue;
            if (present >= 0) return null;
            present = i;
        }
        if (present < 0) return new int[] {1, 1, Shape.size(outShape)};
        return new int[] {Shape.prod(dims, 0, present), dims[present], Shape.prod(dims, present + 1, dims.length)};
    }

    /** Element strides of the operand with presence {@code in} along the merged axes (0 where it repeats). */
    int[] strides(boolean[] in) {
        int[] s = new int[dims.length];
        int step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (in[i]) {
                s[i] = step;
                step *= dims[i];
            }
        }
        return s;
    }

    /** Strides of a contiguous tensor of the output's shape along the merged axes. */
    int[] fullStrides() {
        boolean[] all = new boolean[dims.length];
        Arrays.fill(all, true);
        return strides(all);
    }
}

package org.umedpt.kernels.launch;

/** Launchers of {@code layout.cu}: one thread per element. */
public final class LayoutKernels {
    private LayoutKernels() {}

    static final String FILE = "layout";
    public static final Kernel PERMUTE = new Kernel(FILE, "permute_forward", "pppii");
    public static final Kernel COPY_BLOCK = new Kernel(FILE, "copy_block", "ppiiiiiiii");
    public static final Kernel ROLL = new Kernel(FILE, "roll_forward", "ppiiiiiii");
    public static final Kernel INDEX_SELECT_ROWS = new Kernel(FILE, "index_select_rows", "pppii");
    public static final Kernel INDEX_ADD_ROWS = new Kernel(FILE, "index_add_rows", "pppii");
    public static final int MAX_RANK = 8;

    /**
     * The permute kernel's {@code dims} array: {@code [rank, outShape…, xStrideOfOutAxis…]}, to be
     * copied to the device. {@code shape} is x's shape; out axis i is x axis perm[i].
     */
    public static int[] permuteDims(int[] shape, int[] perm) {
        int rank = shape.length;
        if (rank > MAX_RANK) throw new IllegalArgumentException("permute: rank " + rank + " above " + MAX_RANK);
        int[] xStride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            xStride[i] = s;
            s *= shape[i];
        }
        int[] dims = new int[1 + 2 * rank];
        dims[0] = rank;
        for (int i = 0; i < rank; i++) {
            dims[1 + i] = shape[perm[i]];
            dims[1 + rank + i] = xStride[perm[i]];
        }
        return dims;
    }

    /** out (=|+=) x permuted; dims from {@link #permuteDims} (on the device), n = x's size. */
    public static void permute(Launcher l, long out, long x, long dims, int n, boolean accumulate) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(PERMUTE).ptr(out).ptr(x).ptr(dims).i(n).i(accumulate));
    }

    public static void copyBlock(Launcher l, long dst, int dstAxis, int dstStart, long src, int srcAxis, int srcStart, int outer, int len,
                                 int inner, boolean accumulate) {
        l.launch(LaunchConfig.elementwise((long) outer * len * inner), KernelArgs.of(COPY_BLOCK).ptr(dst).ptr(src).i(outer).i(len).i(inner)
                .i(dstAxis).i(dstStart).i(srcAxis).i(srcStart).i(accumulate));
    }

    /** Cyclic shift of (b, h, w, c); the shifts are reduced to [0, h) and [0, w) here. */
    public static void roll(Launcher l, long out, long x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate) {
        int sh = Math.floorMod(shiftH, Math.max(h, 1)), sw = Math.floorMod(shiftW, Math.max(w, 1));
        l.launch(LaunchConfig.elementwise((long) b * h * w * c),
                KernelArgs.of(ROLL).ptr(out).ptr(x).i(b).i(h).i(w).i(c).i(sh).i(sw).i(accumulate));
    }

    public static void indexSelectRows(Launcher l, long out, long table, long idx, int n, int cols) {
        l.launch(LaunchConfig.elementwise((long) n * cols), KernelArgs.of(INDEX_SELECT_ROWS).ptr(out).ptr(table).ptr(idx).i(n).i(cols));
    }

    public static void indexAddRows(Launcher l, long dTable, long idx, long dY, int n, int cols) {
        l.launch(LaunchConfig.elementwise((long) n * cols), KernelArgs.of(INDEX_ADD_ROWS).ptr(dTable).ptr(idx).ptr(dY).i(n).i(cols));
    }
}

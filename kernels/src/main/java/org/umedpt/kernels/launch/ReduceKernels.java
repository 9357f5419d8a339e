package org.umedpt.kernels.launch;

/** Launchers of {@code reduce.cu}. */
public final class ReduceKernels {
    private ReduceKernels() {}

    static final String FILE = "reduce";
    public static final Kernel SUM_ROWS = new Kernel(FILE, "sum_rows", "ppiif");
    public static final Kernel MAX_ROWS = new Kernel(FILE, "max_rows", "pppii");
    public static final Kernel REDUCE_TO_MID = new Kernel(FILE, "reduce_to_mid", "ppiiii");
    public static final Kernel GATHER_ROWS = new Kernel(FILE, "gather_rows", "pppiii");
    public static final Kernel SCATTER_ROWS = new Kernel(FILE, "scatter_rows", "pppiii");

    /** out[r] = scale·Σ_c x[r, c]. x (rows, cols), out (rows) */
    public static void sumRows(Launcher l, long out, long x, int rows, int cols, float scale) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(SUM_ROWS).ptr(out).ptr(x).i(rows).i(cols).f(scale));
    }

    public static void maxRows(Launcher l, long out, long argmax, long x, int rows, int cols) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(MAX_ROWS).ptr(out).ptr(argmax).ptr(x).i(rows).i(cols));
    }

    /** out[m] (=|+=) Σ x[o, m, i]: one block per m, threads over outer·inner. */
    public static void reduceToMid(Launcher l, long out, long x, int outer, int mid, int inner, boolean accumulate) {
        long work = (long) outer * inner;
        LaunchConfig c = LaunchConfig.rows(mid, (int) Math.min(work, Integer.MAX_VALUE));
        l.launch(c, KernelArgs.of(REDUCE_TO_MID).ptr(out).ptr(x).i(outer).i(mid).i(inner).i(accumulate));
    }

    public static void gatherRows(Launcher l, long out, long x, long idx, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.elementwise(rows), KernelArgs.of(GATHER_ROWS).ptr(out).ptr(x).ptr(idx).i(rows).i(cols).i(ignoreIndex));
    }

    public static void scatterRows(Launcher l, long dX, long idx, long dY, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.elementwise(rows), KernelArgs.of(SCATTER_ROWS).ptr(dX).ptr(idx).ptr(dY).i(rows).i(cols).i(ignoreIndex));
    }
}

package org.umedpt.kernels.launch;

/** Launchers of {@code layernorm.cu}. */
public final class LayerNormKernels {
    private LayerNormKernels() {}

    static final String FILE = "layernorm";
    public static final Kernel FORWARD = new Kernel(FILE, "layernorm_forward", "ppppppiif");
    public static final Kernel RESIDUAL_FORWARD = new Kernel(FILE, "layernorm_residual_forward", "ppppppppiif");
    public static final Kernel BACKWARD_DX = new Kernel(FILE, "layernorm_backward_dx", "ppppppii");
    public static final Kernel BACKWARD_DWDB = new Kernel(FILE, "layernorm_backward_dwdb", "ppppppii");
    /** Rows per block of backward_dwdb (the kernel's DWDB_ROWS) and the most row splits. */
    static final int DWDB_ROWS = 8, DWDB_MAX_SPLITS = 512;

    /** y = (x − mean)·rstd·w + b; mean, rstd (rows) saved. w, b may be 0 (no affine). */
    public static void forward(Launcher l, long y, long mean, long rstd, long x, long w, long b, int rows, int cols, float eps) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(FORWARD).ptr(y).ptr(mean).ptr(rstd).ptr(x).ptr(w).ptr(b).i(rows).i(cols).f(eps));
    }

    /**
     * sum = x + r (written), y = LayerNorm(sum) in one pass: Swin's residual add fused with the next
     * norm (the layerNormResidualForward primitive). w, b may be 0; the backward is {@link #backward} on sum.
     */
    public static void residualForward(Launcher l, long y, long sum, long mean, long rstd, long x, long r, long w, long b, int rows, int cols,
                                       float eps) {
        l.launch(LaunchConfig.rows(rows, cols),
                KernelArgs.of(RESIDUAL_FORWARD).ptr(y).ptr(sum).ptr(mean).ptr(rstd).ptr(x).ptr(r).ptr(w).ptr(b).i(rows).i(cols).f(eps));
    }

    /** dX, dW, dB += …; dX, dW, dB may be 0 when not needed; w may be 0. */
    public static void backward(Launcher l, long dX, long dW, long dB, long dY, long x, long mean, long rstd, long w, int rows, int cols) {
        if (dX != 0) {
            l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(BACKWARD_DX).ptr(dX).ptr(dY).ptr(x).ptr(mean).ptr(rstd).ptr(w).i(rows).i(cols));
        }
        if (dW != 0 || dB != 0) {
            l.launch(dwdbConfig(rows, cols), KernelArgs.of(BACKWARD_DWDB).ptr(dW).ptr(dB).ptr(dY).ptr(x).ptr(mean).ptr(rstd).i(rows).i(cols));
        }
    }

    /** Blocks (32, 8): x over 32-column strips, y over row splits of at least 64 rows each. */
    static LaunchConfig dwdbConfig(int rows, int cols) {
        int strips = (cols + 31) / 32;
        int splits = Math.max(1, Math.min(DWDB_MAX_SPLITS, rows / (8 * DWDB_ROWS)));
        return new LaunchConfig(strips, splits, 1, 32, DWDB_ROWS, 1, 0);
    }
}

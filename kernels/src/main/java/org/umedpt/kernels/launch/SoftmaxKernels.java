package org.umedpt.kernels.launch;

/** Launchers of {@code softmax.cu}: one block per row. */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    static final String FILE = "softmax";
    public static final Kernel FORWARD = new Kernel(FILE, "softmax_forward", "ppiii");
    public static final Kernel BACKWARD = new Kernel(FILE, "softmax_backward", "pppiii");

    /** y = softmax(x) (or log-softmax) per row. x, y (rows, cols) */
    public static void forward(Launcher l, long y, long x, int rows, int cols, boolean log) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(FORWARD).ptr(y).ptr(x).i(rows).i(cols).i(log));
    }

    /** dX += J(y)ᵀ·dY. */
    public static void backward(Launcher l, long dX, long y, long dY, int rows, int cols, boolean log) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(BACKWARD).ptr(dX).ptr(y).ptr(dY).i(rows).i(cols).i(log));
    }
}

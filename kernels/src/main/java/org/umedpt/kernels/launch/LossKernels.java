package org.umedpt.kernels.launch;

/**
 * Launchers of {@code loss.cu}: fused softmax cross-entropy. Not a Backend primitive yet (the CPU
 * composes log-softmax and a row gather); ready for a fused loss op.
 */
public final class LossKernels {
    private LossKernels() {}

    static final String FILE = "loss";
    public static final Kernel CROSS_ENTROPY_FORWARD = new Kernel(FILE, "cross_entropy_forward", "pppiii");
    public static final Kernel CROSS_ENTROPY_BACKWARD = new Kernel(FILE, "cross_entropy_backward", "ppppiii");

    /** loss (rows) = logsumexp(x[r]) − x[r, t_r]; 0 where ignored. x (rows, cols), targets (rows) */
    public static void crossEntropyForward(Launcher l, long loss, long x, long targets, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(CROSS_ENTROPY_FORWARD).ptr(loss).ptr(x).ptr(targets).i(rows).i(cols).i(ignoreIndex));
    }

    /** dX (rows, cols) += dLoss[r]·(softmax(x[r]) − onehot(t_r)). */
    public static void crossEntropyBackward(Launcher l, long dX, long x, long targets, long dLoss, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.rows(rows, cols),
                KernelArgs.of(CROSS_ENTROPY_BACKWARD).ptr(dX).ptr(x).ptr(targets).ptr(dLoss).i(rows).i(cols).i(ignoreIndex));
    }
}

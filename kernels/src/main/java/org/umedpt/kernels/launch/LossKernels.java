package org.umedpt.kernels.launch;

/**
 * Launchers of {@code loss.cu}: fused softmax cross-entropy and sigmoid focal loss (BCE-with-logits
 * as its γ = 0, α &lt; 0 case). Not Backend primitives yet (the CPU composes them); ready for fused
 * loss ops.
 */
public final class LossKernels {
    private LossKernels() {}

    static final String FILE = "loss";
    public static final Kernel CROSS_ENTROPY_FORWARD = new Kernel(FILE, "cross_entropy_forward", "pppiii");
    public static final Kernel CROSS_ENTROPY_BACKWARD = new Kernel(FILE, "cross_entropy_backward", "ppppiii");
    public static final Kernel FOCAL_FORWARD = new Kernel(FILE, "sigmoid_focal_forward", "pppiff");
    public static final Kernel FOCAL_BACKWARD = new Kernel(FILE, "sigmoid_focal_backward", "ppppiff");

    /** loss (rows) = logsumexp(x[r]) − x[r, t_r]; 0 where ignored. x (rows, cols), targets (rows) */
    public static void crossEntropyForward(Launcher l, long loss, long x, long targets, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.rows(rows, cols), KernelArgs.of(CROSS_ENTROPY_FORWARD).ptr(loss).ptr(x).ptr(targets).i(rows).i(cols).i(ignoreIndex));
    }

    /** dX (rows, cols) += dLoss[r]·(softmax(x[r]) − onehot(t_r)). */
    public static void crossEntropyBackward(Launcher l, long dX, long x, long targets, long dLoss, int rows, int cols, int ignoreIndex) {
        l.launch(LaunchConfig.rows(rows, cols),
                KernelArgs.of(CROSS_ENTROPY_BACKWARD).ptr(dX).ptr(x).ptr(targets).ptr(dLoss).i(rows).i(cols).i(ignoreIndex));
    }

    /** loss (n) = α_t·(1 − p_t)^γ·bce(x, t) elementwise; alpha &lt; 0 disables α_t; γ = 0, α &lt; 0 is BCE-with-logits. */
    public static void sigmoidFocalForward(Launcher l, long loss, long x, long targets, int n, float alpha, float gamma) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(FOCAL_FORWARD).ptr(loss).ptr(x).ptr(targets).i(n).f(alpha).f(gamma));
    }

    /** dX (n) += dLoss·∂loss/∂x. */
    public static void sigmoidFocalBackward(Launcher l, long dX, long x, long targets, long dLoss, int n, float alpha, float gamma) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(FOCAL_BACKWARD).ptr(dX).ptr(x).ptr(targets).ptr(dLoss).i(n).f(alpha).f(gamma));
    }
}

package org.umedpt.kernels.launch;

/** Launchers of {@code resize.cu}: one thread per output element. */
public final class ResizeKernels {
    private ResizeKernels() {}

    static final String FILE = "resize";
    public static final Kernel FORWARD = new Kernel(FILE, "resize_forward", "ppiiiiii");
    public static final Kernel BACKWARD = new Kernel(FILE, "resize_backward", "ppiiiiii");

    /** y (planes, oh, ow) from x (planes, h, w), bilinear or nearest. */
    public static void forward(Launcher l, long y, long x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        l.launch(LaunchConfig.elementwise((long) planes * oh * ow),
                KernelArgs.of(FORWARD).ptr(y).ptr(x).i(planes).i(h).i(w).i(oh).i(ow).i(bilinear));
    }

    /** dX (planes, h, w) += the adjoint of the resize applied to dY. */
    public static void backward(Launcher l, long dX, long dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        l.launch(LaunchConfig.elementwise((long) planes * oh * ow),
                KernelArgs.of(BACKWARD).ptr(dX).ptr(dY).i(planes).i(h).i(w).i(oh).i(ow).i(bilinear));
    }
}

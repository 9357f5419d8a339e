package org.umedpt.kernels.launch;

import org.umedpt.tensor.ConvGeometry;

/** Launchers of {@code pool.cu}: one thread per output (forward) or input cell (backward). */
public final class PoolKernels {
    private PoolKernels() {}

    static final String FILE = "pool";
    public static final Kernel MAX_FORWARD = new Kernel(FILE, "maxpool_forward", "pppiiiiiiiii");
    public static final Kernel MAX_BACKWARD = new Kernel(FILE, "maxpool_backward", "pppiiiiiiiii");
    public static final Kernel AVG_FORWARD = new Kernel(FILE, "avgpool_forward", "ppiiiiiiiiii");
    public static final Kernel AVG_BACKWARD = new Kernel(FILE, "avgpool_backward", "ppiiiiiiiiii");

    private static KernelArgs geometry(KernelArgs a, ConvGeometry g) {
        return a.i(g.n() * g.c()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.oh()).i(g.ow());
    }

    private static long outputs(ConvGeometry g) {
        return (long) g.n() * g.c() * g.oh() * g.ow();
    }

    private static long inputs(ConvGeometry g) {
        return (long) g.n() * g.c() * g.h() * g.w();
    }

    /** y, argmax (n, c, oh, ow) from x (n, c, h, w). */
    public static void maxForward(Launcher l, long y, long argmax, long x, ConvGeometry g) {
        l.launch(LaunchConfig.elementwise(outputs(g)), geometry(KernelArgs.of(MAX_FORWARD).ptr(y).ptr(argmax).ptr(x), g));
    }

    /** dX += dY routed to each window's argmax. */
    public static void maxBackward(Launcher l, long dX, long argmax, long dY, ConvGeometry g) {
        l.launch(LaunchConfig.elementwise(inputs(g)), geometry(KernelArgs.of(MAX_BACKWARD).ptr(dX).ptr(argmax).ptr(dY), g));
    }

    public static void avgForward(Launcher l, long y, long x, ConvGeometry g, boolean countIncludePad) {
        l.launch(LaunchConfig.elementwise(outputs(g)), geometry(KernelArgs.of(AVG_FORWARD).ptr(y).ptr(x), g).i(countIncludePad));
    }

    public static void avgBackward(Launcher l, long dX, long dY, ConvGeometry g, boolean countIncludePad) {
        l.launch(LaunchConfig.elementwise(inputs(g)), geometry(KernelArgs.of(AVG_BACKWARD).ptr(dX).ptr(dY), g).i(countIncludePad));
    }
}

package org.umedpt.kernels.launch;

/**
 * Launchers of {@code window.cu}: Swin's window partition and reverse fused with the cyclic shift
 * and the padding to window multiples (the {@code windowPartition} / {@code windowReverse}
 * primitives).
 */
public final class WindowKernels {
    private WindowKernels() {}

    static final String FILE = "window";
    public static final Kernel PARTITION = new Kernel(FILE, "window_partition", "ppiiiiiiiiii");
    public static final Kernel REVERSE = new Kernel(FILE, "window_reverse", "ppiiiiiiiiii");

    /** out (b·(hp/win)·(wp/win), win², c) (=|+=) x (b, h, w, c) zero padded to (hp, wp), shifted by (−shiftH, −shiftW). */
    public static void partition(Launcher l, long out, long x, int b, int h, int w, int c, int win, int shiftH, int shiftW, int hp, int wp,
                                 boolean accumulate) {
        l.launch(LaunchConfig.elementwise((long) b * hp * wp * c),
                KernelArgs.of(PARTITION).ptr(out).ptr(x).i(b).i(h).i(w).i(c).i(win).i(shiftH).i(shiftW).i(hp).i(wp).i(accumulate));
    }

    /** x (b, h, w, c) (=|+=) the windows put back, shifted by (+shiftH, +shiftW), padding cropped. */
    public static void reverse(Launcher l, long x, long windows, int b, int h, int w, int c, int win, int shiftH, int shiftW, int hp, int wp,
                               boolean accumulate) {
        l.launch(LaunchConfig.elementwise((long) b * h * w * c),
                KernelArgs.of(REVERSE).ptr(x).ptr(windows).i(b).i(h).i(w).i(c).i(win).i(shiftH).i(shiftW).i(hp).i(wp).i(accumulate));
    }
}

package org.umedpt.kernels.launch;

/**
 * Launchers of {@code window.cu}: Swin's window partition and reverse fused with the cyclic shift
 * and padding. Not a Backend primitive yet (the CPU composes pad, roll and permute); ready for the
 * fused Swin block.
 */
public final class WindowKernels {
    private WindowKernels() {}

    static final String FILE = "window";
    public static final Kernel PARTITION = new Kernel(FILE, "window_partition", "ppiiiiiiii");
    public static final Kernel REVERSE = new Kernel(FILE, "window_reverse", "ppiiiiiiiii");

    static int padded(int size, int win) {
        return (size + win - 1) / win * win;
    }

    /** out (b·(hp/win)·(wp/win), win², c) from x (b, h, w, c), shifted by −shift, zero padded. */
    public static void partition(Launcher l, long out, long x, int b, int h, int w, int c, int win, int shift) {
        int hp = padded(h, win), wp = padded(w, win);
        l.launch(LaunchConfig.elementwise((long) b * hp * wp * c),
                KernelArgs.of(PARTITION).ptr(out).ptr(x).i(b).i(h).i(w).i(c).i(win).i(shift).i(hp).i(wp));
    }

    /** x (b, h, w, c) (=|+=) the windows put back, shifted by +shift, padding cropped. */
    public static void reverse(Launcher l, long x, long windows, int b, int h, int w, int c, int win, int shift, boolean accumulate) {
        int hp = padded(h, win), wp = padded(w, win);
        l.launch(LaunchConfig.elementwise((long) b * h * w * c),
                KernelArgs.of(REVERSE).ptr(x).ptr(windows).i(b).i(h).i(w).i(c).i(win).i(shift).i(hp).i(wp).i(accumulate));
    }
}

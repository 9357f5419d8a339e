package org.umedpt.kernels.launch;

import org.umedpt.tensor.ConvGeometry;

/** Launchers of {@code im2col.cu}. */
public final class Im2colKernels {
    private Im2colKernels() {}

    static final String FILE = "im2col";
    public static final Kernel IM2COL = new Kernel(FILE, "im2col", "ppiiiiiiiiiiii");
    public static final Kernel COL2IM = new Kernel(FILE, "col2im", "ppiiiiiiiiiiii");

    /** cols[:, colOffset …] (c·kh·kw rows of ld columns) from x (n, c, h, w). */
    public static void im2col(Launcher l, long cols, long x, ConvGeometry g, int ld, int colOffset) {
        long total = (long) g.patchSize() * g.n() * g.oh() * g.ow();
        l.launch(LaunchConfig.elementwise(total), geometry(KernelArgs.of(IM2COL).ptr(cols).ptr(x), g).i(ld).i(colOffset));
    }

    /** dX (n, c, h, w) += col2im(dCols[:, colOffset …]). */
    public static void col2im(Launcher l, long dX, long dCols, ConvGeometry g, int ld, int colOffset) {
        long total = (long) g.n() * g.c() * g.h() * g.w();
        l.launch(LaunchConfig.elementwise(total), geometry(KernelArgs.of(COL2IM).ptr(dX).ptr(dCols), g).i(ld).i(colOffset));
    }

    private static KernelArgs geometry(KernelArgs a, ConvGeometry g) {
        return a.i(g.n()).i(g.c()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.oh()).i(g.ow());
    }
}

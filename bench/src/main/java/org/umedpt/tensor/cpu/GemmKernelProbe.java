package org.umedpt.tensor.cpu;

/**
 * A GEMM register-tile kernel alone, in GFLOP/s (best of 8 rounds): its A panel fixed (in L1), its
 * B panels cycled, so that B sits in L1 (one panel) or streams from L2 or beyond (many). The kernel
 * numbers in DESIGN-NOTES ("The stationary-A order") and bench/RESULTS.md ran this:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:-TieredCompilation -XX:ObjectAlignmentInBytes=64 -XX:+UseSerialGC \
 *      -cp bench/target/benchmarks.jar org.umedpt.tensor.cpu.GemmKernelProbe rows8x3|rows14x2 KC PANELS
 * </pre>
 *
 * e.g. {@code rows14x2 512 16}: 16 panels of 512 × 32 floats, 1 MiB of B. AVX-512 only (the 14×2L
 * kernel needs 32 vector registers).
 */
public final class GemmKernelProbe {
    private GemmKernelProbe() {}

    public static void main(String[] args) {
        if (args.length != 3 || !(args[0].equals("rows8x3") || args[0].equals("rows14x2"))) {
            System.err.println("usage: GemmKernelProbe rows8x3|rows14x2 KC PANELS");
            System.exit(2);
        }
        boolean wide = args[0].equals("rows14x2");
        int kc = Integer.parseInt(args[1]), panels = Integer.parseInt(args[2]);
        if (kc < 1 || kc > Gemm.A_ROW || panels < 1) throw new IllegalArgumentException("KC in [1, " + Gemm.A_ROW + "], PANELS >= 1");
        int rows = wide ? Gemm.MS : Gemm.MR, width = wide ? Gemm.NS : Gemm.NR;
        float[] bp = new float[Gemm.B_BASE + panels * width * kc];
        float[] ap = new float[rows * Gemm.A_ROW];
        for (int i = 0; i < bp.length; i++) bp[i] = (i % 7) * 0.01f;
        for (int i = 0; i < ap.length; i++) ap[i] = (i % 5) * 0.01f;
        float[] tile = new Gemm.Workspace().tile;
        long calls = 40_000_000L / kc;
        double best = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                int bi = Gemm.B_BASE + (int) (i % panels) * width * kc;
                if (wide) Gemm.kernelRows14x2(kc, ap, 0, bp, bi, tile);
                else Gemm.kernelRows8x3(kc, ap, 0, bp, bi, tile);
            }
            best = Math.max(best, 2.0 * rows * width * kc * calls / (System.nanoTime() - t0));
        }
        System.out.printf("%s kc=%d panels=%d (B %d KiB): %.1f GFLOP/s (tile[0] %.3f)%n", args[0], kc, panels,
                (long) panels * width * kc * 4 / 1024, best, tile[0]);
    }
}

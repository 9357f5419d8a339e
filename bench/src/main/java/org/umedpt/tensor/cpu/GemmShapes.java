package org.umedpt.tensor.cpu;

import java.util.Arrays;
import java.util.Random;

/**
 * GFLOP/s of {@link Gemm#gemm} on given shapes, one fresh JVM, shapes in the order given (the median
 * of 5–200 calls after as many warm-up calls). In the tensor package to call the GEMM without the
 * backend; the A/B numbers in bench/RESULTS.md ran this against the classes of two commits:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:-TieredCompilation -XX:ObjectAlignmentInBytes=64 -XX:+UseSerialGC \
 *      -cp bench/target/benchmarks.jar org.umedpt.tensor.cpu.GemmShapes THREADS MxNxK[xA][xB] ...
 * </pre>
 *
 * A shape's suffix transposes A (stored (k, m)) and/or B (stored (n, k)).
 */
public final class GemmShapes {
    private GemmShapes() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: GemmShapes THREADS MxNxK[xA][xB] ...   e.g. GemmShapes 1 1024x1024x1024 384x96x25088xA");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]);
        Parallel par = threads > 1 ? new Parallel(threads) : null;
        Gemm.Workspace[] ws = new Gemm.Workspace[threads];
        for (int i = 0; i < threads; i++) ws[i] = new Gemm.Workspace();
        StringBuilder out = new StringBuilder();
        for (int s = 1; s < args.length; s++) {
            String[] f = args[s].split("x");
            int m = Integer.parseInt(f[0]), n = Integer.parseInt(f[1]), k = Integer.parseInt(f[2]);
            String flags = f.length > 3 ? f[3] : "";
            boolean tA = flags.contains("A"), tB = flags.contains("B");
            Random r = new Random(1);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
            double flop = 2.0 * m * n * k;
            int reps = (int) Math.max(5, Math.min(200, 2e10 / flop));
            double[] t = new double[reps];
            for (int i = 0; i < reps; i++) Gemm.gemm(par, ws, 0, a, 0, tA, b, 0, tB, c, 0, m, n, k, 1f, 0f);
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                Gemm.gemm(par, ws, 0, a, 0, tA, b, 0, tB, c, 0, m, n, k, 1f, 0f);
                t[i] = System.nanoTime() - t0;
            }
            Arrays.sort(t);
            out.append(String.format("%s %.1f  ", args[s], flop / t[reps / 2]));
        }
        System.out.println(out.toString().trim());
        System.exit(0); // the worker team's threads
    }
}

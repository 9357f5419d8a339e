package org.umedpt.multitask.cli;

import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code umedpt bench gemm}: a quick GFLOP/s table of the CPU backend's GEMM on square sizes and
 * Swin's attention shapes. It is a sanity check for a user's machine (and catches the JIT stall
 * described in the README); the careful numbers come from JMH ({@code bench/target/benchmarks.jar}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Quick performance check of the compute backend (what: gemm).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "gemm", description = "What to measure: gemm (default).")
    String what;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--sizes", split = ",", defaultValue = "256,512,1024,2048", description = "Square sizes n (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--seconds", defaultValue = "1.0", description = "Measuring time per point, after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        if (!what.equals("gemm")) {
            System.err.println("umedpt bench: unknown benchmark '" + what + "'; available: gemm");
            return 2;
        }
        for (int t : threads) {
            if (t < 1) {
                System.err.println("umedpt bench: --threads must be >= 1, got " + t);
                return 2;
            }
        }
        System.out.println("| op | shape | threads | ms/op | GFLOP/s |");
        System.out.println("|---|---|---:|---:|---:|");
        boolean stalled = false;
        for (int t : threads) {
            try (CpuBackend cpu = new CpuBackend(t)) {
                for (int n : sizes) {
                    stalled |= point(cpu, "mm", n + "³", 1, n, n, n, false);
                }
                stalled |= point(cpu, "bmm", "256×(49×32)·(32×49)ᵀ", 256, 49, 49, 32, true);
                stalled |= point(cpu, "bmm", "256×(49×49)·(49×32)", 256, 49, 32, 49, false);
            }
        }
        if (stalled) {
            System.out.println("WARNING: some points ran below 5 GFLOP/s: the JIT may be stuck at a low tier. "
                    + "Run through ./umedpt (it passes -XX:-TieredCompilation) and check nothing else loads the CPU.");
        }
        return 0;
    }

    /** Times one product shape; returns true when it looks JIT-stalled. */
    private boolean point(CpuBackend cpu, String op, String label, int batch, int m, int n, int k, boolean transB) {
        Rng r = new Rng(1);
        Tensor a = Tensor.normal(r, 0, 1, batch, m, k);
        Tensor b = Tensor.normal(r, 0, 1, batch, transB ? n : k, transB ? k : n);
        Tensor c = Tensor.zeros(batch, m, n);
        Runnable run = () -> cpu.gemm(c, a, b, batch, m, n, k, false, transB, 1f, 0f, (long) m * k, (long) k * n, (long) m * n);
        long warmEnd = System.nanoTime() + (long) (0.5e9 * seconds);
        do run.run(); while (System.nanoTime() < warmEnd);
        double[] times = new double[64];
        int reps = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (reps < times.length && (reps < 3 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            run.run();
            times[reps++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] sorted = Arrays.copyOf(times, reps);
        Arrays.sort(sorted);
        double ms = sorted[reps / 2];
        double gflops = 2.0 * batch * m * n * k / (ms * 1e6);
        System.out.printf("| %s | %s | %d | %.3f | %.1f |%n", op, label, cpu.threads(), ms, gflops);
        return gflops < 5;
    }
}

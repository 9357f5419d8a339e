package org.umedpt.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * fp32 GEMM of the CPU backend: C(n,n) = A(n,n)·B(n,n) for n in 256…2048, and Swin's batched
 * window products (256 windows of 49 tokens, head dim 32): QKᵀ and scores·V.
 *
 * <p>Run {@code java -jar bench/target/benchmarks.jar GemmBench} for JMH's own table, or
 * {@code java --add-modules jdk.incubator.vector -XX:-TieredCompilation -cp bench/target/benchmarks.jar
 * org.umedpt.bench.GemmBench} for a GFLOP/s table (peer: {@code bench/peers/torch_mm.py}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-XX:ObjectAlignmentInBytes=64", "-Xmx4g"})
public class GemmBench {
    /** Square size, or one of Swin's attention products: attn_qk = 256 × (49×32)·(32×49)ᵀ, attn_av = 256 × (49×49)·(49×32). */
    @Param({"256", "512", "1024", "2048", "attn_qk", "attn_av"})
    public String n;

    @Param({"1", "2"})
    public int threads;

    private CpuBackend cpu;
    private Tensor a, b, c;
    private int batch, m, nn, k;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        cpu = new CpuBackend(threads);
        Rng r = new Rng(42);
        switch (n) {
            case "attn_qk" -> { batch = 256; m = 49; nn = 49; k = 32; transB = true; }   // K stored (49, 32)
            case "attn_av" -> { batch = 256; m = 49; nn = 32; k = 49; transB = false; }
            default -> { batch = 1; m = nn = k = Integer.parseInt(n); transB = false; }
        }
        a = Tensor.normal(r, 0, 1, batch, m, k);
        b = Tensor.normal(r, 0, 1, batch, transB ? nn : k, transB ? k : nn);
        c = Tensor.zeros(batch, m, nn);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public Tensor gemm() {
        cpu.gemm(c, a, b, batch, m, nn, k, false, transB, 1f, 0f, (long) m * k, (long) k * nn, (long) m * nn);
        return c;
    }

    /** FLOPs of one call for a value of {@link #n}. */
    static double flops(String n) {
        return switch (n) {
            case "attn_qk" -> 2.0 * 256 * 49 * 49 * 32;
            case "attn_av" -> 2.0 * 256 * 49 * 32 * 49;
            default -> 2.0 * Math.pow(Integer.parseInt(n), 3);
        };
    }

    /** Runs the benchmarks and prints GFLOP/s; fails loudly if a point looks JIT-stalled. */
    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder o = new OptionsBuilder().include(GemmBench.class.getName() + ".*");
        if (quick) o = o.warmupIterations(2).measurementIterations(3).param("n", "512", "1024", "attn_qk");
        Collection<RunResult> results = new Runner(o.build()).run();
        System.out.println();
        System.out.println("| n | threads | ms/op | GFLOP/s |");
        System.out.println("|---|---:|---:|---:|");
        for (RunResult rr : results) {
            var p = rr.getParams();
            double ms = rr.getPrimaryResult().getScore();
            String n = p.getParam("n");
            double gflops = flops(n) / (ms * 1e6);
            System.out.printf("| %s | %s | %.3f | %.1f |%n", n, p.getParam("threads"), ms, gflops);
            if (gflops < 5) {
                System.out.println("WARNING: n=" + n + " ran at " + String.format("%.1f", gflops)
                        + " GFLOP/s, ~10x below expectations: JIT stall? (check -XX:-TieredCompilation)");
            }
        }
    }
}

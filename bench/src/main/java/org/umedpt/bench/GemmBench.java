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
 * fp32 GEMM of the CPU backend. {@code square}: C(n,n) = A(n,n)·B(n,n) for n in 256…2048.
 * {@code attention}: Swin's batched window products at nano/tiny scale, 256 windows of
 * (49×32)·(32×49) (QKᵀ) and (49×49)·(49×32) (scores·V), chosen by {@code shape}.
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
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-Xmx4g"})
public class GemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private CpuBackend cpu;
    private Tensor a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        cpu = new CpuBackend(threads);
        Rng r = new Rng(42);
        a = Tensor.normal(r, 0, 1, n, n);
        b = Tensor.normal(r, 0, 1, n, n);
        c = Tensor.zeros(n, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public Tensor square() {
        cpu.gemm(c, a, b, 1, n, n, n, false, false, 1f, 0f, 0, 0, 0);
        return c;
    }

    /** Swin window attention products: 256 windows of 49 tokens, head dim 32. */
    @State(Scope.Benchmark)
    public static class Attention {
        @Param({"qk", "av"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        CpuBackend cpu;
        Tensor a, b, c;
        int m, nn, k;
        boolean transB;

        @Setup(Level.Trial)
        public void setUp() {
            cpu = new CpuBackend(threads);
            Rng r = new Rng(7);
            boolean qk = shape.equals("qk");
            m = 49;
            nn = qk ? 49 : 32;
            k = qk ? 32 : 49;
            transB = qk; // QKᵀ: K stored (49, 32)
            a = Tensor.normal(r, 0, 1, 256, m, k);
            b = Tensor.normal(r, 0, 1, 256, qk ? nn : k, qk ? k : nn);
            c = Tensor.zeros(256, m, nn);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cpu.close();
        }
    }

    @Benchmark
    public Tensor attention(Attention s) {
        s.cpu.gemm(s.c, s.a, s.b, 256, s.m, s.nn, s.k, false, s.transB, 1f, 0f, (long) s.m * s.k, (long) s.k * s.nn, (long) s.m * s.nn);
        return s.c;
    }

    /** Runs the benchmarks and prints GFLOP/s; fails loudly if a point looks JIT-stalled. */
    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder o = new OptionsBuilder().include(GemmBench.class.getName() + ".*");
        if (quick) o = o.warmupIterations(2).measurementIterations(3).param("n", "512", "1024");
        Collection<RunResult> results = new Runner(o.build()).run();
        System.out.println();
        System.out.println("| benchmark | shape | threads | ms/op | GFLOP/s |");
        System.out.println("|---|---|---:|---:|---:|");
        for (RunResult rr : results) {
            var p = rr.getParams();
            double ms = rr.getPrimaryResult().getScore();
            String bench = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            double flops;
            String shape;
            if (bench.equals("square")) {
                int n = Integer.parseInt(p.getParam("n"));
                flops = 2.0 * n * n * n;
                shape = n + "³";
            } else {
                flops = 2.0 * 256 * 49 * 49 * (p.getParam("shape").equals("qk") ? 32 : 49) * (p.getParam("shape").equals("qk") ? 1 : 32.0 / 49);
                shape = p.getParam("shape").equals("qk") ? "256×(49×32)·(32×49)" : "256×(49×49)·(49×32)";
            }
            double gflops = flops / (ms * 1e6);
            System.out.printf("| %s | %s | %s | %.3f | %.1f |%n", bench, shape, p.getParam("threads"), ms, gflops);
            if (gflops < 5) {
                System.out.println("WARNING: " + bench + " " + shape + " ran at " + String.format("%.1f", gflops)
                        + " GFLOP/s, ~10x below expectations: JIT stall? (check -XX:-TieredCompilation)");
            }
        }
    }
}

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
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The multi-task model's 3×3 stride-1 convolutions at batch 8, forward + backward (input, weight and
 * bias gradients), as the op runs them: the CPU backend's band kernels up to 64 output channels,
 * Winograd beyond. Shapes: the pixel decoder at 7…56 px, the segmentation head, the FPN output and
 * FCOS tower convs (the tower over the five pyramid levels 14, 7, 4, 2, 1 in one call), the
 * centerness head. Peer: {@code bench/peers/torch_conv.py} (oneDNN), same shapes.
 *
 * <p>Run {@code java -jar bench/target/benchmarks.jar ConvBench}, or for a table with GFLOP/s
 * {@code java --add-modules jdk.incubator.vector -XX:-TieredCompilation -XX:ObjectAlignmentInBytes=64
 * -cp bench/target/benchmarks.jar org.umedpt.bench.ConvBench [--quick]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-XX:ObjectAlignmentInBytes=64", "-Xmx4g"})
public class ConvBench {
    /** "cin_cout_sizes": input and output channels, map sizes (several: one call over a pyramid). */
    @Param({"576_96_7", "192_64_14", "112_32_28", "32_16_56", "16_16_56", "16_2_56", "128_128_14", "128_128_14.7.4.2.1",
            "128_1_14.7.4.2.1"})
    public String shape;

    @Param({"1"})
    public int threads;

    static final int BATCH = 8;

    private CpuBackend cpu;
    private Arena arena;
    private List<Tensor> xs;
    private Tensor w, b;
    private Tensor[] upstream;

    @Setup(Level.Trial)
    public void setUp() {
        cpu = new CpuBackend(threads);
        arena = new Arena();
        Rng r = new Rng(42);
        int[] s = parse(shape);
        xs = new ArrayList<>();
        upstream = new Tensor[s.length - 2];
        for (int l = 2; l < s.length; l++) {
            xs.add(Tensor.normal(r, 0, 1, BATCH, s[0], s[l], s[l]).requiresGrad(true));
            upstream[l - 2] = Tensor.normal(r, 0, 1, BATCH, s[1], s[l], s[l]);
        }
        w = Tensor.normal(r, 0, 0.05f, s[1], s[0], 3, 3).requiresGrad(true);
        b = Tensor.zeros(s[1]).requiresGrad(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    /** One forward and backward; the parameter and input gradients accumulate (their values do not matter here). */
    @Benchmark
    public float forwardBackward() {
        try (Graph g = new Graph(cpu, arena)) {
            List<Tensor> ys = Ops.conv2dShared(g, xs, w, b, 1, 1);
            Tensor loss = null;
            for (int l = 0; l < ys.size(); l++) {
                Tensor term = Ops.sum(g, Ops.mul(g, ys.get(l), upstream[l]));
                loss = loss == null ? term : Ops.add(g, loss, term);
            }
            g.backward(loss);
            return loss.item();
        }
    }

    static int[] parse(String shape) {
        String[] p = shape.split("_");
        String[] sizes = p[2].split("\\.");
        int[] out = new int[2 + sizes.length];
        out[0] = Integer.parseInt(p[0]);
        out[1] = Integer.parseInt(p[1]);
        for (int i = 0; i < sizes.length; i++) out[2 + i] = Integer.parseInt(sizes[i]);
        return out;
    }

    /** FLOPs of forward + backward (three products of the same size) at batch {@link #BATCH}. */
    static double flops(String shape) {
        int[] s = parse(shape);
        double positions = 0;
        for (int l = 2; l < s.length; l++) positions += (double) BATCH * s[l] * s[l];
        return 3 * 2.0 * s[0] * s[1] * 9 * positions;
    }

    /** Runs the benchmarks and prints a table with GFLOP/s (of the direct convolution's FLOPs). */
    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder o = new OptionsBuilder().include(ConvBench.class.getName() + ".*");
        if (quick) o = o.warmupIterations(2).measurementIterations(3);
        Collection<RunResult> results = new Runner(o.build()).run();
        System.out.println();
        System.out.println("| shape (cin_cout_sizes) | threads | ms fwd+bwd | GFLOP/s |");
        System.out.println("|---|---:|---:|---:|");
        for (RunResult rr : results) {
            var p = rr.getParams();
            double ms = rr.getPrimaryResult().getScore();
            System.out.printf("| %s | %s | %.3f | %.1f |%n", p.getParam("shape"), p.getParam("threads"), ms, flops(p.getParam("shape")) / (ms * 1e6));
        }
    }
}

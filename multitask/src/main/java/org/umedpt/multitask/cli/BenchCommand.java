package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.train.MultiTaskTrainer;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.swin.SwinOutput;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;
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
        description = {"Quick performance checks.",
                "gemm: GFLOP/s of the CPU GEMM on square sizes and Swin's attention shapes.",
                "swin: training-step throughput (forward, cross-entropy, backward) of a Swin encoder with a 1000-class head.",
                "multitask: throughput of a multi-task round (one classification, segmentation and detection task)."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "gemm", description = "What to measure: gemm (default), swin or multitask.")
    String what;

    @Option(names = "--config", split = ",", defaultValue = "nano",
            description = "swin: config names (default: ${DEFAULT-VALUE}); nano runs at 112 px, the others at 224.")
    List<String> configs;

    @Option(names = "--batch", defaultValue = "8", description = "swin: images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "5", description = "swin: timed steps after 2 warm-up steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--stochastic-depth", description = "swin: override the config's stochastic depth probability.")
    Float stochasticDepth;

    @Option(names = "--device", defaultValue = "cpu", description = "swin, multitask: cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--sizes", split = ",", defaultValue = "256,512,1024,2048", description = "Square sizes n (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--seconds", defaultValue = "1.0", description = "Measuring time per point, after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        for (int t : threads) {
            if (t < 1) throw new InputException("--threads must be >= 1, got " + t);
        }
        return switch (what) {
            case "gemm" -> gemm();
            case "swin" -> swin();
            case "multitask" -> multitask();
            default -> throw new InputException("unknown benchmark '" + what + "'; available: gemm, swin, multitask");
        };
    }

    private int swin() {
        if (batch < 1 || steps < 1) throw new InputException("--batch and --steps must be >= 1");
        System.out.println("| config | px | batch | threads | ms/step | img/s | arena peak MiB | RSS peak MiB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String name : configs) {
            SwinConfig cfg = InputException.reading("--config " + name, () -> SwinConfig.named(name)).withClasses(1000);
            if (stochasticDepth != null) cfg = cfg.withStochasticDepth(stochasticDepth);
            int px = name.equals("nano") ? 112 : 224;
            for (int t : threads) {
                try (Backend cpu = InputException.reading("--device " + device, () -> BackendProvider.open(device, t))) {
                    Rng rng = new Rng(1);
                    SwinEncoder enc = new SwinEncoder(cfg, rng);
                    Tensor x = Tensor.normal(rng, 0, 1, batch, 3, px, px);
                    float[] labels = new float[batch];
                    for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(1000);
                    Arena arena = new Arena();
                    double[] ms = new double[steps];
                    for (int s = -2; s < steps; s++) {
                        long t0 = System.nanoTime();
                        try (Graph g = new Graph(cpu, arena)) {
                            SwinOutput out = enc.forward(g, x, rng);
                            g.backward(Ops.crossEntropy(g, out.logits(), g.of(labels, batch)));
                        }
                        enc.zeroGrad();
                        if (s >= 0) ms[s] = (System.nanoTime() - t0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double med = ms[steps / 2];
                    System.out.printf("| %s | %d | %d | %d | %.0f | %.2f | %.0f | %.0f |%n", name, px, batch, t, med, batch * 1000 / med,
                            arena.highWaterBytes() / 1048576.0, peakRssMiB());
                }
            }
        }
        return 0;
    }

    @Option(names = "--mode", defaultValue = "accumulate", description = "multitask: accumulate or naive (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--tasks", defaultValue = "3", description = "multitask: 1 = classification only, 2 = + segmentation, "
            + "3 = + detection (default: ${DEFAULT-VALUE}); as the PyTorch peer's --tasks.")
    int taskCount;

    /**
     * nano at 112 px, one task of each type (cells-count, cells-seg, cells-det), batch per task
     * {@code --batch}; img/s counts every task's images. Mirrors bench/peers/torch_multitask.py.
     */
    private int multitask() {
        MultiTaskTrainer.Mode m;
        try {
            m = MultiTaskTrainer.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("--mode must be accumulate or naive, got '" + mode + "'");
        }
        if (taskCount < 1 || taskCount > 3) throw new InputException("--tasks must be 1, 2 or 3, got " + taskCount);
        System.out.println("| config | tasks | mode | batch/task | threads | ms/step | img/s | arena peak MiB | RSS peak MiB | arena reserved MiB |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int t : threads) {
            try (Backend cpu = InputException.reading("--device " + device, () -> BackendProvider.open(device, t))) {
                SwinConfig cfg = SwinConfig.named("nano").withStochasticDepth(0f);
                Rng init = new Rng(1);
                SharedBlocks shared = new SharedBlocks(cfg, init);
                List<Task> tasks = new java.util.ArrayList<>();
                for (String name : java.util.Arrays.copyOf(new String[] {"cells-count", "cells-seg", "cells-det"}, taskCount)) {
                    SyntheticTasks.Spec s = SyntheticTasks.spec(name);
                    tasks.add(new Task(name, s.type(), s.classes(), SyntheticTasks.dataset(name, 112, 64, 1), batch, 1f, cfg.numFeatures(), init));
                }
                MultiTaskTrainer trainer = new MultiTaskTrainer(cpu, shared, tasks, MultiTaskTrainer.Options.defaults(100).with(m));
                double[] ms = new double[steps];
                for (int s = -2; s < steps; s++) {
                    long t0 = System.nanoTime();
                    trainer.step();
                    if (s >= 0) ms[s] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(ms);
                double med = ms[steps / 2];
                System.out.printf("| nano | %d | %s | %d | %d | %.0f | %.2f | %.0f | %.0f | %.0f |%n", taskCount, mode, batch, t, med,
                        taskCount * batch * 1000 / med,
                        trainer.arena().highWaterBytes() / 1048576.0, peakRssMiB(), trainer.arena().reservedBytes() / 1048576.0);
            }
        }
        return 0;
    }

    /** VmHWM of this process from /proc (Linux); NaN elsewhere. */
    static double peakRssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private int gemm() {
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

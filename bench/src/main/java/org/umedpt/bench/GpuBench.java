package org.umedpt.bench;

import org.umedpt.kernels.CudaBackend;
import org.umedpt.kernels.CudaUnavailableException;
import org.umedpt.kernels.DeviceMemory;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.train.MultiTaskTrainer;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;
import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The GPU benchmark of {@code kernels/gpu-check.sh}: multi-task rounds (accumulate mode; task i
 * has type i mod 3: classification, segmentation, detection) on a backend chosen by name, then the
 * memory for several task counts. Prints markdown rows:
 * <pre>
 * | device | config | px | tasks | batch/task | rounds | ms/round | img/s | host arena peak MiB | device reserved MiB | device used MiB | MiB up/round | MiB down/round |
 * </pre>
 * Arguments ({@code --name value}): device (cuda), config (nano), px (112), batch (8), tasks (3),
 * steps (3), warmup (1), memory-tasks (empty: skip; e.g. 1,2,4,8,16), max-seconds (300: stop
 * timing when exceeded, reporting the rounds done).
 *
 * <p>"device reserved" is what the CUDA backend's memory holds (the mirrored graph arena, the
 * parameters, gradients, optimizer state, batches, cached tables); "device used" is cuMemGetInfo's
 * total − free (that plus cuBLAS's workspace and the CUDA context). The traffic columns are the
 * host↔device copies per timed round: the batches going up and the losses coming down, if tensors
 * stay resident.
 */
public final class GpuBench {
    private GpuBench() {}

    static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--" + name)) return args[i + 1];
        return dflt;
    }

    static final String[] CYCLE = {"cells-count", "cells-seg", "cells-det"};

    public static void main(String[] args) {
        String device = arg(args, "device", "cuda");
        String config = arg(args, "config", "nano");
        SwinConfig cfg = SwinConfig.named(config).withStochasticDepth(0f);
        int px = Integer.parseInt(arg(args, "px", "112"));
        int batch = Integer.parseInt(arg(args, "batch", "8"));
        int tasks = Integer.parseInt(arg(args, "tasks", "3"));
        int steps = Integer.parseInt(arg(args, "steps", "3"));
        int warmup = Integer.parseInt(arg(args, "warmup", "1"));
        double maxSeconds = Double.parseDouble(arg(args, "max-seconds", "300"));
        String memoryTasks = arg(args, "memory-tasks", "");
        System.out.println("| device | config | px | tasks | batch/task | rounds | ms/round | img/s | host arena peak MiB "
                + "| device reserved MiB | device used MiB | MiB up/round | MiB down/round |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try {
            point(device, config, cfg, px, batch, tasks, steps, warmup, maxSeconds);
            if (!memoryTasks.isEmpty()) {
                for (String n : memoryTasks.split(",")) point(device, config, cfg, px, batch, Integer.parseInt(n.trim()), 1, 1, maxSeconds);
            }
        } catch (CudaUnavailableException e) {
            System.out.println("GpuBench: " + e.getMessage());
            System.exit(3);
        }
    }

    static void point(String device, String config, SwinConfig cfg, int px, int batch, int n, int steps, int warmup, double maxSeconds) {
        try (Backend backend = BackendProvider.open(device, Runtime.getRuntime().availableProcessors())) {
            Rng init = new Rng(1);
            SharedBlocks shared = new SharedBlocks(cfg, init);
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = CYCLE[i % 3];
                SyntheticTasks.Spec s = SyntheticTasks.spec(name);
                tasks.add(new Task(name + "#" + i, s.type(), s.classes(), SyntheticTasks.dataset(name, px, Math.max(64, batch), i), batch, 1f,
                        cfg.numFeatures(), init));
            }
            MultiTaskTrainer trainer = new MultiTaskTrainer(backend, shared, tasks, MultiTaskTrainer.Options.defaults(100));
            long start = System.nanoTime();
            for (int w = 0; w < warmup; w++) {
                long t0 = System.nanoTime();
                trainer.step();
                // progress on stderr, so that a round cut short by a time limit still leaves a number
                System.err.printf("GpuBench: %s tasks=%d warm-up round %d: %.0f ms%n", device, n, w + 1, (System.nanoTime() - t0) / 1e6);
            }
            double[] ms = new double[steps];
            int done = 0;
            DeviceMemory.Stats before = backend instanceof CudaBackend c ? c.memoryStats() : null;
            while (done < steps && (System.nanoTime() - start) / 1e9 < maxSeconds) {
                long t0 = System.nanoTime();
                trainer.step();
                ms[done++] = (System.nanoTime() - t0) / 1e6;
                System.err.printf("GpuBench: %s tasks=%d round %d: %.0f ms%n", device, n, done, ms[done - 1]);
            }
            double med = Double.NaN;
            if (done > 0) {
                double[] d = Arrays.copyOf(ms, done);
                Arrays.sort(d);
                med = d[done / 2];
            }
            double reserved = Double.NaN, used = Double.NaN, up = Double.NaN, down = Double.NaN;
            if (backend instanceof CudaBackend c) {
                DeviceMemory.Stats after = c.memoryStats();
                reserved = after.reservedBytes() / 1048576.0;
                used = (after.deviceTotalBytes() - after.deviceFreeBytes()) / 1048576.0;
                up = (after.uploadedBytes() - before.uploadedBytes()) / 1048576.0 / Math.max(1, done);
                down = (after.downloadedBytes() - before.downloadedBytes()) / 1048576.0 / Math.max(1, done);
            }
            System.out.printf("| %s | %s | %d | %d | %d | %d | %.0f | %.2f | %.0f | %.0f | %.0f | %.2f | %.2f |%n", device, config, px, n, batch, done,
                    med, n * batch * 1000 / med, trainer.arena().highWaterBytes() / 1048576.0, reserved, used, up, down);
        }
    }
}

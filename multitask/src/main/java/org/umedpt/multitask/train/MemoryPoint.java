package org.umedpt.multitask.train;

import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One point of the memory profile, meant to run in a fresh JVM: N synthetic tasks (task i has type
 * i mod 3: classification, segmentation, detection), a few training rounds in one mode, then the
 * memory figures on one line of stdout:
 * {@code RESULT mode=… tasks=… arena_peak_bytes=… param_bytes=… grad_bytes=… optim_bytes=… rss_peak_bytes=…}.
 */
public final class MemoryPoint {
    private MemoryPoint() {}

    /** The task names by type, cycled: classification, segmentation, detection. */
    static final String[] CYCLE = {"cells-count", "cells-seg", "cells-det"};

    public record Result(String mode, int tasks, long arenaPeak, long params, long grads, long optim, long rssPeak) {
        public String line() {
            return "RESULT mode=" + mode + " tasks=" + tasks + " arena_peak_bytes=" + arenaPeak + " param_bytes=" + params
                    + " grad_bytes=" + grads + " optim_bytes=" + optim + " rss_peak_bytes=" + rssPeak;
        }
    }

    public static Result measure(SwinConfig cfg, MultiTaskTrainer.Mode mode, int n, int size, int batch, int steps, int threads) {
        try (CpuBackend cpu = new CpuBackend(threads)) {
            Rng init = new Rng(1);
            SharedBlocks shared = new SharedBlocks(cfg, init);
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = CYCLE[i % 3];
                SyntheticTasks.Spec s = SyntheticTasks.spec(name);
                tasks.add(new Task(name + "#" + i, s.type(), s.classes(), SyntheticTasks.dataset(name, size, 64, i), batch, 1f,
                        cfg.numFeatures(), init));
            }
            MultiTaskTrainer t = new MultiTaskTrainer(cpu, shared, tasks, MultiTaskTrainer.Options.defaults(100).with(mode));
            for (int s = 0; s < steps; s++) t.step();
            long params = 0, grads = 0;
            List<Tensor> all = new ArrayList<>(shared.parameters());
            for (Task task : tasks) all.addAll(task.head.parameters());
            for (Tensor p : all) {
                params += 4L * p.size();
                if (p.grad() != null) grads += 4L * p.grad().size();
            }
            return new Result(mode.name().toLowerCase(), n, t.arena().highWaterBytes(), params, grads, 2 * params, rssPeak());
        }
    }

    /** VmHWM from /proc/self/status (Linux), −1 elsewhere. */
    static long rssPeak() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** args: config mode tasks size batch steps threads */
    public static void main(String[] args) {
        if (args.length != 7) {
            System.err.println("usage: MemoryPoint CONFIG MODE TASKS SIZE BATCH STEPS THREADS");
            System.exit(2);
        }
        Result r = measure(SwinConfig.parse(args[0]), MultiTaskTrainer.Mode.valueOf(args[1].toUpperCase()), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        System.out.println(r.line());
    }
}

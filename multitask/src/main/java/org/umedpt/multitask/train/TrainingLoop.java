package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.task.Task;
import org.umedpt.tensor.Backend;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a trainer for a number of rounds with what a user sees: one {@code key=value} line per task
 * and round on {@code out} ({@code step=120 task=cells-seg loss=0.4312 lr=3.0e-04 ms=81}), a
 * parseable metrics file (CSV: step,task,key,value — losses every round, evaluation metrics every
 * {@code evalEvery} rounds on each task's held-out set) and an atomic checkpoint every
 * {@code checkpointEvery} rounds.
 */
public final class TrainingLoop {
    private TrainingLoop() {}

    public record Plan(int rounds, int evalEvery, Map<String, Dataset> heldOut, Path metricsFile, Path checkpoint, int checkpointEvery) {}

    public static void run(Backend backend, MultiTaskTrainer trainer, Plan plan, PrintStream out) {
        try (Writer metrics = plan.metricsFile() == null ? Writer.nullWriter()
                : Files.newBufferedWriter(plan.metricsFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (plan.metricsFile() != null && Files.size(plan.metricsFile()) == 0) metrics.write("step,task,key,value\n");
            for (int r = 0; r < plan.rounds(); r++) {
                long t0 = System.nanoTime();
                long step = trainer.stepsDone();
                float lr = trainer.lr();
                Map<String, Float> losses = trainer.step();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                for (var e : losses.entrySet()) {
                    out.printf(Locale.ROOT, "step=%d task=%s loss=%.4f lr=%.1e ms=%d%n", step, e.getKey(), e.getValue(), lr, ms);
                    metrics.write(String.format(Locale.ROOT, "%d,%s,loss,%.6f%n", step, e.getKey(), e.getValue()));
                }
                boolean last = r == plan.rounds() - 1;
                if (plan.evalEvery() > 0 && ((step + 1) % plan.evalEvery() == 0 || last)) {
                    for (Task t : trainer.tasks()) {
                        Dataset d = plan.heldOut() == null ? null : plan.heldOut().get(t.name);
                        if (d == null) continue;
                        Map<String, Double> m = Evaluator.evaluate(backend, trainer.shared(), t, d, 32);
                        StringBuilder line = new StringBuilder("eval step=" + step + " task=" + t.name);
                        for (var kv : m.entrySet()) {
                            line.append(String.format(Locale.ROOT, " %s=%.4f", kv.getKey(), kv.getValue()));
                            metrics.write(String.format(Locale.ROOT, "%d,%s,%s,%.6f%n", step, t.name, kv.getKey(), kv.getValue()));
                        }
                        out.println(line);
                    }
                }
                metrics.flush();
                if (plan.checkpoint() != null && plan.checkpointEvery() > 0 && ((step + 1) % plan.checkpointEvery() == 0 || last)) {
                    trainer.save(plan.checkpoint());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics " + plan.metricsFile() + ": " + e.getMessage(), e);
        }
    }
}

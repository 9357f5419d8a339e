package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short multi-task run on the synthetic tasks (a small Swin, 200 rounds of four tasks — two
 * classification and one segmentation at 48 px, detection at 64 px: tasks of one run may differ in
 * size — under a minute on 2 cores) lowers every task's loss and reaches, on held-out samples,
 * accuracy ≥ 0.9, foreground Dice ≥ 0.7 and detection AP@0.5 ≥ 0.5.
 */
class LearningTest {
    @Test
    void shortRunLearnsEveryTask() {
        SwinConfig cfg = new SwinConfig(1, 4, 24, new int[] {2, 2, 2}, new int[] {2, 4, 8}, 4, 2f, 0, 0f);
        int steps = 200;
        try (CpuBackend cpu = new CpuBackend(2)) {
            Rng init = new Rng(1);
            SharedBlocks shared = new SharedBlocks(cfg, init);
            List<Task> tasks = new ArrayList<>();
            for (String n : new String[] {"histo-tissue", "xray-lesion", "cells-seg", "cells-det"}) {
                SyntheticTasks.Spec s = SyntheticTasks.spec(n);
                int px = s.type() == TaskType.DETECTION ? 64 : 48;
                tasks.add(new Task(n, s.type(), s.classes(), SyntheticTasks.dataset(n, px, 512, 1), 8, 1f, cfg.numFeatures(), init));
            }
            MultiTaskTrainer trainer = new MultiTaskTrainer(cpu, shared, tasks,
                    new MultiTaskTrainer.Options(MultiTaskTrainer.Mode.ACCUMULATE, 1e-3f, 3e-3f, 1e-2f, 1.0, 10, steps, 0));
            Map<String, double[]> firstLast = new LinkedHashMap<>();
            for (int s = 0; s < steps; s++) {
                int k = s;
                trainer.step().forEach((name, loss) -> {
                    double[] fl = firstLast.computeIfAbsent(name, x -> new double[2]);
                    if (k < 20) fl[0] += loss / 20;
                    if (k >= steps - 20) fl[1] += loss / 20;
                });
            }
            StringBuilder report = new StringBuilder();
            for (Task t : tasks) {
                double[] fl = firstLast.get(t.name);
                Map<String, Double> m = Evaluator.evaluate(cpu, shared, t, SyntheticTasks.dataset(t.name, t.data.height(), 128, 99), 32);
                report.append(t.name).append(": loss ").append(String.format("%.3f -> %.3f ", fl[0], fl[1])).append(m).append('\n');
                System.out.print("LearningTest " + report.substring(report.lastIndexOf(t.name))); // the measured values, in the CI log
                assertTrue(fl[1] < fl[0], t.name + " loss did not fall:\n" + report);
                switch (t.type) {
                    case SEGMENTATION -> assertTrue(m.get("dice") >= 0.7, "Dice below 0.7:\n" + report);
                    case DETECTION -> assertTrue(m.get("ap50") >= 0.5, "AP@0.5 below 0.5:\n" + report);
                    default -> assertTrue(m.get("accuracy") >= 0.9, "accuracy below 0.9:\n" + report);
                }
            }
        }
    }
}

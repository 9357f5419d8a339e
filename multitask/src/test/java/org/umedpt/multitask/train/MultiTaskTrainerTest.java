package org.umedpt.multitask.train;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradient-accumulation loop against the naive one-graph loop, and its flat memory. */
class MultiTaskTrainerTest {
    static CpuBackend cpu;
    static final SwinConfig CFG = new SwinConfig(1, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 2f, 0, 0f);
    /** Task i has type i mod 3: classification, segmentation, detection (as the memory harness). */
    static final String[] NAMES = {"cells-count", "cells-seg", "cells-det", "xray-lesion", "xray-lesion-seg", "cells-det",
            "histo-tissue", "cells-seg", "cells-det"};

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    /** n tasks cycling over classification, segmentation and detection, each with its own head. */
    static List<Task> tasks(int n, Rng rng) {
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = NAMES[i % NAMES.length];
            SyntheticTasks.Spec spec = SyntheticTasks.spec(name);
            Dataset d = SyntheticTasks.dataset(name, 32, 16, i);
            out.add(new Task(name + "#" + i, spec.type(), spec.classes(), d, 2, 1f + 0.25f * i, CFG.numFeatures(), rng));
        }
        return out;
    }

    @Test
    void accumulatedGradientsEqualTheNaiveSum() {
        Rng init = new Rng(1);
        SharedBlocks shared = new SharedBlocks(CFG, init);
        List<Task> tasks = tasks(6, init);
        List<List<Sample>> batches = new ArrayList<>();
        for (Task t : tasks) batches.add(new TaskSampler(t.data, 3).next(t.batchSize));

        MultiTaskTrainer.Options o = MultiTaskTrainer.Options.defaults(10);
        Map<String, Float> la = new MultiTaskTrainer(cpu, shared, tasks, o).backward(batches);
        Map<String, float[]> acc = grads(shared, tasks, true);
        Map<String, Float> ln = new MultiTaskTrainer(cpu, shared, tasks, o.with(MultiTaskTrainer.Mode.NAIVE)).backward(batches);
        Map<String, float[]> naive = grads(shared, tasks, true);

        assertEquals(la.keySet(), ln.keySet());
        la.forEach((k, v) -> assertEquals(v, ln.get(k), 1e-6 * Math.abs(v), "loss of " + k));
        int checked = 0;
        for (var e : naive.entrySet()) {
            float[] a = acc.get(e.getKey()), b = e.getValue();
            double maxB = 0, maxD = 0;
            for (int i = 0; i < b.length; i++) {
                maxB = Math.max(maxB, Math.abs(b[i]));
                maxD = Math.max(maxD, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxD <= 1e-5 * maxB + 1e-12, e.getKey() + ": max|acc − naive| = " + maxD + " vs max|naive| " + maxB);
            checked++;
        }
        assertTrue(checked > 50, "checked " + checked + " shared and head tensors");
    }

    /** Copies and clears every gradient (shared blocks and heads). */
    private static Map<String, float[]> grads(SharedBlocks shared, List<Task> tasks, boolean clear) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        shared.namedParameters().forEach((k, t) -> out.put(k, take(t, clear)));
        for (Task task : tasks) task.head.namedParameters().forEach((k, t) -> out.put(task.name + "." + k, take(t, clear)));
        return out;
    }

    private static float[] take(Tensor t, boolean clear) {
        assertNotNull(t.grad(), "no gradient reached a parameter");
        float[] g = t.grad().toArray();
        if (clear) t.setGrad(null);
        return g;
    }

    private static long peak(MultiTaskTrainer.Mode mode, int n) {
        Rng init = new Rng(2);
        SharedBlocks shared = new SharedBlocks(CFG, init);
        MultiTaskTrainer t = new MultiTaskTrainer(cpu, shared, tasks(n, init), MultiTaskTrainer.Options.defaults(10).with(mode));
        t.step();
        return t.arena().highWaterBytes();
    }

    @Test
    void accumulateMemoryIsFlatInTheNumberOfTasksAndNaiveGrows() {
        long a4 = peak(MultiTaskTrainer.Mode.ACCUMULATE, 4), a16 = peak(MultiTaskTrainer.Mode.ACCUMULATE, 16);
        assertTrue(a16 <= 1.05 * a4, "accumulate: 16 tasks " + a16 + " B vs 4 tasks " + a4 + " B");
        long n4 = peak(MultiTaskTrainer.Mode.NAIVE, 4), n16 = peak(MultiTaskTrainer.Mode.NAIVE, 16);
        assertTrue(n16 >= 3 * n4, "naive: 16 tasks " + n16 + " B vs 4 tasks " + n4 + " B");
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingTaskAndStep() {
        Rng init = new Rng(3);
        SharedBlocks shared = new SharedBlocks(CFG, init);
        List<Task> ts = tasks(2, init);
        for (Tensor p : ts.get(1).head.parameters()) p.data()[0] = Float.NaN;
        MultiTaskTrainer t = new MultiTaskTrainer(cpu, shared, ts, MultiTaskTrainer.Options.defaults(10));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::step);
        assertTrue(e.getMessage().contains("cells-seg#1") && e.getMessage().contains("step 0"), e.getMessage());
    }
}

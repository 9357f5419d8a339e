package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Train 2k rounds vs k rounds + checkpoint + a fresh trainer resuming + k rounds: identical parameters. */
class ResumeTest {
    @TempDir
    Path dir;

    record Run(SharedBlocks shared, List<Task> tasks, MultiTaskTrainer trainer) {}

    private static Run fresh(CpuBackend cpu, long seed) {
        Rng init = new Rng(seed);
        SharedBlocks shared = new SharedBlocks(MultiTaskTrainerTest.CFG.withStochasticDepth(0.2f), init);
        List<Task> tasks = MultiTaskTrainerTest.tasks(3, init);
        MultiTaskTrainer.Options o = new MultiTaskTrainer.Options(MultiTaskTrainer.Mode.ACCUMULATE, 1e-3f, 1e-3f, 1e-2f, 1.0, 2, 12, 5);
        return new Run(shared, tasks, new MultiTaskTrainer(cpu, shared, tasks, o));
    }

    private static Map<String, float[]> params(Run r) {
        Map<String, float[]> m = new LinkedHashMap<>();
        r.shared().namedParameters().forEach((k, t) -> m.put(k, t.toArray()));
        for (Task t : r.tasks()) t.head.namedParameters().forEach((k, v) -> m.put(t.name + "." + k, v.toArray()));
        return m;
    }

    @Test
    void resumingContinuesExactlyAsAnUninterruptedRun() {
        int k = 4; // the task datasets hold 16 samples at batch 2: resuming crosses an epoch boundary
        try (CpuBackend cpu = new CpuBackend(1)) {
            Run warm = fresh(cpu, 9); // compile the hot code first: interpreted and compiled vector exp differ in the last bit
            for (int i = 0; i < 6; i++) warm.trainer().step();

            Run a = fresh(cpu, 1);
            for (int i = 0; i < 2 * k; i++) a.trainer().step();

            Run b = fresh(cpu, 1);
            for (int i = 0; i < k; i++) b.trainer().step();
            Path ckpt = dir.resolve("run.safetensors");
            b.trainer().save(ckpt);
            Run c = fresh(cpu, 77); // different initial weights: everything must come from the checkpoint
            c.trainer().load(ckpt);
            assertEquals(k, c.trainer().stepsDone());
            for (int i = 0; i < k; i++) c.trainer().step();

            Map<String, float[]> pa = params(a), pc = params(c);
            assertEquals(pa.keySet(), pc.keySet());
            for (String name : pa.keySet()) {
                float[] x = pa.get(name), y = pc.get(name);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), name + "[" + i + "]: " + x[i] + " vs " + y[i]);
                }
            }
        }
    }
}

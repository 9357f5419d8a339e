package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.cpu.CpuBackend;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingLoopTest {
    @TempDir
    Path dir;

    @Test
    void logsSampledTasksEvaluatesAndCheckpoints() throws Exception {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Rng init = new Rng(4);
            SharedBlocks shared = new SharedBlocks(MultiTaskTrainerTest.CFG, init);
            List<Task> tasks = MultiTaskTrainerTest.tasks(3, init);
            MultiTaskTrainer trainer = new MultiTaskTrainer(cpu, shared, tasks, MultiTaskTrainer.Options.defaults(10).withTasksPerRound(2));
            Map<String, Dataset> heldOut = new LinkedHashMap<>();
            for (Task t : tasks) heldOut.put(t.name, SyntheticTasks.dataset(t.name.substring(0, t.name.indexOf('#')), 32, 4, 99));
            Path metrics = dir.resolve("metrics.csv"), ckpt = dir.resolve("ckpt.safetensors");
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            TrainingLoop.run(cpu, trainer, new TrainingLoop.Plan(3, 2, heldOut, metrics, ckpt, 2), new PrintStream(buf, true, StandardCharsets.UTF_8));
            String out = buf.toString(StandardCharsets.UTF_8);
            long stepLines = out.lines().filter(l -> l.startsWith("step=")).count();
            assertEquals(6, stepLines, "2 sampled tasks × 3 rounds:\n" + out);
            assertTrue(out.lines().filter(l -> l.startsWith("step=")).allMatch(l -> l.matches("step=\\d+ task=\\S+ loss=\\d+\\.\\d{4} lr=\\S+ ms=\\d+")), out);
            assertTrue(out.contains("eval step=1 task=") && out.contains("eval step=2 task="), out);
            List<String> csv = Files.readAllLines(metrics);
            assertEquals("step,task,key,value", csv.get(0));
            assertTrue(csv.stream().anyMatch(l -> l.contains(",ap50,")) && csv.stream().anyMatch(l -> l.contains(",dice,")), csv.toString());
            assertTrue(Files.size(ckpt) > 0);
            assertEquals(3, trainer.stepsDone());
        }
    }
}

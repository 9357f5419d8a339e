package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reproducibility: the same seed gives the same parameters, bit for bit, for any thread count, in
 * a fresh process (code still interpreted) as in a warm one, and across a checkpoint and resume.
 * Three cells (cls, seg, det tasks), stochastic depth on, AdamW with warm-up and clipping.
 */
class ResumeTest {
    static final int K = 4; // the task datasets hold 16 samples at batch 2: resuming crosses an epoch boundary

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

    private static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            float[] x = expected.get(name), y = actual.get(name);
            assertEquals(x.length, y.length, what + " " + name);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), what + " " + name + "[" + i + "]: " + x[i] + " vs " + y[i]);
            }
        }
    }

    /** 2k rounds uninterrupted, in this JVM. */
    private static Map<String, float[]> uninterrupted(int threads) {
        try (CpuBackend cpu = new CpuBackend(threads)) {
            Run a = fresh(cpu, 1);
            for (int i = 0; i < 2 * K; i++) a.trainer().step();
            return params(a);
        }
    }

    @Test
    void sameParametersForAnyThreadCount() {
        Map<String, float[]> one = uninterrupted(1);
        assertSameBits(one, uninterrupted(2), "2 threads vs 1");
        assertSameBits(one, uninterrupted(3), "3 threads vs 1");
    }

    @Test
    void resumingInAFreshProcessWithOtherThreadsContinuesExactly() throws Exception {
        Path ckpt = dir.resolve("run.safetensors"), out = dir.resolve("params.safetensors");
        child("first", "2", ckpt.toString());             // k rounds on 2 threads, then a checkpoint
        child("resume", "1", ckpt.toString(), out.toString()); // a fresh JVM on 1 thread continues for k
        Map<String, float[]> resumed = new LinkedHashMap<>();
        SafeTensors.read(out).tensors().forEach((k, t) -> resumed.put(k, t.toArray()));
        assertSameBits(uninterrupted(2), resumed, "resumed in fresh processes vs uninterrupted");
    }

    /** Runs {@link #main} in a fresh JVM with this JVM's class path and the engine's flags. */
    private static void child(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-ea", "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), ResumeTest.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("resume-child", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String output = Files.readString(log);
        Files.delete(log);
        assertTrue(done && p.exitValue() == 0, "child " + args[0] + " failed:\n" + output);
    }

    /** The child process: {@code first THREADS CKPT} or {@code resume THREADS CKPT OUT}. */
    public static void main(String[] args) {
        try (CpuBackend cpu = new CpuBackend(Integer.parseInt(args[1]))) {
            Path ckpt = Path.of(args[2]);
            if (args[0].equals("first")) {
                Run b = fresh(cpu, 1);
                for (int i = 0; i < K; i++) b.trainer().step();
                b.trainer().save(ckpt);
            } else {
                Run c = fresh(cpu, 77); // different initial weights: everything must come from the checkpoint
                c.trainer().load(ckpt);
                if (c.trainer().stepsDone() != K) throw new IllegalStateException("resumed at step " + c.trainer().stepsDone());
                for (int i = 0; i < K; i++) c.trainer().step();
                Map<String, Tensor> m = new LinkedHashMap<>();
                params(c).forEach((k, v) -> m.put(k, Tensor.of(v, v.length)));
                SafeTensors.write(Path.of(args[3]), m, null);
            }
        }
    }
}

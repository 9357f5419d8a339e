package org.umedpt.multitask.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.TestData;
import org.umedpt.multitask.train.Pretrainer;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.io.Weights;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umedpt pretrain} end to end on a tiny manifest (a folder classification task, a mask
 * segmentation task and a COCO detection task of generated 32 px images, a 2-stage encoder): the
 * files it writes, a stopped-and-resumed run equal bit for bit to an uninterrupted one, and user
 * errors as one line with exit 2.
 */
class PretrainCommandTest {
    @TempDir
    Path dir;

    static final String ENCODER = "encoder: {version: 1, patch_size: 4, embed_dim: 12, depths: [2, 2], num_heads: [2, 4], window_size: 4, "
            + "mlp_ratio: 2.0, stochastic_depth_prob: 0.2}\n";

    /** Writes the fixture images and a manifest of {@code rounds} rounds; returns the manifest. */
    static Path fixture(Path dir, int rounds, int checkpointEvery) {
        for (int i = 0; i < 6; i++) {
            final int k = i;
            TestData.grayPng(dir.resolve("cls/dark/" + i + ".png"), 32, 32, (y, x) -> 20 + 5 * k + (x % 3));
            TestData.grayPng(dir.resolve("cls/bright/" + i + ".png"), 32, 32, (y, x) -> 200 - 5 * k + (y % 3));
        }
        StringBuilder coco = new StringBuilder("{\"categories\": [{\"id\": 1, \"name\": \"blob\"}], \"images\": [");
        StringBuilder ann = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            final int c = 6 + i;
            TestData.grayPng(dir.resolve("seg/img/" + i + ".png"), 32, 32, (y, x) -> Math.abs(y - 16) < 6 && Math.abs(x - c) < 5 ? 220 : 30);
            TestData.grayPng(dir.resolve("seg/lab/" + i + ".png"), 32, 32, (y, x) -> Math.abs(y - 16) < 6 && Math.abs(x - c) < 5 ? 255 : 0);
            TestData.rgb(dir.resolve("det/" + i + ".png"), "png", 32, 32, (y, x) -> y >= 8 && y < 24 && x >= c && x < c + 14 ? 0xE0E0E0 : 0x202020);
            coco.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"file_name\": \"").append(i).append(".png\", \"width\": 32, \"height\": 32}");
            ann.append(i == 0 ? "" : ", ").append("{\"image_id\": ").append(i).append(", \"category_id\": 1, \"bbox\": [").append(c).append(", 8, 14, 16]}");
        }
        coco.append("], \"annotations\": [").append(ann).append("]}");
        TestData.text(dir.resolve("det.json"), coco.toString());
        return TestData.text(dir.resolve("m.yaml"), ENCODER
                + "training: {rounds: " + rounds + ", seed: 3, threads: 1, loader_threads: 2, prefetch: 2, checkpoint_every: " + checkpointEvery
                + ", eval_every: 3, log_every: 2, optimizer: {lr: 1.0e-3, clip_norm: 1.0, warmup: 1}}\n"
                + "tasks:\n"
                + "  - {name: cls, type: classification, input_size: 32, batch_size: 2, reader: {format: folder, root: cls},\n"
                + "     split: {val: 0.25, test: 0.25}, transforms: {hflip: 0.5, brightness: 0.1}}\n"
                + "  - {name: seg, type: segmentation, input_size: 32, batch_size: 2, reader: {format: masks, images: seg/img, masks: seg/lab},\n"
                + "     split: {method: ordered, val: 0.25, test: 0.25}, transforms: {random_resized_crop: {scale: [0.5, 1.0]}, rot90: true}}\n"
                + "  - {name: det, type: detection, input_size: 32, batch_size: 2, reader: {format: coco, path: det.json, images: det},\n"
                + "     split: {val: 0.25, test: 0.25}, transforms: {vflip: 0.5}}\n");
    }

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = System.out, e = System.err;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            return new Result(Main.run(args), out.toString(), err.toString());
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    private static Pretrainer quiet(Path manifest, Path out, boolean resume) {
        PrintStream nul = new PrintStream(OutputStream.nullOutputStream());
        return new Pretrainer(new Pretrainer.Options(manifest, out, resume, null, null, "cpu", false), nul, nul);
    }

    @Test
    void writesLogsMetricsCheckpointEncoderAndSummary() throws IOException {
        Path m = fixture(dir, 4, 2), out = dir.resolve("run");
        Result r = cli("pretrain", "--manifest", m.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data task=det type=detection classes=1"), r.out());
        assertTrue(r.out().contains("progress round=4/4"), r.out());
        List<String> log = Files.readAllLines(out.resolve("train.log"));
        assertEquals(4, log.stream().filter(l -> l.startsWith("round=")).count(), String.join("\n", log));
        assertTrue(log.get(0).matches("round=1 loss\\.cls=\\S+ loss\\.seg=\\S+ loss\\.det=\\S+ lr=\\S+ ms=\\d+"), log.get(0));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> metrics = Files.readAllLines(out.resolve("metrics.jsonl")).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertEquals(4, metrics.stream().filter(j -> j.path("split").asText().equals("train")).count());
        assertTrue(metrics.stream().anyMatch(j -> j.path("task").asText().equals("seg") && j.has("dice")), metrics.toString());
        JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
        assertEquals(4, summary.path("rounds").asInt());
        assertTrue(summary.path("tasks").path("cls").path("val").has("accuracy"), summary.toString());
        assertTrue(summary.path("tasks").path("det").path("val").has("ap50"), summary.toString());
        assertEquals(2, summary.path("tasks").path("seg").path("examples").path("val").asInt());
        SafeTensors.Contents enc = SafeTensors.read(out.resolve("encoder.safetensors"));
        assertFalse(enc.tensors().keySet().stream().anyMatch(k -> k.startsWith("head.") || k.startsWith("decoder") || k.startsWith("encoder.")));
        assertTrue(enc.tensors().containsKey("features.0.0.weight") && enc.tensors().containsKey("norm.weight"));
        SwinConfig cfg = new SwinConfig(1, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 2f, 0, 0.2f);
        Weights.load(out.resolve("encoder.safetensors"), new SwinEncoder(cfg, new Rng(1)), true); // strict: torchvision's names exactly
    }

    @Test
    void aStoppedRunResumedEqualsAnUninterruptedOne() throws IOException {
        Path m = fixture(dir, 8, 3);
        quiet(m, dir.resolve("warm"), false).run(); // compile the hot code first (interpreted and compiled vector exp differ in the last bit)
        awaitIdleCompiler(); // on a loaded machine C2's queue lags behind the warm-up
        quiet(m, dir.resolve("straight"), false).run();
        long stopped = quiet(m, dir.resolve("resumed"), false).stopWhen(r -> r == 5).run(); // as on SIGTERM: checkpoint after round 5
        assertEquals(5, stopped);
        assertFalse(Files.exists(dir.resolve("resumed/encoder.safetensors")));
        quiet(m, dir.resolve("resumed"), true).run();
        Map<String, Tensor> a = SafeTensors.read(dir.resolve("straight/checkpoint.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(dir.resolve("resumed/checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toArray(), y = b.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), k + "[" + i + "]");
        }
        assertEquals(losses(dir.resolve("straight/train.log")), losses(dir.resolve("resumed/train.log")));
    }

    /** Waits (at most 30 s) until the JIT has compiled nothing for 0.5 s. */
    static void awaitIdleCompiler() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (c == null || !c.isCompilationTimeMonitoringSupported()) return;
        long last = -1, since = System.nanoTime(), deadline = since + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long t = c.getTotalCompilationTime();
            if (t != last) {
                last = t;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > 500_000_000L) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The log without its timings. */
    static List<String> losses(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(l -> l.replaceAll(" ms=\\d+", "")).toList();
    }

    @Test
    void userErrorsAreOneLineAndExit2() throws IOException {
        Path m = fixture(dir, 2, 1);
        Path bad = TestData.text(dir.resolve("bad.yaml"), Files.readString(m).replace("batch_size: 2, reader: {format: masks", "batch_size: 2, reader: {format: mask"));
        Result r = cli("pretrain", "--manifest", bad.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertOneLine(r.err(), "tasks[1].reader.format: found 'mask', expected one of [coco, csv, folder, masks, npz, voc]");

        Path file = TestData.text(dir.resolve("a-file"), "x");
        r = cli("pretrain", "--manifest", m.toString(), "--out", file.resolve("out").toString());
        assertEquals(2, r.code());
        assertOneLine(r.err(), "cannot create output folder " + file.resolve("out"));

        r = cli("pretrain", "--manifest", m.toString(), "--out", dir.resolve("fresh").toString(), "--resume");
        assertEquals(2, r.code());
        assertOneLine(r.err(), "--resume: no checkpoint");

        assertEquals(0, cli("pretrain", "--manifest", m.toString(), "--out", dir.resolve("done").toString()).code());
        r = cli("pretrain", "--manifest", m.toString(), "--out", dir.resolve("done").toString());
        assertEquals(2, r.code());
        assertOneLine(r.err(), "already holds a run (checkpoint.safetensors); pass --resume");

        Files.delete(dir.resolve("seg/lab/3.png"));
        r = cli("pretrain", "--manifest", m.toString(), "--out", dir.resolve("o2").toString());
        assertEquals(2, r.code());
        assertOneLine(r.err(), "no mask: expected " + dir.resolve("seg/lab/3.png"));
    }

    static void assertOneLine(String err, String fragment) {
        String e = err.lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n").trim();
        assertTrue(e.startsWith("umedpt pretrain: ") && e.contains(fragment) && !e.contains("\n"), "expected one line with '" + fragment + "', got:\n" + err);
    }

    @Test
    void theEncoderLoadsIntoTorchvision() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python)
                        && new ProcessBuilder(python.toString(), "-c", "import torch, torchvision").start().waitFor() == 0,
                "Debian's /usr/bin/python3 with python3-torch and python3-torchvision is absent: skipping the torchvision load check");
        Path script = Path.of("../tools/check_torchvision_load.py");
        if (!Files.exists(script)) script = Path.of("tools/check_torchvision_load.py");
        Path m = fixture(dir, 1, 1), out = dir.resolve("run");
        quiet(m, out, false).run();
        Process p = new ProcessBuilder(python.toString(), script.toString(), out.resolve("encoder.safetensors").toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), text);
        assertTrue(text.startsWith("ok: ") && text.contains("missing only ['head.bias', 'head.weight']"), text);
    }
}

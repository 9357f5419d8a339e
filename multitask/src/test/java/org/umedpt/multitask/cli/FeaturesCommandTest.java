package org.umedpt.multitask.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.nn.io.Weights;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.swin.SwinOutput;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code umedpt features} end to end on files, against the library call it wraps. */
class FeaturesCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesStagesPooledAndLogitsMatchingTheLibrary() throws IOException {
        SwinConfig cfg = new SwinConfig(1, 4, 12, new int[] {2, 2}, new int[] {2, 4}, 4, 4f, 3, 0f);
        SwinEncoder enc = new SwinEncoder(cfg, new Rng(3));
        Path w = dir.resolve("w.safetensors"), in = dir.resolve("x.safetensors"), out = dir.resolve("y.safetensors");
        Path json = dir.resolve("cfg.json");
        Files.writeString(json, "{\"version\":1,\"patch_size\":4,\"embed_dim\":12,\"depths\":[2,2],\"num_heads\":[2,4],\"window_size\":4}");
        Weights.save(w, enc, null);
        Tensor x = Tensor.normal(new Rng(4), 0, 1, 3, 3, 36, 44);
        SafeTensors.write(in, Map.of("input", x), null);

        PrintStream err = System.err, stdout = System.out;
        try {
            System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            assertEquals(0, Main.run("features", "--config", json.toString(), "--weights", w.toString(), "--input", in.toString(),
                    "--output", out.toString(), "--batch-size", "2", "--threads", "1"));
        } finally {
            System.setErr(err);
            System.setOut(stdout);
        }
        SafeTensors.Contents y = SafeTensors.read(out);
        assertEquals(java.util.Set.of("stage1", "stage2", "pooled", "logits"), y.tensors().keySet());
        assertArrayEquals(new int[] {3, 12, 9, 11}, y.get("stage1").shape());
        assertArrayEquals(new int[] {3, 24, 5, 6}, y.get("stage2").shape());
        try (CpuBackend cpu = new CpuBackend(1); Graph g = new Graph(cpu, new Arena(), false)) {
            enc.eval();
            SwinOutput o = enc.forward(g, x, null);
            assertClose(Ops.permute(g, o.stages().get(1), 0, 3, 1, 2).toArray(), y.get("stage2").toArray());
            assertClose(o.pooled().toArray(), y.get("pooled").toArray());
            assertClose(o.logits().toArray(), y.get("logits").toArray());
        }
    }

    private static void assertClose(float[] e, float[] a) {
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-5 * (1 + Math.abs(e[i])), "[" + i + "]");
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        SwinEncoder enc = new SwinEncoder(SwinConfig.named("nano"), new Rng(3));
        Path w = dir.resolve("w.safetensors"), in = dir.resolve("x.safetensors");
        Weights.save(w, enc, null);
        SafeTensors.write(in, Map.of("images", Tensor.zeros(1, 3, 32, 32)), null);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream err = System.err;
        int code;
        try {
            System.setErr(new PrintStream(buf));
            code = Main.run("features", "--config", "nano", "--weights", w.toString(), "--input", in.toString(), "--output",
                    dir.resolve("y.safetensors").toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        String msg = buf.toString();
        assertTrue(msg.contains("no tensor named 'input'") && msg.contains("[images]"), msg);
    }

    @Test
    void anUnwritableOutputIsOneClearLine() {
        Path blocked = dir.resolve("a-file");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream err = System.err;
        int code;
        try {
            java.nio.file.Files.writeString(blocked, "not a folder");
            System.setErr(new PrintStream(buf));
            code = Main.run("memprofile", "--config", "nano", "--tasks", "1", "--modes", "accumulate", "--out",
                    blocked.resolve("out").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        String msg = buf.toString().trim();
        assertTrue(msg.startsWith("umedpt memprofile: cannot read or write") && msg.contains("a-file") && !msg.contains("\tat "), msg);
    }

    @Test
    void weightsThatDoNotFitTheConfigAreBadInput() throws IOException {
        SwinEncoder enc = new SwinEncoder(SwinConfig.named("nano"), new Rng(3));
        Path w = dir.resolve("w.safetensors"), in = dir.resolve("x.safetensors");
        Weights.save(w, enc, null);
        SafeTensors.write(in, Map.of("input", Tensor.zeros(1, 3, 32, 32)), null);
        String[] r = runCapturing("features", "--config", "tiny", "--weights", w.toString(), "--input", in.toString(),
                "--output", dir.resolve("y.safetensors").toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("umedpt features: " + w) && r[1].contains("shape") && !r[1].contains("\tat "), r[1]);
    }

    /** An engine failure is not the user's fault: exit 1, said to be a bug, the stack trace in a log (and with --debug). */
    @Test
    void internalErrorExitsOneAndKeepsTheStackTrace() throws IOException {
        for (boolean debug : new boolean[] {false, true}) {
            picocli.CommandLine cl = new picocli.CommandLine(new Main());
            cl.addSubcommand("explode", new Explode());
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            cl.setErr(new java.io.PrintWriter(buf, true));
            int code = debug ? Main.run(cl, "explode", "--debug") : Main.run(cl, "explode");
            String msg = buf.toString();
            assertEquals(1, code, msg);
            assertTrue(msg.startsWith("umedpt explode: internal error, a bug in umedpt") && msg.contains("IllegalArgumentException: add: cannot broadcast"), msg);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("stack trace: (\\S+\\.log)").matcher(msg);
            assertTrue(m.find(), msg);
            Path log = Path.of(m.group(1));
            assertTrue(Files.readString(log).contains("at org.umedpt.multitask.cli.FeaturesCommandTest$Explode.call"), log.toString());
            Files.delete(log);
            assertEquals(debug, msg.contains("\tat org.umedpt.multitask.cli.FeaturesCommandTest$Explode.call"), msg);
        }
    }

    @picocli.CommandLine.Command(name = "explode")
    static final class Explode implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalArgumentException("add: cannot broadcast (2,3) with (4,3)"); // as an engine check would
        }
    }

    private static String[] runCapturing(String... args) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream err = System.err, out = System.out;
        int code;
        try {
            System.setErr(new PrintStream(buf, true));
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            code = Main.run(args);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        return new String[] {Integer.toString(code), buf.toString().trim()};
    }
}

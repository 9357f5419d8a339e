package org.umedpt.kernels;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loading without a GPU: a child JVM ({@link LoadProbe}) asks for the CUDA backend with
 * <ul>
 *   <li>a stub {@code libcuda.so.1} built here with gcc, whose {@code cuInit} returns 100
 *       (CUDA_ERROR_NO_DEVICE), and a stub {@code libcudart.so.13} (version node only; nothing of it
 *       is called on this path): JavaCPP's classes load, and "no CUDA device" comes back as the
 *       clear message, not a crash;
 *   <li>no {@code libcuda.so.1} at all (only where the machine has none): the message names the
 *       missing library and both ways to get it.
 * </ul>
 * Skips with the reason where gcc is absent.
 */
class StubLibcudaTest {
    @TempDir
    static Path dir;
    static Path stubs;

    @BeforeAll
    static void buildStubs() throws Exception {
        stubs = Files.createDirectories(dir.resolve("stubs"));
        Files.writeString(stubs.resolve("cuda.c"), "int cuInit(unsigned flags) { (void)flags; return 100; }\n"
                + "int cuDeviceGetCount(int* n) { *n = 0; return 100; }\n");
        Files.writeString(stubs.resolve("cudart.c"), "int umedpt_cudart_stub(void) { return 0; }\n");
        Files.writeString(stubs.resolve("cudart.map"), "libcudart.so.13 { global: *; };\n");
        try {
            run(List.of("gcc", "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o", stubs.resolve("libcuda.so.1").toString(),
                    stubs.resolve("cuda.c").toString()), Map.of());
            run(List.of("gcc", "-shared", "-fPIC", "-Wl,-soname,libcudart.so.13", "-Wl,--version-script=" + stubs.resolve("cudart.map"),
                    "-o", stubs.resolve("libcudart.so.13").toString(), stubs.resolve("cudart.c").toString()), Map.of());
        } catch (IOException e) {
            assumeTrue(false, "skipped: gcc not found (" + e.getMessage() + "); the stub libcuda.so.1 test needs gcc");
        }
    }

    record Result(int code, String out) {}

    static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        if (cmd.get(0).equals("gcc")) assertEquals(0, r.code, () -> "gcc failed: " + r.out);
        return r;
    }

    static Result probe(Path libraryPath) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("javacpp-cache"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LoadProbe.class.getName()));
        return run(cmd, Map.of("LD_LIBRARY_PATH", libraryPath.toString()));
    }

    @Test
    void noDeviceIsTheClearMessageNotACrash() throws Exception {
        Result r = probe(stubs);
        assertEquals(3, r.code, () -> "child JVM exit " + r.code + ":\n" + r.out);
        assertTrue(r.out.contains("UNAVAILABLE CUDA backend unavailable: no CUDA device (cuInit returned CUDA_ERROR_NO_DEVICE (100))"), r.out);
        assertTrue(r.out.contains("--device cpu"), r.out);
    }

    @Test
    void aMissingLibcudaNamesTheLibraryAndBothWaysToGetIt() throws Exception {
        assumeTrue(!Files.exists(Path.of("/dev/nvidiactl")) && !systemHasLibcuda(),
                "skipped: this machine has a real libcuda.so.1, so it cannot be missing");
        Result r = probe(Files.createDirectories(dir.resolve("empty")));
        assertEquals(3, r.code, () -> "child JVM exit " + r.code + ":\n" + r.out);
        assertTrue(r.out.matches("(?s).*UNAVAILABLE CUDA backend unavailable: cannot load lib(cuda\\.so\\.1|cudart\\.so\\.13) .*"), r.out);
        assertTrue(r.out.contains("install CUDA 13"), r.out);
        assertTrue(r.out.contains("LD_LIBRARY_PATH") && r.out.contains("/cu13/lib"), r.out);
    }

    static boolean systemHasLibcuda() throws IOException, InterruptedException {
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/local/cuda/compat")) {
            if (Files.exists(Path.of(d, "libcuda.so.1"))) return true;
        }
        try {
            Process p = new ProcessBuilder("/sbin/ldconfig", "-p").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out.contains("libcuda.so.1");
        } catch (IOException e) {
            return false;
        }
    }
}

package org.umedpt.kernels.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds and runs the C++ shim tests ({@code src/test/cuda/NAME_test.cpp}, which include
 * {@code src/main/cuda/NAME.cu}) with g++, into {@code target/shim}; a binary is rebuilt when a
 * source is newer. Tests using it skip, with the reason, where g++ is absent.
 */
public final class Shim {
    private Shim() {}

    static final Path TESTS = Path.of("src/test/cuda");
    static final Path KERNELS = Path.of("src/main/cuda");
    static final Path OUT = Path.of("target/shim");

    /** The kernel files that have a shim test. */
    static final List<String> NAMES = List.of("elementwise", "reduce", "softmax", "layernorm", "layout", "window", "attention", "im2col",
            "loss", "pool", "resize");

    private static final class Compiler {
        static final String PROBLEM = probe();

        private static String probe() {
            try {
                Process p = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "g++ --version failed";
            } catch (IOException | InterruptedException e) {
                return "g++ not found on PATH (" + e.getMessage() + "): the CUDA kernels' CPU shim tests need g++ 12 or newer";
            }
        }
    }

    /** Why the shim cannot be built here, or null. */
    public static String compilerProblem() {
        return Compiler.PROBLEM == null ? null : "skipped: " + Compiler.PROBLEM;
    }

    /**
     * Builds (if stale) {@code target/shim/libshimdevice.so}: every kernel behind a C ABI
     * ({@code shim_device.cpp}) for {@code ShimDeviceApi}.
     */
    public static synchronized Path sharedLibrary() throws IOException, InterruptedException {
        Path lib = OUT.resolve("libshimdevice.so").toAbsolutePath();
        List<Path> inputs = new ArrayList<>(List.of(TESTS.resolve("shim_device.cpp"), TESTS.resolve("cuda_shim.h"), KERNELS.resolve("common.cuh")));
        for (String n : NAMES) inputs.add(KERNELS.resolve(n + ".cu"));
        if (stale(lib, inputs)) {
            Files.createDirectories(OUT);
            Result r = exec(List.of("nice", "-n", "10", "g++", "-std=c++20", "-O2", "-pthread", "-shared", "-fPIC", "-o", lib.toString(),
                    TESTS.resolve("shim_device.cpp").toString()), 300);
            if (r.code != 0) fail("g++ failed for shim_device.cpp:\n" + r.output);
        }
        return lib;
    }

    static void assumeCompiler() {
        assumeTrue(Compiler.PROBLEM == null, () -> "skipped: " + Compiler.PROBLEM);
    }

    /** Compiles (if stale) and runs one shim test; returns its output after asserting it passed. */
    static String run(String name, boolean tsan) throws IOException, InterruptedException {
        assumeCompiler();
        Path bin = OUT.resolve(name + (tsan ? "_tsan" : "_test"));
        Path src = TESTS.resolve(name + "_test.cpp");
        List<Path> inputs = List.of(src, TESTS.resolve("cuda_shim.h"), TESTS.resolve("check.h"), KERNELS.resolve(name + ".cu"),
                KERNELS.resolve("common.cuh"));
        if (stale(bin, inputs)) {
            Files.createDirectories(OUT);
            List<String> cmd = new ArrayList<>(List.of("nice", "-n", "10", "g++", "-std=c++20", "-O1", "-pthread", "-Wall", "-Wno-unused-variable"));
            if (tsan) cmd.addAll(List.of("-g", "-DSHIM_QUICK", "-fsanitize=thread"));
            cmd.addAll(List.of("-o", bin.toString(), src.toString()));
            Result r = exec(cmd, 300);
            if (r.code != 0) {
                if (tsan && r.output.contains("tsan")) assumeTrue(false, "skipped: g++ cannot build with -fsanitize=thread: " + r.output);
                fail("g++ failed for " + src + ":\n" + r.output);
            }
        }
        Result r = exec(List.of(bin.toString()), 300);
        if (tsan && r.output.contains("unexpected memory mapping")) {
            assumeTrue(false, "skipped: ThreadSanitizer cannot run on this kernel's memory layout: " + r.output);
        }
        assertEquals(0, r.code, () -> name + " shim test failed:\n" + r.output);
        assertTrue(r.output.contains(name + ": ") && r.output.contains("cases passed"), r.output);
        if (tsan) assertTrue(!r.output.contains("ThreadSanitizer"), () -> "ThreadSanitizer report for " + name + ":\n" + r.output);
        return r.output;
    }

    private static boolean stale(Path bin, List<Path> inputs) throws IOException {
        if (!Files.exists(bin)) return true;
        long built = Files.getLastModifiedTime(bin).toMillis();
        for (Path p : inputs) if (Files.getLastModifiedTime(p).toMillis() > built) return true;
        return false;
    }

    record Result(int code, String output) {}

    static Result exec(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " ran past " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

package org.umedpt.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed fatbins match their sources, and the kernels compile cleanly for the GPUs:
 * <ul>
 *   <li>always: every {@code .cu} has a fatbin whose recorded hash (source, common.cuh, nvcc flags,
 *       written by {@code kernels/build-fatbins.sh}) is that of the current source, and every
 *       fatbin has a source. A kernel edited without rebuilding fails here, with the command to run.
 *   <li>where nvcc is present: {@code ptxas -v} for sm_80 and sm_90 reports no spills and no stack
 *       frame, static shared memory within 48 KB, and at most 64 registers per thread (so a block of
 *       1024 threads, the row kernels' largest, fits one SM's 64 K registers).
 * </ul>
 */
class FatbinFreshnessTest {
    static final Path SRC = Path.of("src/main/cuda");
    static final Path FATBINS = Path.of("src/main/resources/org/umedpt/kernels/fatbin");

    static List<String> names() throws IOException {
        try (var s = Files.list(SRC)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).map(n -> n.substring(0, n.length() - 3)).sorted().toList();
        }
    }

    static String hash(String name) throws IOException, NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(Files.readAllBytes(SRC.resolve(name + ".cu")));
        d.update(Files.readAllBytes(SRC.resolve("common.cuh")));
        d.update(Files.readString(FATBINS.resolve("FLAGS")).strip().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void everyFatbinIsBuiltFromTheCurrentSource() throws Exception {
        List<String> stale = new ArrayList<>();
        for (String n : names()) {
            Path fatbin = FATBINS.resolve(n + ".fatbin"), recorded = FATBINS.resolve(n + ".fatbin.sha256");
            if (!Files.exists(fatbin) || !Files.exists(recorded) || Files.size(fatbin) == 0) {
                stale.add(n + " (no fatbin)");
            } else if (!Files.readString(recorded).strip().equals(hash(n))) {
                stale.add(n);
            }
        }
        assertTrue(stale.isEmpty(), "stale fatbins " + stale + ": their CUDA source changed since they were built; run "
                + "kernels/build-fatbins.sh " + String.join(" ", stale).replace(" (no fatbin)", "") + " (nvcc 13) and commit the result");
    }

    @Test
    void everyFatbinHasASource() throws IOException {
        TreeSet<String> orphans = new TreeSet<>();
        try (var s = Files.list(FATBINS)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".fatbin")).map(n -> n.replace(".fatbin", "")).forEach(orphans::add);
        }
        orphans.removeAll(names());
        assertTrue(orphans.isEmpty(), "fatbins without a source in " + SRC + ": " + orphans);
    }

    static String nvcc() {
        for (String c : List.of("nvcc", "/usr/local/cuda/bin/nvcc")) {
            try {
                Process p = new ProcessBuilder(c, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
            } catch (IOException | InterruptedException e) {
                // try the next
            }
        }
        return null;
    }

    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
    private static final Pattern FRAME = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers(?:.*?, (\\d+) bytes smem)?");

    @Test
    void ptxasReportsNoSpillsAndResourcesInBudget() throws Exception {
        String nvcc = nvcc();
        assumeTrue(nvcc != null, "skipped: nvcc not found (the ptxas -v check runs where CUDA 13's nvcc is installed)");
        Path out = Files.createDirectories(Path.of("target/ptxas"));
        List<String> problems = new ArrayList<>();
        int functions = 0;
        for (String n : names()) {
            for (String arch : List.of("sm_80", "sm_90")) {
                Process p = new ProcessBuilder("nice", "-n", "10", nvcc, "-cubin", "-O3", "-std=c++17", "-arch=" + arch, "-Xptxas", "-v", "-o",
                        out.resolve(n + "." + arch + ".cubin").toString(), SRC.resolve(n + ".cu").toString()).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) fail("nvcc failed on " + n + ".cu for " + arch + ":\n" + log);
                String fn = null;
                for (String line : log.split("\n")) {
                    Matcher e = ENTRY.matcher(line), f = FRAME.matcher(line), u = USED.matcher(line);
                    if (e.find()) {
                        fn = e.group(1) + " (" + n + ".cu, " + e.group(2) + ")";
                        functions++;
                    } else if (f.find() && fn != null) {
                        if (!f.group(2).equals("0") || !f.group(3).equals("0") || !f.group(1).equals("0")) problems.add(fn + ": " + line.trim());
                    } else if (u.find() && fn != null) {
                        int regs = Integer.parseInt(u.group(1));
                        int smem = u.group(2) == null ? 0 : Integer.parseInt(u.group(2));
                        if (regs > 64) problems.add(fn + ": " + regs + " registers (> 64: a 1024-thread block would not fit)");
                        if (smem > 48 * 1024) problems.add(fn + ": " + smem + " bytes static shared memory (> 48 KB)");
                    }
                }
            }
        }
        assertTrue(functions >= 2 * names().size(), "ptxas reported only " + functions + " functions");
        assertEquals(List.of(), problems, "ptxas -v problems");
    }
}

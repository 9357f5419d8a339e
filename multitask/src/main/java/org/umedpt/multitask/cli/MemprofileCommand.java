package org.umedpt.multitask.cli;

import org.umedpt.tensor.io.AtomicFiles;
import org.umedpt.multitask.InputException;
import org.umedpt.multitask.train.MemoryPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code umedpt memprofile}: memory of multi-task training as the number of tasks grows, in both
 * modes, each point in a fresh JVM (so the process's peak RSS belongs to that point alone). Task i
 * has type i mod 3 (classification, segmentation, detection), so N = 4 is the first point holding
 * every type; flatness is read as peak(N = 16) / peak(N = 4).
 */
@Command(name = "memprofile", mixinStandardHelpOptions = true,
        description = "Arena, parameter, gradient, optimizer and process memory of multi-task training vs the number of tasks.")
final class MemprofileCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "nano", description = "Encoder config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--tasks", split = ",", defaultValue = "1,2,4,8,16", description = "Task counts (default: ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(names = "--modes", split = ",", defaultValue = "accumulate,naive", description = "accumulate and/or naive (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--out", required = true, description = "Folder for memprofile.csv and memprofile.md.")
    Path out;

    @Option(names = "--size", defaultValue = "112", description = "Image size in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "8", description = "Batch per task (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "2", description = "Training rounds per point (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--threads", defaultValue = "2", description = "CPU threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException, InterruptedException {
        for (String m : modes) {
            if (!m.equals("accumulate") && !m.equals("naive")) throw new InputException("--modes: unknown mode '" + m + "'");
        }
        for (int n : counts) if (n < 1) throw new InputException("--tasks: counts must be >= 1, got " + n);
        InputException.reading("--config " + config, () -> org.umedpt.nn.swin.SwinConfig.parse(config)); // fail fast
        Files.createDirectories(out);
        List<String> rows = new ArrayList<>();
        for (String mode : modes) {
            for (int n : counts) {
                long t0 = System.nanoTime();
                String line = runPoint(mode, n);
                rows.add(line);
                System.err.printf("memprofile: %s N=%d done (%.0f s)%n", mode, n, (System.nanoTime() - t0) / 1e9);
            }
        }
        StringBuilder csv = new StringBuilder("mode,tasks,arena_peak_bytes,param_bytes,grad_bytes,optim_bytes,rss_peak_bytes\n");
        StringBuilder md = new StringBuilder("| mode | tasks | arena peak MiB | params MiB | grads MiB | optimizer MiB | RSS peak MiB |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (String line : rows) {
            String[] f = parse(line);
            csv.append(String.join(",", f)).append('\n');
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", f[0], f[1], mib(f[2]), mib(f[3]), mib(f[4]),
                    mib(f[5]), mib(f[6])));
        }
        AtomicFiles.write(out.resolve("memprofile.csv"), csv.toString());
        AtomicFiles.write(out.resolve("memprofile.md"), md.toString());
        System.out.print(md);
        return 0;
    }

    /** Runs one point in a fresh JVM with this JVM's flags and class path; returns its RESULT line. */
    private String runPoint(String mode, int n) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MemoryPoint.class.getName());
        for (Object a : new Object[] {config, mode, n, size, batch, steps, threads}) cmd.add(String.valueOf(a));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) if (line.startsWith("RESULT ")) result = line;
        }
        int code = p.waitFor();
        if (code != 0 || result == null) {
            throw new IllegalStateException("memprofile point " + mode + " N=" + n + " failed (exit " + code + "); rerun it alone: "
                    + String.join(" ", cmd));
        }
        return result;
    }

    /** mode, tasks, then the five byte counts, from a RESULT line. */
    private static String[] parse(String line) {
        String[] kv = line.substring("RESULT ".length()).split(" ");
        String[] f = new String[kv.length];
        for (int i = 0; i < kv.length; i++) f[i] = kv[i].substring(kv[i].indexOf('=') + 1);
        return f;
    }

    private static double mib(String bytes) {
        return Long.parseLong(bytes) / 1048576.0;
    }

}

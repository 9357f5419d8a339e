package org.umedpt.multitask.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * What a pretraining run shows while it trains. On a terminal: one bar redrawn in place
 * ({@code [#####-----] 120/840 1.45 s/round ETA 17m24s loss 0.532}); otherwise (a log file, CI)
 * a plain {@code key=value} line every {@code every} rounds. The rate is the mean over the rounds
 * of this process after its first (a resumed run starts its own clock).
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long total, every, start;
    private long sumMs, counted, firstMs;
    private boolean drawn;

    Progress(PrintStream out, boolean terminal, long total, long every, long start) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.every = every;
        this.start = start;
    }

    void round(long round, long ms, Map<String, Float> losses) {
        if (counted++ == 0) firstMs = ms;
        else sumMs += ms;
        // the first round of a process includes JIT compilation and the first loads: leave it out once there are others
        double per = (counted == 1 ? firstMs : sumMs / (double) (counted - 1)) / 1000.0;
        long eta = Math.round(per * (total - round));
        double mean = losses.values().stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
        if (terminal) {
            int width = 30, filled = (int) (width * round / Math.max(1, total));
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d %.2f s/round ETA %s loss %.3f ", "#".repeat(filled), "-".repeat(width - filled), round, total,
                    per, duration(eta), mean);
            out.flush();
            drawn = true;
        } else if (round % every == 0 || round == total || round == start + 1) {
            out.printf(Locale.ROOT, "progress round=%d/%d s_per_round=%.2f eta=%s mean_loss=%.4f%n", round, total, per, duration(eta), mean);
        }
    }

    void message(String line) {
        if (terminal && drawn) out.print("\r\033[K");
        out.println(line);
        drawn = false;
    }

    void done() {
        if (terminal && drawn) out.println();
        drawn = false;
    }

    static String duration(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

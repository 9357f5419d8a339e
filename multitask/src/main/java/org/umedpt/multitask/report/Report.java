package org.umedpt.multitask.report;

import org.umedpt.multitask.transfer.Cell;
import org.umedpt.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A study's report in its folder: {@code results.csv} (one row per cell), {@code report.md} (the
 * headline, the mean ± std table, the plots), {@code efficiency-<task>.png} per task and, given a
 * pretrain run's {@code metrics.jsonl}, {@code pretrain-loss.png}. Every file is written
 * atomically; the report is recomputed from the cell files, so it can be rebuilt at any time.
 */
public final class Report {
    private Report() {}

    /** The CSV header; metric columns are the union over cells, in first-seen order. */
    static final String[] KEY_COLUMNS = {"task", "mode", "init", "fraction", "seed", "train_count", "metric", "value", "ci_lo", "ci_hi", "encoder", "seconds"};

    /** All cell files under {@code dir/cells}. */
    public static List<Cell> readCells(Path dir) {
        Path cells = dir.resolve("cells");
        if (!Files.isDirectory(cells)) return List.of();
        try (Stream<Path> s = Files.walk(cells)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().map(Cell::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cells + ": " + e.getMessage(), e);
        }
    }

    /** Writes the report; returns the headline lines. {@code pretrainMetrics} may be null. */
    public static List<String> write(Path dir, List<Cell> cells, Path pretrainMetrics, String title) {
        AtomicFiles.write(dir.resolve("results.csv"), csv(cells));
        List<Summary.Point> points = Summary.of(cells);
        List<Headline.Line> head = Headline.of(points);
        Set<String> tasks = new LinkedHashSet<>();
        cells.forEach(c -> tasks.add(c.key().task()));
        List<String> pngs = new ArrayList<>();
        for (String t : tasks) {
            String name = "efficiency-" + t + ".png";
            Charts.efficiency(dir.resolve(name), t, points);
            pngs.add(name);
        }
        if (pretrainMetrics != null) {
            Charts.pretrainLoss(dir.resolve("pretrain-loss.png"), pretrainMetrics);
            pngs.add("pretrain-loss.png");
        }
        AtomicFiles.write(dir.resolve("report.md"), markdown(title, points, head, pngs));
        return head.stream().map(Headline.Line::text).toList();
    }

    static String csv(List<Cell> cells) {
        Set<String> metrics = new LinkedHashSet<>();
        cells.forEach(c -> metrics.addAll(c.metrics().keySet()));
        StringBuilder sb = new StringBuilder(String.join(",", KEY_COLUMNS));
        metrics.forEach(m -> sb.append(',').append(m));
        sb.append('\n');
        for (Cell c : cells) {
            double[] ci = c.intervals().getOrDefault(c.metric(), new double[] {Double.NaN, Double.NaN});
            sb.append(String.join(",", c.key().task(), c.key().mode(), c.key().init(), num(c.key().fraction()), Long.toString(c.key().seed()),
                    Integer.toString(c.trainCount()), c.metric(), num(c.metrics().get(c.metric())), num(ci[0]), num(ci[1]), c.encoderId(),
                    String.format(Locale.ROOT, "%.2f", c.seconds())));
            for (String m : metrics) sb.append(',').append(num(c.metrics().getOrDefault(m, Double.NaN)));
            sb.append('\n');
        }
        return sb.toString();
    }

    static String markdown(String title, List<Summary.Point> points, List<Headline.Line> head, List<String> pngs) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n## Headline\n\n");
        sb.append("The smallest fraction of the training split at which the pretrained encoder's mean over seeds reaches the baseline's result ")
                .append("with 100 % of the data (the paper's measure), per task and mode:\n\n");
        if (head.isEmpty()) sb.append("- (no baseline with a 100 % result in the grid)\n");
        for (Headline.Line l : head) sb.append("- ").append(l.text()).append('\n');
        sb.append("\n## Mean ± std over seeds\n\n")
                .append("Bootstrap 95 % interval of the test set (200 resamples), averaged over seeds, in brackets.\n\n")
                .append("| task | mode | init | fraction | n (mean) | seeds | metric | mean ± std | 95 % CI |\n")
                .append("|---|---|---|---:|---:|---:|---|---|---|\n");
        for (Summary.Point p : points) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %d | %s | %.3f ± %.3f | %s |%n", p.task(), p.mode(), p.init(), pct(p.fraction()),
                    p.meanCount(), p.seeds(), p.metric(), p.mean(), p.std(),
                    Double.isNaN(p.ciLo()) ? "–" : String.format(Locale.ROOT, "[%.3f, %.3f]", p.ciLo(), p.ciHi())));
        }
        sb.append("\n## Plots\n\n");
        for (String png : pngs) sb.append("![").append(png).append("](").append(png).append(")\n\n");
        sb.append("Files: `results.csv` (one row per cell), `cells/` (one JSON per cell), `splits/` (the training subsets: task, seed, ")
                .append("fraction, count, indices), `features/` (cached frozen features).\n");
        return sb.toString();
    }

    /** A fraction as a percentage: 0.01 → "1 %", 0.025 → "2.5 %". */
    public static String pct(double f) {
        return Cell.fractionId(f).replace('p', '.') + " %";
    }

    private static String num(Double v) {
        if (v == null || v.isNaN()) return "";
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }
}

package org.umedpt.multitask.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paper's headline, per task, mode and baseline: the smallest training fraction at which the
 * pretrained encoder's mean (over seeds) reaches the baseline's mean at 100 % of the data — or
 * none, if it never does in the grid. It also says where the pretrained mean beats the baseline
 * at the same fraction by more than both seed spreads (mean − std > baseline mean + std), the
 * criterion the demo is checked against.
 */
public final class Headline {
    public record Line(String task, String mode, String baseline, String metric, double baselineFull, Double reachedAt, double reachedMean,
                       double reachedStd, List<Double> beyondSpread) {
        public String text() {
            String reach = reachedAt == null ? "does not reach it at any fraction in the grid"
                    : String.format(java.util.Locale.ROOT, "reaches it at %s (%.3f ± %.3f)", Report.pct(reachedAt), reachedMean, reachedStd);
            List<String> b = beyondSpread.stream().map(Report::pct).toList();
            return String.format(java.util.Locale.ROOT, "%s %s: %s at 100 %% = %.3f; pretrained %s; beats %s beyond the seed spread at %s",
                    task, mode, baseline, baselineFull, reach, baseline, b.isEmpty() ? "no fraction" : String.join(", ", b));
        }
    }

    private Headline() {}

    public static List<Line> of(List<Summary.Point> points) {
        Set<String> keys = new LinkedHashSet<>();
        for (Summary.Point p : points) if (!p.init().equals("pretrained")) keys.add(p.task() + "\u0000" + p.mode() + "\u0000" + p.init());
        List<Line> out = new ArrayList<>();
        for (String k : keys) {
            String[] f = k.split("\u0000");
            List<Summary.Point> base = select(points, f[0], f[1], f[2]), pre = select(points, f[0], f[1], "pretrained");
            Summary.Point full = base.stream().filter(p -> p.fraction() == 1.0).findFirst().orElse(null);
            if (full == null || pre.isEmpty()) continue;
            Summary.Point reached = pre.stream().filter(p -> p.mean() >= full.mean()).findFirst().orElse(null);
            List<Double> beyond = new ArrayList<>();
            for (Summary.Point p : pre) {
                for (Summary.Point b : base) {
                    if (b.fraction() == p.fraction() && p.mean() - p.std() > b.mean() + b.std()) beyond.add(p.fraction());
                }
            }
            out.add(new Line(f[0], f[1], f[2], full.metric(), full.mean(), reached == null ? null : reached.fraction(),
                    reached == null ? Double.NaN : reached.mean(), reached == null ? Double.NaN : reached.std(), beyond));
        }
        return out;
    }

    /** The points of one curve, by ascending fraction. */
    static List<Summary.Point> select(List<Summary.Point> points, String task, String mode, String init) {
        return points.stream().filter(p -> p.task().equals(task) && p.mode().equals(mode) && p.init().equals(init))
                .sorted((a, b) -> Double.compare(a.fraction(), b.fraction())).toList();
    }
}

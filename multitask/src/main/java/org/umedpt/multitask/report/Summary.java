package org.umedpt.multitask.report;

import org.umedpt.multitask.transfer.Cell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cells of a study grouped by (task, mode, init, fraction): mean and sample standard deviation
 * over seeds of the primary metric, and the mean of the per-cell bootstrap bounds.
 */
public final class Summary {
    /** One point of a data-efficiency curve. */
    public record Point(String task, String mode, String init, double fraction, int seeds, double mean, double std, double ciLo, double ciHi,
                        double meanCount, String metric) {}

    private Summary() {}

    public static List<Point> of(List<Cell> cells) {
        Map<String, List<Cell>> groups = new TreeMap<>();
        for (Cell c : cells) {
            String k = c.key().task() + "\u0000" + c.key().mode() + "\u0000" + c.key().init() + "\u0000" + String.format("%012.6f", c.key().fraction());
            groups.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
        }
        List<Point> out = new ArrayList<>();
        for (List<Cell> g : groups.values()) {
            Cell c0 = g.get(0);
            double sum = 0, lo = 0, hi = 0, count = 0;
            int ci = 0;
            for (Cell c : g) {
                sum += c.metrics().get(c.metric());
                count += c.trainCount();
                double[] iv = c.intervals().get(c.metric());
                if (iv != null && !Double.isNaN(iv[0])) {
                    lo += iv[0];
                    hi += iv[1];
                    ci++;
                }
            }
            double mean = sum / g.size(), ss = 0;
            for (Cell c : g) ss += Math.pow(c.metrics().get(c.metric()) - mean, 2);
            double std = g.size() > 1 ? Math.sqrt(ss / (g.size() - 1)) : 0;
            out.add(new Point(c0.key().task(), c0.key().mode(), c0.key().init(), c0.key().fraction(), g.size(), mean, std,
                    ci == 0 ? Double.NaN : lo / ci, ci == 0 ? Double.NaN : hi / ci, count / g.size(), c0.metric()));
        }
        return out;
    }
}

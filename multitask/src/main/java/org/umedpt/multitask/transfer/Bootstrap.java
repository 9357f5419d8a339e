package org.umedpt.multitask.transfer;

import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Percentile bootstrap of test-set metrics (torchgeo-bench: 200 resamples, 95 %): resample the
 * test examples with replacement, recompute the metrics, take the 2.5th and 97.5th percentiles of
 * each. This interval is the test set's sampling noise; the spread over seeds (subset, init,
 * batch order) is reported separately as the std over seeds.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /**
     * {@code metrics} maps resampled indices to named values, computed once per resample (a
     * resample's NaN values are dropped for that metric). Returns {lo, hi} per name.
     */
    public static Map<String, double[]> intervals(int n, int resamples, long seed, Function<int[], Map<String, Double>> metrics) {
        Rng rng = new Rng(seed ^ 0xB0075L);
        Map<String, List<Double>> values = new LinkedHashMap<>();
        int[] idx = new int[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) idx[i] = rng.nextInt(n);
            metrics.apply(idx).forEach((k, v) -> {
                List<Double> l = values.computeIfAbsent(k, x -> new ArrayList<>());
                if (!Double.isNaN(v)) l.add(v);
            });
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        values.forEach((k, l) -> {
            if (l.isEmpty()) {
                out.put(k, new double[] {Double.NaN, Double.NaN});
                return;
            }
            double[] s = l.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            out.put(k, new double[] {percentile(s, 0.025), percentile(s, 0.975)});
        });
        return out;
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

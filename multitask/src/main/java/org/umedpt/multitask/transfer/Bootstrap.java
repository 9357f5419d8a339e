package org.umedpt.multitask.transfer;

import org.umedpt.tensor.Rng;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Percentile bootstrap of a test-set metric (torchgeo-bench: 200 resamples, 95 %): resample the
 * test examples with replacement, recompute the metric, take the 2.5th and 97.5th percentiles.
 * This interval is the test set's sampling noise; the spread over seeds (subset, init, batch
 * order) is reported separately as the std over seeds.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** {@code metric} maps resampled indices to a value (NaN values are dropped). Returns {lo, hi}. */
    public static double[] interval(int n, int resamples, long seed, Function<int[], Double> metric) {
        Rng rng = new Rng(seed ^ 0xB0075L);
        double[] v = new double[resamples];
        int kept = 0;
        int[] idx = new int[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) idx[i] = rng.nextInt(n);
            double m = metric.apply(idx);
            if (!Double.isNaN(m)) v[kept++] = m;
        }
        if (kept == 0) return new double[] {Double.NaN, Double.NaN};
        double[] s = Arrays.copyOf(v, kept);
        Arrays.sort(s);
        return new double[] {percentile(s, 0.025), percentile(s, 0.975)};
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

package org.umedpt.multitask.transfer;

import org.umedpt.multitask.eval.Predictions;

import java.util.Map;

/**
 * Test-set metrics of a model's {@link Predictions} with bootstrap 95 % intervals, for every task
 * type: classification (accuracy, balanced accuracy, macro-F1, AUROC as MedMNIST defines it),
 * multi-label (AUROC, accuracy, exact match), segmentation (Dice, IoU), detection (AP@0.5, mAP).
 */
public final class Scoring {
    private Scoring() {}

    public record Scored(Map<String, Double> metrics, Map<String, double[]> intervals) {}

    /** The metrics on every example and, when {@code resamples > 0}, their intervals. */
    public static Scored score(Predictions p, int resamples, long seed) {
        Map<String, double[]> ci = resamples > 0 ? Bootstrap.intervals(p.size(), resamples, seed, p::metrics) : Map.of();
        return new Scored(p.metrics(null), ci);
    }

    /** Class probabilities (n, k) row-major, as predictions. */
    public static Predictions.Classification classification(double[] prob, int[] y, int k) {
        double[][] s = new double[y.length][k];
        for (int i = 0; i < y.length; i++) System.arraycopy(prob, i * k, s[i], 0, k);
        return new Predictions.Classification(k, s, y);
    }
}

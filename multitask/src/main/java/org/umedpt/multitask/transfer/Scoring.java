package org.umedpt.multitask.transfer;

import org.umedpt.multitask.eval.ClassificationMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-set metrics of a classifier from its class probabilities, with bootstrap 95 % intervals:
 * accuracy (argmax), balanced accuracy, macro-F1 and AUROC (one-vs-rest mean; for two classes
 * that equals the positive column's AUROC, as MedMNIST defines it).
 */
public final class Scoring {
    private Scoring() {}

    public record Scored(Map<String, Double> metrics, Map<String, double[]> intervals) {}

    /** {@code prob} (n, k) row-major; {@code y} true classes. */
    public static Scored classification(double[] prob, int[] y, int k, int resamples, long seed) {
        int n = y.length;
        int[] pred = new int[n];
        double[][] s = new double[n][k];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 0; c < k; c++) {
                s[i][c] = prob[i * k + c];
                if (s[i][c] > s[i][best]) best = c;
            }
            pred[i] = best;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        Map<String, double[]> ci = new LinkedHashMap<>();
        String[] names = {"accuracy", "balanced_accuracy", "macro_f1", "auroc"};
        for (String name : names) {
            m.put(name, metric(name, pred, s, y, k, null));
            if (resamples > 0) ci.put(name, Bootstrap.interval(n, resamples, seed, idx -> metric(name, pred, s, y, k, idx)));
        }
        return new Scored(m, ci);
    }

    private static double metric(String name, int[] pred, double[][] s, int[] y, int k, int[] idx) {
        int[] p = pred, t = y;
        double[][] sc = s;
        if (idx != null) {
            p = new int[idx.length];
            t = new int[idx.length];
            sc = new double[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                p[i] = pred[idx[i]];
                t[i] = y[idx[i]];
                sc[i] = s[idx[i]];
            }
        }
        return switch (name) {
            case "accuracy" -> ClassificationMetrics.accuracy(p, t);
            case "balanced_accuracy" -> ClassificationMetrics.balancedAccuracy(p, t, k);
            case "macro_f1" -> ClassificationMetrics.macroF1(p, t, k);
            default -> ClassificationMetrics.aurocOneVsRest(sc, t);
        };
    }

    /** Row-wise softmax of logits (n, k), in place; returns them. */
    public static double[] softmax(double[] logits, int k) {
        for (int i = 0; i < logits.length / k; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
            for (int c = 0; c < k; c++) sum += logits[i * k + c] = Math.exp(logits[i * k + c] - max);
            for (int c = 0; c < k; c++) logits[i * k + c] /= sum;
        }
        return logits;
    }
}

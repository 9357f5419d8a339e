package org.umedpt.multitask.eval;

import java.util.Arrays;

/**
 * Classification metrics from predicted and true class indices (and, for AUROC, per-class scores).
 * Pure functions over arrays; each is checked against hand-computed cases.
 */
public final class ClassificationMetrics {
    private ClassificationMetrics() {}

    /** Fraction of samples whose prediction equals the target. */
    public static double accuracy(int[] predicted, int[] target) {
        check(predicted, target);
        int ok = 0;
        for (int i = 0; i < target.length; i++) if (predicted[i] == target[i]) ok++;
        return (double) ok / target.length;
    }

    /** Mean over the classes present in {@code target} of that class's recall. */
    public static double balancedAccuracy(int[] predicted, int[] target, int classes) {
        long[][] cm = confusion(predicted, target, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long support = Arrays.stream(cm[c]).sum();
            if (support == 0) continue;
            sum += (double) cm[c][c] / support;
            present++;
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /**
     * Unweighted mean over classes of F1 = 2·TP / (2·TP + FP + FN); a class with no true and no
     * predicted samples is left out (scikit-learn's {@code labels} = classes seen).
     */
    public static double macroF1(int[] predicted, int[] target, int classes) {
        long[][] cm = confusion(predicted, target, classes);
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            long tp = cm[c][c], fn = 0, fp = 0;
            for (int k = 0; k < classes; k++) {
                if (k == c) continue;
                fn += cm[c][k];
                fp += cm[k][c];
            }
            if (tp + fn + fp == 0) continue;
            sum += 2.0 * tp / (2.0 * tp + fp + fn);
            counted++;
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** confusion[true][predicted]. */
    public static long[][] confusion(int[] predicted, int[] target, int classes) {
        check(predicted, target);
        long[][] cm = new long[classes][classes];
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0 || target[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("confusion: sample " + i + " has target " + target[i] + ", prediction " + predicted[i]
                        + "; both must be in [0, " + classes + ")");
            }
            cm[target[i]][predicted[i]]++;
        }
        return cm;
    }

    /**
     * Binary AUROC by the rank formula: (Σ ranks of positives − P(P+1)/2) / (P·N), ties getting
     * their average rank (so a tie between a positive and a negative counts ½). NaN when either
     * class is absent.
     */
    public static double auroc(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("auroc: " + scores.length + " scores for " + positive.length + " labels");
        }
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double avgRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** One-vs-rest AUROC averaged over the classes that have both positives and negatives. */
    public static double aurocOneVsRest(double[][] scores, int[] target) {
        if (scores.length != target.length) {
            throw new IllegalArgumentException("auroc: " + scores.length + " score rows for " + target.length + " targets");
        }
        int classes = scores.length == 0 ? 0 : scores[0].length;
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            double[] s = new double[target.length];
            boolean[] p = new boolean[target.length];
            for (int i = 0; i < target.length; i++) {
                s[i] = scores[i][c];
                p[i] = target[i] == c;
            }
            double a = auroc(s, p);
            if (!Double.isNaN(a)) {
                sum += a;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private static void check(int[] predicted, int[] target) {
        if (predicted.length != target.length) {
            throw new IllegalArgumentException("metrics: " + predicted.length + " predictions for " + target.length + " targets");
        }
        if (target.length == 0) throw new IllegalArgumentException("metrics: no samples");
    }
}

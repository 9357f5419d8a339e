package org.umedpt.multitask.transfer;

import org.umedpt.multitask.eval.ClassificationMetrics;

import java.util.Locale;

/**
 * The frozen-mode classifier: features standardised with the training subset's mean and std (MAE's
 * non-affine BatchNorm before the probe), a {@link LogisticProbe} fitted for every L2 strength of
 * a log grid, the one with the best validation accuracy kept (ties: the stronger penalty), and
 * its test probabilities. The training subset is the only labelled data the model sees besides
 * the validation split used for the choice (kept identical across encoders and fractions). The
 * refit is on the training subset alone: refitting on train ∪ val (DINOv2) would add labels
 * beyond the fraction under study.
 */
public final class FrozenProbe {
    private FrozenProbe() {}

    /** C = 10^-4 … 10^4, 17 values (half-decade steps). */
    public static final double[] GRID = grid(-4, 4, 17);

    public record Fit(double c, double valAccuracy, double[] testProb) {
        public String describe() {
            return String.format(Locale.ROOT, "C=%.3g val_accuracy=%.4f", c, valAccuracy);
        }
    }

    /**
     * @param xtr training-subset features (ntr, d); {@code xva}, {@code xte} validation and test
     */
    public static Fit fit(double[] xtr, int[] ytr, double[] xva, int[] yva, double[] xte, int d, int k) {
        Standardised x = Standardised.of(xtr, xva, xte, d);
        int ntr = ytr.length, nva = yva.length, nte = xte.length / d;
        double bestAcc = -1, bestC = GRID[0];
        LogisticProbe best = null;
        LogisticProbe[] fits = fitGrid(x.train, ytr, ntr, d, k);
        for (int g = 0; g < GRID.length; g++) {
            LogisticProbe p = fits[g];
            double c = GRID[g];
            double acc = ClassificationMetrics.accuracy(argmax(p.probabilities(x.val, nva), k), yva);
            if (acc > bestAcc + 1e-12) {
                bestAcc = acc;
                bestC = c;
                best = p;
            }
        }
        return new Fit(bestC, bestAcc, best.probabilities(x.test, nte));
    }

    /** The multi-label probe: per label C and validation AUROC, and the test logits (n, labels). */
    public record MultiLabelFit(double[] c, double[] valAuroc, double[][] testLogits) {
        public String describe() {
            StringBuilder b = new StringBuilder("per label:");
            for (int k = 0; k < c.length; k++) b.append(String.format(Locale.ROOT, " C=%.3g val_auroc=%.4f", c[k], valAuroc[k]));
            return b.toString();
        }
    }

    /**
     * Multi-label: one binary {@link LogisticProbe} per label (one-vs-rest, as scikit-learn's
     * {@code OneVsRestClassifier}) on the same standardised features, each label's C chosen on its
     * validation AUROC (ties, or a label that validation cannot rank: the stronger penalty).
     * Returns logits log(p / (1 − p)), so that 0 is the decision threshold.
     */
    public static MultiLabelFit fitPerLabel(double[] xtr, float[][] ytr, double[] xva, float[][] yva, double[] xte, int d, int labels) {
        Standardised x = Standardised.of(xtr, xva, xte, d);
        int ntr = ytr.length, nva = yva.length, nte = xte.length / d;
        double[] bestC = new double[labels], bestAuc = new double[labels];
        double[][] logits = new double[nte][labels];
        for (int k = 0; k < labels; k++) {
            int[] y = new int[ntr];
            for (int i = 0; i < ntr; i++) y[i] = ytr[i][k] > 0.5f ? 1 : 0;
            boolean[] pos = new boolean[nva];
            for (int i = 0; i < nva; i++) pos[i] = yva[i][k] > 0.5f;
            double best = Double.NEGATIVE_INFINITY;
            LogisticProbe kept = null;
            LogisticProbe[] fits = fitGrid(x.train, y, ntr, d, 2);
            for (int g = 0; g < GRID.length; g++) {
                LogisticProbe p = fits[g];
                double c = GRID[g];
                double auc = ClassificationMetrics.auroc(column(p.probabilities(x.val, nva), 1), pos);
                if (kept == null || auc > best + 1e-12) {
                    best = auc;
                    bestC[k] = c;
                    kept = p;
                }
            }
            bestAuc[k] = best;
            double[] q = column(kept.probabilities(x.test, nte), 1);
            for (int i = 0; i < nte; i++) {
                double pi = Math.min(Math.max(q[i], 1e-12), 1 - 1e-12);
                logits[i][k] = Math.log(pi / (1 - pi));
            }
        }
        return new MultiLabelFit(bestC, bestAuc, logits);
    }

    /**
     * One fit per value of the grid, concurrently (each fit is independent and sequential, so the
     * result does not depend on the thread count), to max |gradient| < 1e-6 of the mean objective:
     * probabilities still agree with scikit-learn's optimum to 1e-4 (LogisticProbeTest), far below
     * the bootstrap interval, with fewer iterations than a 1e-9 stop on 4708 × 720 features.
     */
    private static LogisticProbe[] fitGrid(double[] x, int[] y, int n, int d, int k) {
        return java.util.stream.IntStream.range(0, GRID.length).parallel()
                .mapToObj(g -> LogisticProbe.fit(x, y, n, d, k, GRID[g], 1e-6)).toArray(LogisticProbe[]::new);
    }

    private static double[] column(double[] prob2, int c) {
        double[] out = new double[prob2.length / 2];
        for (int i = 0; i < out.length; i++) out[i] = prob2[i * 2 + c];
        return out;
    }

    /**
     * Features standardised with the training subset's mean and std; a constant feature (e.g. one
     * example) stays finite.
     */
    private record Standardised(double[] train, double[] val, double[] test) {
        static Standardised of(double[] xtr, double[] xva, double[] xte, int d) {
            int ntr = xtr.length / d;
            double[] mean = new double[d], std = new double[d];
            for (int i = 0; i < ntr; i++) for (int j = 0; j < d; j++) mean[j] += xtr[i * d + j] / ntr;
            for (int i = 0; i < ntr; i++) for (int j = 0; j < d; j++) std[j] += Math.pow(xtr[i * d + j] - mean[j], 2) / ntr;
            for (int j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-6;
            return new Standardised(standardise(xtr, mean, std), standardise(xva, mean, std), standardise(xte, mean, std));
        }
    }

    static double[] standardise(double[] x, double[] mean, double[] std) {
        int d = mean.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mean[i % d]) / std[i % d];
        return out;
    }

    static int[] argmax(double[] prob, int k) {
        int[] p = new int[prob.length / k];
        for (int i = 0; i < p.length; i++) {
            int b = 0;
            for (int c = 1; c < k; c++) if (prob[i * k + c] > prob[i * k + b]) b = c;
            p[i] = b;
        }
        return p;
    }

    private static double[] grid(double lo, double hi, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.pow(10, lo + (hi - lo) * i / (n - 1));
        return g;
    }
}

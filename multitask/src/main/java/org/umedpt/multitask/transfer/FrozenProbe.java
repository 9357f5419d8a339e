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
        int ntr = ytr.length, nva = yva.length, nte = xte.length / d;
        double[] mean = new double[d], std = new double[d];
        for (int i = 0; i < ntr; i++) for (int j = 0; j < d; j++) mean[j] += xtr[i * d + j] / ntr;
        for (int i = 0; i < ntr; i++) for (int j = 0; j < d; j++) std[j] += Math.pow(xtr[i * d + j] - mean[j], 2) / ntr;
        for (int j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-6; // a constant feature (e.g. one example) stays finite
        double[] tr = standardise(xtr, mean, std), va = standardise(xva, mean, std), te = standardise(xte, mean, std);
        double bestAcc = -1, bestC = GRID[0];
        LogisticProbe best = null;
        for (double c : GRID) {
            LogisticProbe p = LogisticProbe.fit(tr, ytr, ntr, d, k, c);
            double acc = ClassificationMetrics.accuracy(argmax(p.probabilities(va, nva), k), yva);
            if (acc > bestAcc + 1e-12) {
                bestAcc = acc;
                bestC = c;
                best = p;
            }
        }
        return new Fit(bestC, bestAcc, best.probabilities(te, nte));
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

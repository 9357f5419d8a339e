package org.umedpt.multitask.transfer;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.eval.ClassificationMetrics;
import org.umedpt.tensor.Rng;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-label (one-vs-rest) probe of multi-label targets. */
class FrozenProbeTest {
    private static final int D = 6;

    /** Label k is positive when feature k > 0.3 (features 2.. are noise); label 2 never in training. */
    private static double[] features(int n, long seed, float[][] y, boolean third) {
        Rng r = new Rng(seed);
        double[] x = new double[n * D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) x[i * D + j] = r.nextGaussian();
            y[i] = new float[] {x[i * D] > 0.3 ? 1 : 0, x[i * D + 1] > 0.3 ? 1 : 0, third && x[i * D + 2] > 0 ? 1 : 0};
        }
        return x;
    }

    @Test
    void eachLabelIsLearntFromItsOwnFeatureAndAnAbsentLabelStaysFinite() {
        float[][] ytr = new float[80][], yva = new float[40][], yte = new float[200][];
        double[] xtr = features(80, 1, ytr, false), xva = features(40, 2, yva, true), xte = features(200, 3, yte, true);
        FrozenProbe.MultiLabelFit fit = FrozenProbe.fitPerLabel(xtr, ytr, xva, yva, xte, D, 3);
        for (int k = 0; k < 2; k++) {
            double[] s = new double[200];
            boolean[] pos = new boolean[200];
            int right = 0;
            for (int i = 0; i < 200; i++) {
                s[i] = fit.testLogits()[i][k];
                pos[i] = yte[i][k] > 0.5f;
                right += (s[i] > 0) == pos[i] ? 1 : 0;
            }
            assertTrue(ClassificationMetrics.auroc(s, pos) > 0.97, "label " + k + " test AUROC");
            assertTrue(right >= 180, "label " + k + ": " + right + " of 200 decisions right at logit 0");
            assertTrue(fit.valAuroc()[k] > 0.95, fit.describe());
        }
        for (int i = 0; i < 200; i++) {
            assertTrue(Double.isFinite(fit.testLogits()[i][2]) && fit.testLogits()[i][2] < 0, "a label with no positive in training predicts negative");
        }
    }
}

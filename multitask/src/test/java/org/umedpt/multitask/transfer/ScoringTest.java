package org.umedpt.multitask.transfer;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.eval.Box;
import org.umedpt.multitask.eval.Predictions;
import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bootstrap intervals for every task type, against a direct resampling loop. */
class ScoringTest {
    /** 40 images whose per-image Dice varies: image i predicts (i % 5) of its 4 true pixels plus one false. */
    private static Predictions.Segmentation segmentation() {
        long[][][] counts = new long[40][][];
        for (int i = 0; i < 40; i++) {
            long hit = i % 5;
            // [intersection, predicted, target] × class; class 0 (background) is not scored
            counts[i] = new long[][] {{59, hit}, {63 - hit, hit + 1}, {60, 4}};
        }
        return new Predictions.Segmentation(2, counts);
    }

    @Test
    void segmentationIntervalIsThePercentilesOfResampledDice() {
        Predictions.Segmentation p = segmentation();
        Scoring.Scored s = Scoring.score(p, 200, 7);
        double point = s.metrics().get("dice");
        double[] ci = s.intervals().get("dice");
        assertTrue(ci[0] < point && point < ci[1], Arrays.toString(ci) + " around " + point);
        // the same resamples by hand: sum the counts of the drawn images, Dice of the sums
        Rng rng = new Rng(7 ^ 0xB0075L);
        double[] v = new double[200];
        for (int r = 0; r < 200; r++) {
            long inter = 0, pred = 0, truth = 0;
            for (int i = 0; i < 40; i++) {
                long[][] c = p.counts()[rng.nextInt(40)];
                inter += c[0][1];
                pred += c[1][1];
                truth += c[2][1];
            }
            v[r] = 2.0 * inter / (pred + truth);
        }
        Arrays.sort(v);
        assertArrayEquals(new double[] {Bootstrap.percentile(v, 0.025), Bootstrap.percentile(v, 0.975)}, ci, 1e-12);
        assertArrayEquals(ci, Scoring.score(p, 200, 7).intervals().get("dice"), 0.0, "deterministic per seed");
    }

    @Test
    void detectionAndMultiLabelGetIntervalsForEveryMetric() {
        Rng r = new Rng(3);
        List<List<Box>> truth = new ArrayList<>(), det = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            truth.add(List.of(Box.truth(0, 0, 10, 10, 0)));
            float shift = i % 3 == 0 ? 8 : 1; // a third of the detections miss at IoU 0.5
            det.add(List.of(new Box(shift, shift, 10 + shift, 10 + shift, 0, r.nextFloat())));
        }
        Scoring.Scored d = Scoring.score(new Predictions.Detection(1, det, truth), 100, 1);
        for (String m : List.of("ap50", "map")) {
            double[] ci = d.intervals().get(m);
            assertTrue(ci[0] < d.metrics().get(m) && d.metrics().get(m) < ci[1], m + " " + Arrays.toString(ci) + " around " + d.metrics().get(m));
        }
        double[][] logits = new double[50][2];
        float[][] y = new float[50][2];
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 2; k++) {
                y[i][k] = r.nextFloat() < 0.5f ? 1 : 0;
                logits[i][k] = (y[i][k] - 0.5) + r.nextGaussian();
            }
        }
        Scoring.Scored m = Scoring.score(new Predictions.MultiLabel(2, logits, y), 100, 1);
        assertEquals(m.metrics().keySet(), m.intervals().keySet());
        for (Map.Entry<String, double[]> e : m.intervals().entrySet()) {
            assertTrue(e.getValue()[0] <= m.metrics().get(e.getKey()) && m.metrics().get(e.getKey()) <= e.getValue()[1], e.getKey());
        }
        assertTrue(Scoring.score(new Predictions.MultiLabel(2, logits, y), 0, 1).intervals().isEmpty(), "no resamples, no intervals");
    }
}

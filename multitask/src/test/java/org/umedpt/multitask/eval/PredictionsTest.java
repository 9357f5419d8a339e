package org.umedpt.multitask.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Metrics from kept predictions, on all examples and on a resample with repeats. */
class PredictionsTest {
    @Test
    void multiLabelAccuracyExactMatchAndMacroAuroc() {
        Predictions p = new Predictions.MultiLabel(2, new double[][] {{2, -1}, {-3, 1}, {1, 2}},
                new float[][] {{1, 0}, {0, 0}, {1, 1}});
        Map<String, Double> m = p.metrics(null);
        assertEquals(5 / 6.0, m.get("accuracy"), 1e-12); // one wrong decision: image 1, class 1
        assertEquals(2 / 3.0, m.get("exact_match"), 1e-12);
        assertEquals(1.0, m.get("auroc"), 1e-12); // both classes perfectly ranked
        Map<String, Double> r = p.metrics(new int[] {1, 1, 2});
        assertEquals(4 / 6.0, r.get("accuracy"), 1e-12);
        assertEquals(1 / 3.0, r.get("exact_match"), 1e-12);
        assertEquals(1.0, r.get("auroc"), 1e-12); // class 0: {1,1} negative, {2} positive; class 1: only image 2 positive
    }

    @Test
    void segmentationResampleSumsPerImageCountsAsTheFlatPixelsWould() {
        int[][] pred = {{0, 1, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}}, truth = {{0, 1, 0, 0}, {1, 1, 1, 0}, {0, 0, 1, 1}};
        long[][][] counts = new long[3][][];
        for (int i = 0; i < 3; i++) counts[i] = SegmentationMetrics.counts(pred[i], truth[i], 2, -1);
        Predictions p = new Predictions.Segmentation(2, counts);
        int[] idx = {2, 0, 2};
        int[] fp = new int[12], ft = new int[12];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(pred[idx[i]], 0, fp, 4 * i, 4);
            System.arraycopy(truth[idx[i]], 0, ft, 4 * i, 4);
        }
        assertEquals(SegmentationMetrics.dice(fp, ft, 2, -1)[1], p.metrics(idx).get("dice"), 1e-12);
        assertEquals(SegmentationMetrics.iou(fp, ft, 2, -1)[1], p.metrics(idx).get("iou"), 1e-12);
        assertEquals(2.0 * 4 / (5 + 6), p.metrics(null).get("dice"), 1e-12); // |P∩T| = 1+2+1, |P| = 2+2+1, |T| = 1+3+2
    }

    @Test
    void detectionResampleTreatsARepeatedImageAsAnotherImage() {
        List<List<Box>> truth = List.of(List.of(Box.truth(0, 0, 10, 10, 0)), List.of(Box.truth(5, 5, 15, 15, 0)));
        List<List<Box>> det = List.of(List.of(new Box(0, 0, 10, 10, 0, 0.9f)), List.of(new Box(20, 20, 30, 30, 0, 0.8f)));
        Predictions p = new Predictions.Detection(1, det, truth);
        assertEquals(DetectionMetrics.meanAp(det, truth, 1, 0.5), p.metrics(null).get("ap50"), 1e-12);
        List<List<Box>> t2 = List.of(truth.get(0), truth.get(0), truth.get(1)), d2 = List.of(det.get(0), det.get(0), det.get(1));
        assertEquals(DetectionMetrics.meanAp(d2, t2, 1, 0.5), p.metrics(new int[] {0, 0, 1}).get("ap50"), 1e-12);
        assertEquals(1.0, p.metrics(new int[] {0, 0}).get("ap50"), 1e-12);
    }

    @Test
    void classificationUsesTheProbabilitiesOfTheSelectedExamples() {
        Predictions p = new Predictions.Classification(2, new double[][] {{0.9, 0.1}, {0.4, 0.6}, {0.7, 0.3}}, new int[] {0, 1, 1});
        assertEquals(2 / 3.0, p.metrics(null).get("accuracy"), 1e-12);
        assertEquals(1.0, p.metrics(null).get("auroc"), 1e-12); // positives 0.6, 0.3 over negative 0.1
        assertEquals(0.0, p.metrics(new int[] {2, 2}).get("accuracy"), 1e-12);
    }
}

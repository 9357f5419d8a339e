package org.umedpt.multitask.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric on small cases computed by hand (the arithmetic is in the comments). */
class MetricsTest {
    @Test
    void accuracyBalancedAccuracyAndMacroF1() {
        int[] t = {0, 0, 0, 0, 1, 1, 2};
        int[] p = {0, 0, 0, 1, 1, 2, 2};
        assertEquals(5.0 / 7, ClassificationMetrics.accuracy(p, t), 1e-12);
        // recalls: class 0 3/4, class 1 1/2, class 2 1/1 → mean 0.75
        assertEquals(0.75, ClassificationMetrics.balancedAccuracy(p, t, 3), 1e-12);
        // F1: c0 2·3/(6+0+1) = 6/7; c1 2·1/(2+1+1) = 1/2; c2 2·1/(2+1+0) = 2/3
        assertEquals((6.0 / 7 + 0.5 + 2.0 / 3) / 3, ClassificationMetrics.macroF1(p, t, 3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.accuracy(new int[2], new int[3]));
    }

    @Test
    void aurocByRanksWithTies() {
        // positives score 0.9, 0.4; negatives 0.4, 0.1: pairs (0.9>0.4 1, 0.9>0.1 1, 0.4=0.4 ½, 0.4>0.1 1) → 3.5/4
        double a = ClassificationMetrics.auroc(new double[] {0.9, 0.4, 0.4, 0.1}, new boolean[] {true, true, false, false});
        assertEquals(0.875, a, 1e-12);
        assertEquals(1.0, ClassificationMetrics.auroc(new double[] {0.1, 0.8}, new boolean[] {false, true}), 1e-12);
        assertTrue(Double.isNaN(ClassificationMetrics.auroc(new double[] {0.1, 0.8}, new boolean[] {true, true})));
        // one-vs-rest: class 0 perfectly ranked (1), class 1 inverted (0); class 2 has no positives → left out
        double[][] s = {{0.9, 0.1, 0}, {0.8, 0.2, 0}, {0.1, 0.05, 0}};
        int[] t = {0, 0, 1};
        assertEquals(0.5, ClassificationMetrics.aurocOneVsRest(s, t), 1e-12);
    }

    @Test
    void diceAndIouPerClassWithIgnore() {
        int[] t = {0, 0, 1, 1, 1, -1};
        int[] p = {0, 1, 1, 1, 0, 1};
        // class 0: inter 1, |P| 2, |T| 2 → dice 0.5, IoU 1/3; class 1: inter 2, |P| 3, |T| 3 → dice 2/3, IoU 2/4
        assertArrayEquals(new double[] {0.5, 2.0 / 3}, SegmentationMetrics.dice(p, t, 2, -1), 1e-12);
        assertArrayEquals(new double[] {1.0 / 3, 0.5}, SegmentationMetrics.iou(p, t, 2, -1), 1e-12);
        double[] withAbsent = SegmentationMetrics.dice(p, t, 3, -1);
        assertTrue(Double.isNaN(withAbsent[2]));
        assertEquals((0.5 + 2.0 / 3) / 2, SegmentationMetrics.mean(withAbsent), 1e-12);
    }

    @Test
    void averagePrecisionWith101Points() {
        // one image, two ground truths of class 0; detections by score: hit, miss, hit
        List<Box> gt = List.of(Box.truth(0, 0, 10, 10, 0), Box.truth(20, 20, 30, 30, 0));
        List<Box> det = List.of(new Box(0, 0, 10, 10, 0, 0.9f), new Box(50, 50, 60, 60, 0, 0.8f), new Box(20, 20, 30, 31, 0, 0.7f));
        // precision/recall: (1, .5), (.5, .5), (2/3, 1); monotone: 1, 2/3, 2/3
        // recall levels 0…0.5 (51 points) → 1; 0.51…1 (50 points) → 2/3
        double expected = (51 * 1.0 + 50 * (2.0 / 3)) / 101;
        assertEquals(expected, DetectionMetrics.averagePrecision(List.of(det), List.of(gt), 0, 0.5), 1e-12);
        // IoU of the third box is 100/110 = 0.909: a hit at 0.9, a miss at 0.95
        double at95 = DetectionMetrics.averagePrecision(List.of(det), List.of(gt), 0, 0.95);
        assertEquals(51 / 101.0, at95, 1e-12);
        // a duplicate of an already matched box is a false positive
        List<Box> dup = List.of(new Box(0, 0, 10, 10, 0, 0.9f), new Box(0, 0, 10, 10, 0, 0.85f));
        assertEquals(51 / 101.0, DetectionMetrics.averagePrecision(List.of(dup), List.of(gt), 0, 0.5), 1e-12);
        // classes without ground truth are left out of the mean; mAP@[.5:.95] averages thresholds
        assertEquals(expected, DetectionMetrics.meanAp(List.of(det), List.of(gt), 3, 0.5), 1e-12);
        double coco = DetectionMetrics.cocoMap(List.of(det), List.of(gt), 1);
        assertEquals((9 * expected + 51 / 101.0) / 10, coco, 1e-12); // thresholds .50–.90 hit, .95 misses
    }

    @Test
    void iouOfBoxes() {
        assertEquals(1f / 11, Box.truth(0, 0, 2, 2, 0).iou(Box.truth(1, 1, 3, 5, 0)), 1e-6); // inter 1, union 4 + 8 − 1
        assertEquals(0f, Box.truth(0, 0, 1, 1, 0).iou(Box.truth(2, 2, 3, 3, 0)));
        assertThrows(IllegalArgumentException.class, () -> Box.truth(2, 0, 1, 1, 0));
    }
}

package org.umedpt.multitask.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Detection average precision as COCO computes it: per class, detections of all images sorted by
 * score, each matched greedily to the unmatched ground truth of its image with the highest IoU
 * ≥ threshold; precision made monotone from the right and sampled at 101 recall points
 * 0, 0.01, …, 1. Classes without ground truth are left out of the mean.
 */
public final class DetectionMetrics {
    private DetectionMetrics() {}

    /** mean over classes of AP at one IoU threshold (AP@0.5 with threshold 0.5). */
    public static double meanAp(List<List<Box>> detections, List<List<Box>> truths, int classes, double iouThreshold) {
        if (detections.size() != truths.size()) {
            throw new IllegalArgumentException("detection metrics: " + detections.size() + " images of detections for "
                    + truths.size() + " images of ground truth");
        }
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            double ap = averagePrecision(detections, truths, c, iouThreshold);
            if (!Double.isNaN(ap)) {
                sum += ap;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** COCO mAP: the mean of {@link #meanAp} over IoU thresholds 0.50, 0.55, …, 0.95. */
    public static double cocoMap(List<List<Box>> detections, List<List<Box>> truths, int classes) {
        double s = 0;
        for (int t = 0; t < 10; t++) s += meanAp(detections, truths, classes, 0.5 + 0.05 * t);
        return s / 10;
    }

    /** AP of one class at one threshold; NaN when the class has no ground truth. */
    public static double averagePrecision(List<List<Box>> detections, List<List<Box>> truths, int label, double iouThreshold) {
        record Det(int image, Box box) {}
        List<Det> dets = new ArrayList<>();
        int gtCount = 0;
        for (int i = 0; i < truths.size(); i++) {
            for (Box b : detections.get(i)) if (b.label() == label) dets.add(new Det(i, b));
            for (Box b : truths.get(i)) if (b.label() == label) gtCount++;
        }
        if (gtCount == 0) return Double.NaN;
        dets.sort(Comparator.comparingDouble((Det d) -> -d.box().score())); // stable: ties keep input order
        boolean[][] used = new boolean[truths.size()][];
        for (int i = 0; i < truths.size(); i++) used[i] = new boolean[truths.get(i).size()];
        double[] precision = new double[dets.size()], recall = new double[dets.size()];
        int tp = 0;
        for (int k = 0; k < dets.size(); k++) {
            Det d = dets.get(k);
            List<Box> gts = truths.get(d.image());
            int best = -1;
            double bestIou = iouThreshold;
            for (int g = 0; g < gts.size(); g++) {
                if (gts.get(g).label() != label || used[d.image()][g]) continue;
                double iou = d.box().iou(gts.get(g));
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = g;
                }
            }
            if (best >= 0) {
                used[d.image()][best] = true;
                tp++;
            }
            precision[k] = (double) tp / (k + 1);
            recall[k] = (double) tp / gtCount;
        }
        for (int k = dets.size() - 2; k >= 0; k--) precision[k] = Math.max(precision[k], precision[k + 1]);
        double sum = 0;
        int k = 0;
        for (int r = 0; r <= 100; r++) {
            double level = r / 100.0;
            while (k < recall.length && recall[k] < level - 1e-12) k++;
            sum += k < recall.length ? precision[k] : 0;
        }
        return sum / 101;
    }
}

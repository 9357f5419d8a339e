package org.umedpt.multitask.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model predicted on a dataset, kept per example so that any metric can be recomputed on a
 * resample of the examples (the bootstrap intervals of the transfer study) — not only on all of
 * them. {@code metrics(null)} scores every example; {@code metrics(idx)} the examples at
 * {@code idx}, repeats included. Segmentation keeps per-image pixel counts rather than pixels, so
 * a resample sums counts (the dataset-level Dice of the resampled images, as on the full set).
 */
public sealed interface Predictions {
    /** Number of examples. */
    int size();

    /** The task type's metrics over the examples at {@code idx} (all when null). */
    Map<String, Double> metrics(int[] idx);

    /** Class probabilities (n, k) and the true classes: accuracy, balanced accuracy, macro-F1, AUROC. */
    record Classification(int classes, double[][] prob, int[] labels) implements Predictions {
        public int size() {
            return labels.length;
        }

        public Map<String, Double> metrics(int[] idx) {
            int n = idx == null ? labels.length : idx.length;
            int[] p = new int[n], t = new int[n];
            double[][] s = new double[n][];
            for (int i = 0; i < n; i++) {
                int j = idx == null ? i : idx[i];
                s[i] = prob[j];
                t[i] = labels[j];
                int best = 0;
                for (int c = 1; c < classes; c++) if (prob[j][c] > prob[j][best]) best = c;
                p[i] = best;
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", ClassificationMetrics.accuracy(p, t));
            m.put("balanced_accuracy", ClassificationMetrics.balancedAccuracy(p, t, classes));
            m.put("macro_f1", ClassificationMetrics.macroF1(p, t, classes));
            m.put("auroc", ClassificationMetrics.aurocOneVsRest(s, t));
            return m;
        }
    }

    /**
     * Per-class logits (n, k) and 0/1 truth: {@code accuracy} over all (image, class) decisions at
     * logit 0, {@code exact_match} (every class right), and {@code auroc} averaged over the classes
     * that have both positives and negatives among the examples (NaN if none).
     */
    record MultiLabel(int classes, double[][] logits, float[][] truth) implements Predictions {
        public int size() {
            return truth.length;
        }

        public Map<String, Double> metrics(int[] idx) {
            int n = idx == null ? truth.length : idx.length;
            long right = 0, exact = 0;
            for (int i = 0; i < n; i++) {
                int j = idx == null ? i : idx[i];
                boolean all = true;
                for (int k = 0; k < classes; k++) {
                    boolean ok = (logits[j][k] > 0) == (truth[j][k] > 0.5f);
                    right += ok ? 1 : 0;
                    all &= ok;
                }
                exact += all ? 1 : 0;
            }
            double aucSum = 0;
            int aucN = 0;
            for (int k = 0; k < classes; k++) {
                double[] s = new double[n];
                boolean[] pos = new boolean[n];
                int np = 0;
                for (int i = 0; i < n; i++) {
                    int j = idx == null ? i : idx[i];
                    s[i] = logits[j][k];
                    pos[i] = truth[j][k] > 0.5f;
                    np += pos[i] ? 1 : 0;
                }
                if (np > 0 && np < n) {
                    aucSum += ClassificationMetrics.auroc(s, pos);
                    aucN++;
                }
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", right / (double) Math.max(1, (long) n * classes));
            m.put("exact_match", exact / (double) Math.max(1, n));
            m.put("auroc", aucN == 0 ? Double.NaN : aucSum / aucN);
            return m;
        }
    }

    /**
     * Per image, the [intersection, predicted, target] pixel counts of each class
     * ({@link SegmentationMetrics#counts}): mean Dice and IoU over the foreground classes (class 0
     * is background) of the summed counts.
     */
    record Segmentation(int classes, long[][][] counts) implements Predictions {
        public int size() {
            return counts.length;
        }

        public Map<String, Double> metrics(int[] idx) {
            long[][] sum = new long[3][classes];
            int n = idx == null ? counts.length : idx.length;
            for (int i = 0; i < n; i++) {
                long[][] c = counts[idx == null ? i : idx[i]];
                for (int r = 0; r < 3; r++) for (int k = 0; k < classes; k++) sum[r][k] += c[r][k];
            }
            double[] dice = new double[classes - 1], iou = new double[classes - 1];
            for (int k = 1; k < classes; k++) {
                dice[k - 1] = SegmentationMetrics.dice(sum, k);
                iou[k - 1] = SegmentationMetrics.iou(sum, k);
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("dice", SegmentationMetrics.mean(dice));
            m.put("iou", SegmentationMetrics.mean(iou));
            return m;
        }
    }

    /** Decoded boxes and ground truth per image: AP@0.5 and COCO mAP@[.5:.95]. */
    record Detection(int classes, List<List<Box>> detections, List<List<Box>> truths) implements Predictions {
        public int size() {
            return truths.size();
        }

        public Map<String, Double> metrics(int[] idx) {
            List<List<Box>> d = detections, t = truths;
            if (idx != null) {
                d = new ArrayList<>(idx.length);
                t = new ArrayList<>(idx.length);
                for (int i : idx) {
                    d.add(detections.get(i));
                    t.add(truths.get(i));
                }
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("ap50", DetectionMetrics.meanAp(d, t, classes, 0.5));
            m.put("map", DetectionMetrics.cocoMap(d, t, classes));
            return m;
        }
    }
}

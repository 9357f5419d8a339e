package org.umedpt.multitask.eval;

/**
 * Per-class Dice and IoU from predicted and true label maps (flattened), skipping pixels whose
 * target is the ignore index. A class absent from both prediction and target scores NaN (left out
 * of means) rather than 1 or 0.
 */
public final class SegmentationMetrics {
    private SegmentationMetrics() {}

    /** Dice = 2|P∩T| / (|P| + |T|) per class. */
    public static double[] dice(int[] predicted, int[] target, int classes, int ignoreIndex) {
        long[][] c = counts(predicted, target, classes, ignoreIndex);
        double[] d = new double[classes];
        for (int k = 0; k < classes; k++) d[k] = dice(c, k);
        return d;
    }

    /** Dice of class {@code k} from {@link #counts}. */
    public static double dice(long[][] c, int k) {
        long denom = c[1][k] + c[2][k];
        return denom == 0 ? Double.NaN : 2.0 * c[0][k] / denom;
    }

    /** IoU = |P∩T| / |P∪T| per class. */
    public static double[] iou(int[] predicted, int[] target, int classes, int ignoreIndex) {
        long[][] c = counts(predicted, target, classes, ignoreIndex);
        double[] r = new double[classes];
        for (int k = 0; k < classes; k++) r[k] = iou(c, k);
        return r;
    }

    /** IoU of class {@code k} from {@link #counts}. */
    public static double iou(long[][] c, int k) {
        long union = c[1][k] + c[2][k] - c[0][k];
        return union == 0 ? Double.NaN : (double) c[0][k] / union;
    }

    /** Mean over the non-NaN entries. */
    public static double mean(double[] values) {
        double s = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** [intersection, predicted, target] pixel counts per class ({@code [3][classes]}). */
    public static long[][] counts(int[] predicted, int[] target, int classes, int ignoreIndex) {
        if (predicted.length != target.length) {
            throw new IllegalArgumentException("segmentation metrics: " + predicted.length + " predicted pixels for " + target.length
                    + " target pixels");
        }
        long[][] c = new long[3][classes];
        for (int i = 0; i < target.length; i++) {
            int t = target[i], p = predicted[i];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= classes || p < 0 || p >= classes) {
                throw new IllegalArgumentException("segmentation metrics: pixel " + i + " has target " + t + ", prediction " + p
                        + "; expected classes in [0, " + classes + ") or the ignore index " + ignoreIndex);
            }
            c[1][p]++;
            c[2][t]++;
            if (p == t) c[0][t]++;
        }
        return c;
    }
}

package org.umedpt.multitask.loss;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.autograd.Reduction;

/**
 * The per-type losses, normalised so that tasks with many classes do not dominate the sum:
 * cross-entropy / ln C, multi-label BCE / ln 2, segmentation soft Dice + focal(γ = 2) / ln C
 * (ln C taken as at least ln 2, see {@link #logClasses}).
 */
public final class TaskLoss {
    private TaskLoss() {}

    /** ln C, at least ln 2 (so binary tasks are divided by ln 2, never by 0). */
    static float logClasses(int classes) {
        return (float) Math.log(Math.max(classes, 2));
    }

    /** logits (B, C), labels (B) → CE / ln C. */
    public static Tensor classification(Graph g, Tensor logits, int[] labels) {
        int classes = logits.dim(1);
        Tensor t = g.of(toFloat(labels), labels.length);
        return Ops.mul(g, Ops.crossEntropy(g, logits, t, null, -1, Reduction.MEAN), 1f / logClasses(classes));
    }

    /** logits (B, C), targets (B·C) in {0, 1} → BCE (mean) / ln 2. */
    public static Tensor multiLabel(Graph g, Tensor logits, float[] targets) {
        return Ops.mul(g, Ops.bceWithLogits(g, logits, g.of(targets, logits.shape()), Reduction.MEAN), (float) (1 / Math.log(2)));
    }

    /**
     * logits (B, C, h, w), mask (B·h·w) of classes or −1 → soft Dice (mean over classes present in
     * the batch's target or prediction) + multi-class focal loss (γ = 2, mean over valid pixels) / ln C.
     */
    public static Tensor segmentation(Graph g, Tensor logits, int[] mask) {
        int b = logits.dim(0), c = logits.dim(1), h = logits.dim(2), w = logits.dim(3), n = b * h * w;
        if (mask.length != n) {
            throw new IllegalArgumentException("segmentation loss: mask has " + mask.length + " pixels, logits " + logits.describe());
        }
        Tensor perPixel = Ops.reshape(g, Ops.permute(g, logits, 0, 2, 3, 1), n, c); // (N, C)
        float[] valid = new float[n], onehot = new float[n * c];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i] < 0) continue;
            if (mask[i] >= c) throw new IllegalArgumentException("segmentation loss: class " + mask[i] + " at pixel " + i + " >= " + c);
            valid[i] = 1f;
            onehot[i * c + mask[i]] = 1f;
            count++;
        }
        // focal: (1 − p_t)^2 · (−log p_t), with −log p_t = per-pixel cross-entropy (0 where ignored)
        Tensor nll = Ops.crossEntropy(g, perPixel, g.of(toFloat(mask), n), null, -1, Reduction.NONE);
        Tensor pt = Ops.exp(g, Ops.neg(g, nll));
        Tensor focal = Ops.sum(g, Ops.mul(g, Ops.square(g, Ops.add(g, Ops.neg(g, pt), 1f)), nll));
        focal = Ops.mul(g, focal, 1f / Math.max(count, 1) / logClasses(c));
        // soft Dice on softmax probabilities of valid pixels
        Tensor p = Ops.mul(g, Ops.softmax(g, perPixel), g.of(valid, n, 1));
        Tensor t = g.of(onehot, n, c);
        Tensor inter = Ops.sumLast(g, Ops.permute(g, Ops.mul(g, p, t), 1, 0));                // (C)
        Tensor denom = Ops.add(g, Ops.sumLast(g, Ops.permute(g, p, 1, 0)), Ops.sumLast(g, Ops.permute(g, t, 1, 0)));
        Tensor dice = Ops.div(g, Ops.add(g, Ops.mul(g, inter, 2f), 1f), Ops.add(g, denom, 1f)); // smoothed by 1
        Tensor diceLoss = Ops.add(g, Ops.neg(g, Ops.mean(g, dice)), 1f);
        return Ops.add(g, diceLoss, focal);
    }

    private static float[] toFloat(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}

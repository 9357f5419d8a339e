package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.eval.Box;
import org.umedpt.multitask.eval.Predictions;
import org.umedpt.multitask.eval.SegmentationMetrics;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.loss.Fcos;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.memory.Arena;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a task on a dataset in eval mode (no graph recording): classification → accuracy,
 * balanced accuracy, macro-F1, AUROC of the softmax probabilities; multi-label → per-decision
 * accuracy, exact match, macro AUROC; segmentation → mean Dice and IoU over foreground classes
 * (class 0 is background), at the logits' resolution against the nearest-resized masks;
 * detection → AP@0.5 and COCO mAP@[.5:.95] of the decoded boxes. {@link #predict} keeps the
 * per-example predictions, from which the transfer study draws bootstrap intervals.
 */
public final class Evaluator {
    private Evaluator() {}

    public static Map<String, Double> evaluate(Backend backend, SharedBlocks shared, Task task, Dataset data, int batchSize) {
        return predict(backend, shared, task, data, batchSize).metrics(null);
    }

    public static Predictions predict(Backend backend, SharedBlocks shared, Task task, Dataset data, int batchSize) {
        boolean wasTraining = shared.training();
        shared.eval();
        task.head.eval();
        Arena arena = new Arena();
        int n = data.size(), c = task.classes;
        double[][] scores = new double[n][];
        int[] labels = new int[n];
        float[][] truthVectors = new float[n][];
        long[][][] pixelCounts = new long[n][][];
        List<List<Box>> detections = new ArrayList<>(), truths = new ArrayList<>();
        try {
            for (int start = 0; start < n; start += batchSize) {
                List<Sample> batch = new ArrayList<>();
                for (int i = start; i < Math.min(n, start + batchSize); i++) batch.add(data.get(i));
                try (Graph g = new Graph(backend, arena, false)) {
                    if (task.type == TaskType.DETECTION) {
                        detections.addAll(Fcos.decode(task.detect(g, shared, Task.stack(g, batch), null), batch.size(), 0.05f, 0.5f, 100));
                        for (Sample s : batch) truths.add(s.boxes());
                        continue;
                    }
                    Tensor logits = task.logits(g, shared, Task.stack(g, batch), null);
                    float[] l = logits.toArray();
                    if (task.type == TaskType.SEGMENTATION) {
                        int h = logits.dim(2), w = logits.dim(3);
                        int[] masks = Task.resizeMasks(batch, h, w), predicted = new int[h * w];
                        for (int b = 0; b < batch.size(); b++) {
                            for (int p = 0; p < h * w; p++) {
                                int best = 0;
                                for (int k = 1; k < c; k++) if (l[(b * c + k) * h * w + p] > l[(b * c + best) * h * w + p]) best = k;
                                predicted[p] = best;
                            }
                            int[] target = java.util.Arrays.copyOfRange(masks, b * h * w, (b + 1) * h * w);
                            pixelCounts[start + b] = SegmentationMetrics.counts(predicted, target, c, -1);
                        }
                        continue;
                    }
                    for (int b = 0; b < batch.size(); b++) {
                        double[] s = new double[c];
                        for (int k = 0; k < c; k++) s[k] = l[b * c + k];
                        scores[start + b] = task.type == TaskType.MULTILABEL ? s : softmax(s);
                        labels[start + b] = batch.get(b).label();
                        if (task.type == TaskType.MULTILABEL) truthVectors[start + b] = batch.get(b).labels();
                    }
                }
            }
        } finally {
            shared.train(wasTraining);
            task.head.train(wasTraining);
        }
        return switch (task.type) {
            case DETECTION -> new Predictions.Detection(c, detections, truths);
            case SEGMENTATION -> new Predictions.Segmentation(c, pixelCounts);
            case MULTILABEL -> new Predictions.MultiLabel(c, scores, truthVectors);
            case MULTICLASS -> new Predictions.Classification(c, scores, labels);
        };
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : logits) max = Math.max(max, v);
        for (int k = 0; k < logits.length; k++) sum += logits[k] = Math.exp(logits[k] - max);
        for (int k = 0; k < logits.length; k++) logits[k] /= sum;
        return logits;
    }
}

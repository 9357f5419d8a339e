package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.eval.Box;
import org.umedpt.multitask.eval.ClassificationMetrics;
import org.umedpt.multitask.eval.DetectionMetrics;
import org.umedpt.multitask.loss.Fcos;
import org.umedpt.multitask.eval.SegmentationMetrics;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.memory.Arena;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a task on a dataset in eval mode (no graph recording): classification → accuracy,
 * balanced accuracy, macro-F1, AUROC; segmentation → mean Dice and IoU over foreground classes
 * (class 0 is background), at the logits' resolution against the nearest-resized masks;
 * detection → AP@0.5 and COCO mAP@[.5:.95] of the decoded boxes.
 */
public final class Evaluator {
    private Evaluator() {}

    public static Map<String, Double> evaluate(Backend backend, SharedBlocks shared, Task task, Dataset data, int batchSize) {
        boolean wasTraining = shared.training();
        shared.eval();
        task.head.eval();
        Arena arena = new Arena();
        List<Integer> predicted = new ArrayList<>(), target = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<List<Box>> detections = new ArrayList<>(), truths = new ArrayList<>();
        List<float[]> truthVectors = new ArrayList<>();
        try {
            for (int start = 0; start < data.size(); start += batchSize) {
                List<Sample> batch = new ArrayList<>();
                for (int i = start; i < Math.min(data.size(), start + batchSize); i++) batch.add(data.get(i));
                try (Graph g = new Graph(backend, arena, false)) {
                    if (task.type == TaskType.DETECTION) {
                        detections.addAll(Fcos.decode(task.detect(g, shared, Task.stack(g, batch), null), batch.size(), 0.05f, 0.5f, 100));
                        for (Sample s : batch) truths.add(s.boxes());
                        continue;
                    }
                    Tensor logits = task.logits(g, shared, Task.stack(g, batch), null);
                    float[] l = logits.toArray();
                    int c = task.classes;
                    if (task.type == TaskType.SEGMENTATION) {
                        int h = logits.dim(2), w = logits.dim(3);
                        int[] masks = Task.resizeMasks(batch, h, w);
                        for (int b = 0; b < batch.size(); b++) {
                            for (int p = 0; p < h * w; p++) {
                                int best = 0;
                                for (int k = 1; k < c; k++) if (l[(b * c + k) * h * w + p] > l[(b * c + best) * h * w + p]) best = k;
                                predicted.add(best);
                                target.add(masks[b * h * w + p]);
                            }
                        }
                    } else {
                        for (int b = 0; b < batch.size(); b++) {
                            double[] s = new double[c];
                            int best = 0;
                            for (int k = 0; k < c; k++) {
                                s[k] = l[b * c + k];
                                if (s[k] > s[best]) best = k;
                            }
                            scores.add(s);
                            predicted.add(best);
                            target.add(batch.get(b).label());
                            if (task.type == TaskType.MULTILABEL) truthVectors.add(batch.get(b).labels());
                        }
                    }
                }
            }
        } finally {
            shared.train(wasTraining);
            task.head.train(wasTraining);
        }
        int[] p = predicted.stream().mapToInt(Integer::intValue).toArray(), t = target.stream().mapToInt(Integer::intValue).toArray();
        Map<String, Double> m = new LinkedHashMap<>();
        if (task.type == TaskType.DETECTION) {
            m.put("ap50", DetectionMetrics.meanAp(detections, truths, task.classes, 0.5));
            m.put("map", DetectionMetrics.cocoMap(detections, truths, task.classes));
            return m;
        }
        if (task.type == TaskType.MULTILABEL) return multiLabel(scores, truthVectors, task.classes);
        if (task.type == TaskType.SEGMENTATION) {
            double[] dice = SegmentationMetrics.dice(p, t, task.classes, -1), iou = SegmentationMetrics.iou(p, t, task.classes, -1);
            m.put("dice", SegmentationMetrics.mean(java.util.Arrays.copyOfRange(dice, 1, dice.length)));
            m.put("iou", SegmentationMetrics.mean(java.util.Arrays.copyOfRange(iou, 1, iou.length)));
        } else {
            m.put("accuracy", ClassificationMetrics.accuracy(p, t));
            m.put("balanced_accuracy", ClassificationMetrics.balancedAccuracy(p, t, task.classes));
            m.put("macro_f1", ClassificationMetrics.macroF1(p, t, task.classes));
            m.put("auroc", ClassificationMetrics.aurocOneVsRest(scores.toArray(new double[0][]), t));
        }
        return m;
    }

    /**
     * Multi-label: {@code accuracy} over all (image, class) decisions at logit 0, {@code exact_match}
     * (every class right), and {@code auroc} averaged over the classes that have both positives
     * and negatives in the data (NaN if none).
     */
    static Map<String, Double> multiLabel(List<double[]> scores, List<float[]> truth, int classes) {
        long right = 0, exact = 0;
        for (int i = 0; i < scores.size(); i++) {
            boolean all = true;
            for (int k = 0; k < classes; k++) {
                boolean ok = (scores.get(i)[k] > 0) == (truth.get(i)[k] > 0.5f);
                right += ok ? 1 : 0;
                all &= ok;
            }
            exact += all ? 1 : 0;
        }
        double aucSum = 0;
        int aucN = 0;
        for (int k = 0; k < classes; k++) {
            double[] s = new double[scores.size()];
            boolean[] pos = new boolean[scores.size()];
            int np = 0;
            for (int i = 0; i < s.length; i++) {
                s[i] = scores.get(i)[k];
                pos[i] = truth.get(i)[k] > 0.5f;
                np += pos[i] ? 1 : 0;
            }
            if (np > 0 && np < s.length) {
                aucSum += ClassificationMetrics.auroc(s, pos);
                aucN++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", right / (double) Math.max(1, (long) scores.size() * classes));
        m.put("exact_match", exact / (double) Math.max(1, scores.size()));
        m.put("auroc", aucN == 0 ? Double.NaN : aucSum / aucN);
        return m;
    }
}

package org.umedpt.multitask.transfer;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.task.TaskData;
import org.umedpt.multitask.task.TaskType;

/**
 * A transfer target: a task with its train, validation and test splits. Built from a manifest
 * task ({@link TaskData}) or a synthetic one. {@code batchSize} is the fine-tuning batch.
 */
public record Target(String name, TaskType type, int classes, Dataset train, Dataset val, Dataset test, int batchSize) {
    public static Target of(TaskData d) {
        return new Target(d.spec().name(), d.spec().type(), d.classes(), d.train(), d.val(), d.test(), d.spec().batchSize());
    }

    /** A synthetic target at {@code size} px with the given split sizes (disjoint generator seeds). */
    public static Target synthetic(String name, int size, int train, int val, int test) {
        SyntheticTasks.Spec s = SyntheticTasks.spec(name);
        return new Target(name, s.type(), s.classes(), SyntheticTasks.dataset(name, size, train, 1001),
                SyntheticTasks.dataset(name, size, val, 2002), SyntheticTasks.dataset(name, size, test, 3003), 16);
    }

    /** The metric the study's curves and headline use for this task type. */
    public String primaryMetric() {
        return switch (type) {
            case MULTICLASS -> "accuracy";
            case MULTILABEL -> "auroc";
            case SEGMENTATION -> "dice";
            case DETECTION -> "ap50";
        };
    }

    /** One stratum per training example: the class for multi-class, −1 (unstratified) otherwise. */
    public int[] strata() {
        int[] s = new int[train.size()];
        for (int i = 0; i < s.length; i++) s[i] = type == TaskType.MULTICLASS ? train.get(i).label() : -1;
        return s;
    }

    /** The training split restricted to {@code indices} (draws, hence augmentations, pass through). */
    public Dataset trainSubset(int[] indices) {
        Dataset base = train;
        return new Dataset() {
            public String name() { return base.name(); }
            public int size() { return indices.length; }
            public org.umedpt.multitask.data.Sample get(int i) { return base.get(indices[i]); }
            public org.umedpt.multitask.data.Sample get(int i, long draw) { return base.get(indices[i], draw); }
            public int height() { return base.height(); }
            public int width() { return base.width(); }
        };
    }
}

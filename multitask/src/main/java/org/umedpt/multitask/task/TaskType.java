package org.umedpt.multitask.task;

/** The kinds of task one pretraining run mixes. */
public enum TaskType {
    /** One class per image; cross-entropy / ln C. */
    MULTICLASS,
    /** Any subset of classes per image; BCE / ln 2. */
    MULTILABEL,
    /** One class per pixel (−1 = ignore); soft Dice + focal / ln C. */
    SEGMENTATION,
    /** Boxes with classes; FCOS (not yet implemented). */
    DETECTION
}

package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;

import java.util.List;

/**
 * One example as a reader lists it, before anything is decoded: a {@code key} (the file name or
 * array row, stable across runs: splits hash it), a {@code group} (items of one group never land
 * in two splits; the key when none is given), a {@code stratum} (splits are stratified on it: the
 * class for classification), the image, and its target: a class index (−1 if none), a 0/1 vector,
 * a mask, or boxes (in the image's pixel coordinates).
 */
public record Item(String key, String group, String stratum, ImageRef image, int label, float[] labels, MaskRef mask, List<Box> boxes) {
    public Item withGroup(String g) {
        return new Item(key, g, stratum, image, label, labels, mask, boxes);
    }

    public Item withStratum(String s) {
        return new Item(key, group, s, image, label, labels, mask, boxes);
    }
}

package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;

import java.util.List;

/**
 * One example: an image (3, H, W), normalised, channel-major) and its target — a class index
 * (multi-class), a 0/1 vector (multi-label), a per-pixel class map with −1 = ignore
 * (segmentation), or boxes (detection). Unused targets are null / −1.
 */
public record Sample(float[] image, int height, int width, int label, float[] labels, int[] mask, List<Box> boxes) {
    public Sample {
        if (image.length != 3 * height * width) {
            throw new IllegalArgumentException("sample: image has " + image.length + " values, expected 3×" + height + "×" + width);
        }
        if (mask != null && mask.length != height * width) {
            throw new IllegalArgumentException("sample: mask has " + mask.length + " values, expected " + height + "×" + width);
        }
    }
}

package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;

import java.util.List;

/**
 * A decoded example before transforms: the image as 3 planes of h×w intensities in [0, 1]
 * (channel-major), and its target (class, 0/1 vector, per-pixel class ids, or boxes in pixels).
 */
public record Decoded(float[] image, int height, int width, int label, float[] labels, int[] mask, List<Box> boxes) {}

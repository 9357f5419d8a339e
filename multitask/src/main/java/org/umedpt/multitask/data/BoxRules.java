package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;

import java.util.List;
import java.util.Map;

/**
 * What a box reader does with boxes that cannot train: a box is clipped to the image; one with
 * no area left (zero width or height, as two of BCCD's, or wholly outside the image) is dropped and
 * counted under its reason, never silently.
 */
final class BoxRules {
    private BoxRules() {}

    static void add(List<Box> out, Map<String, Integer> skipped, float x1, float y1, float x2, float y2, int label, int w, int h) {
        if (!(x2 > x1 && y2 > y1)) {
            Source.count(skipped, "zero-area box");
            return;
        }
        float cx1 = Math.max(0, x1), cy1 = Math.max(0, y1), cx2 = Math.min(w, x2), cy2 = Math.min(h, y2);
        if (!(cx2 > cx1 && cy2 > cy1)) {
            Source.count(skipped, "box outside the image");
            return;
        }
        if (cx1 != x1 || cy1 != y1 || cx2 != x2 || cy2 != y2) Source.count(skipped, "box clipped to the image (kept)");
        out.add(Box.truth(cx1, cy1, cx2, cy2, label));
    }
}

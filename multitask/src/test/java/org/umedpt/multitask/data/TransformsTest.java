package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.eval.Box;
import org.umedpt.tensor.Rng;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image, mask and boxes stay aligned under every transform, and a seed fixes the result. */
class TransformsTest {
    /** A dark 40×60 image with a bright rectangle that is also the mask and the box. */
    private static Decoded scene() {
        int h = 40, w = 60;
        float[] img = new float[3 * h * w];
        int[] mask = new int[h * w];
        for (int y = 8; y < 20; y++) {
            for (int x = 30; x < 50; x++) {
                mask[y * w + x] = 1;
                for (int c = 0; c < 3; c++) img[(c * h + y) * w + x] = 1f;
            }
        }
        return new Decoded(img, h, w, -1, null, mask, List.of(Box.truth(30, 8, 50, 20, 0)));
    }

    @Test
    void maskImageAndBoxAgreeUnderRandomTransforms() {
        Transforms t = new Transforms(32, 32, 0.5, 1, 0.5, 0.5, true, 0, 0, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        for (int seed = 0; seed < 40; seed++) {
            Sample s = t.apply(scene(), new Rng(seed));
            int n = 32;
            int minX = n, minY = n, maxX = -1, maxY = -1, agree = 0, fg = 0;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int m = s.mask()[y * n + x];
                    boolean bright = s.image()[y * n + x] > 0.5f;
                    if (m == 1) {
                        fg++;
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                        if (bright) agree++;
                    }
                }
            }
            if (fg == 0) {
                assertTrue(s.boxes().isEmpty() || s.boxes().get(0).area() < 4, "seed " + seed + ": no mask left but a box " + s.boxes());
                continue;
            }
            assertTrue(agree >= 0.9 * fg, "seed " + seed + ": mask and bright pixels disagree (" + agree + " of " + fg + ")");
            if (fg < 6) continue; // a sliver at the crop edge: its box may have been dropped
            assertEquals(1, s.boxes().size(), "seed " + seed);
            Box b = s.boxes().get(0);
            assertEquals(minX, b.x1(), 1.5, "seed " + seed + " x1");
            assertEquals(maxX + 1, b.x2(), 1.5, "seed " + seed + " x2");
            assertEquals(minY, b.y1(), 1.5, "seed " + seed + " y1");
            assertEquals(maxY + 1, b.y2(), 1.5, "seed " + seed + " y2");
        }
    }

    @Test
    void aSeedFixesTheResultAndEvaluationOnlyResizes() {
        Transforms t = new Transforms(16, 24, 0.3, 1, 0.5, 0.5, false, 0.2, 0.2, Transforms.IMAGENET_MEAN, Transforms.IMAGENET_STD);
        assertArrayEquals(t.apply(scene(), new Rng(5)).image(), t.apply(scene(), new Rng(5)).image());
        Sample e = t.evaluation().apply(scene(), new Rng(5));
        Sample plain = t.evaluation().apply(scene(), null);
        assertArrayEquals(plain.image(), e.image());
        assertEquals(Box.truth(12, 3.2f, 20, 8, 0), plain.boxes().get(0)); // 60×40 → 24×16: x · 0.4, y · 0.4
        assertEquals((0 - 0.485f) / 0.229f, plain.image()[0], 1e-6);
    }
}

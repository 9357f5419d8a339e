package org.umedpt.multitask.loss;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.eval.Box;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FcosTest {
    @Test
    void assignmentByContainmentScaleRangeAndSmallestBox() {
        // one image, level 0: 4×4 at stride 8 (centres 4, 12, 20, 28); level 1: 2×2 at stride 16 (8, 24)
        List<int[]> levels = List.of(new int[] {1, 4, 4, 8}, new int[] {1, 2, 2, 16});
        Box small = Box.truth(0, 0, 16, 16, 0);     // contains centres (4,4), (4,12), (12,4), (12,12)
        Box large = Box.truth(0, 0, 30, 30, 1);     // contains all 16 level-0 centres
        Fcos.Targets t = Fcos.assign(levels, List.of(List.of(large, small)), 2);
        // level-0 location (y 0, x 0) at (4, 4): both boxes contain it; the smaller wins → class 0
        assertArrayEquals(new float[] {1, 0}, java.util.Arrays.copyOfRange(t.classes(), 0, 2));
        assertArrayEquals(new float[] {4, 4, 12, 12}, java.util.Arrays.copyOfRange(t.distances(), 0, 4));
        assertTrue(t.centerness()[row(1, 1)] > 0, "(12, 12) is positive");
        // (28, 28) is only in the large box: class 1, distances 28, 28, 2, 2
        int r = row(3, 3);
        assertArrayEquals(new float[] {0, 1}, java.util.Arrays.copyOfRange(t.classes(), 2 * r, 2 * r + 2));
        assertEquals((float) Math.sqrt((2.0 / 28) * (2.0 / 28)), t.centerness()[r], 1e-6);
        // every level-0 location is positive (all max distances ≤ 64), no level-1 location is (range (64, 128])
        assertEquals(16, t.positives().length);
        for (int p : t.positives()) assertTrue(p < 16);
    }

    /** Row of level-0 location (y, x) of the only image. */
    private static int row(int y, int x) {
        return y * 4 + x;
    }

    @Test
    void nmsKeepsTheBestPerClassAndSuppressesOverlaps() {
        Box a = new Box(0, 0, 10, 10, 0, 0.9f), b = new Box(1, 1, 11, 11, 0, 0.8f), c = new Box(1, 1, 11, 11, 1, 0.7f),
                d = new Box(30, 30, 40, 40, 0, 0.6f);
        List<Box> keep = Fcos.nms(List.of(d, c, b, a), 0.5f, 100);
        assertEquals(List.of(a, c, d), keep); // b overlaps a (IoU 0.68) in the same class; c is another class
        assertEquals(List.of(a), Fcos.nms(List.of(a, b, c, d), 0.5f, 1));
    }
}

package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.umedpt.multitask.data.TestData.fails;

/** Image + mask pairs: mapping, 0/255, instance folders unioned, outlines filled, and the bad cases. */
class SegmentationReaderTest {
    @TempDir
    Path dir;

    private static final Decoder BINARY = new Decoder(Double.NaN, Double.NaN, Map.of(0, 0, 255, 1));

    @Test
    void pairsByTemplateAndMapsValues() {
        TestData.grayPng(dir.resolve("img/0.png"), 4, 6, (y, x) -> 100);
        TestData.grayPng(dir.resolve("lab/0.png"), 4, 6, (y, x) -> x < 3 ? 0 : 255);
        Source s = MaskPairReader.read(dir.resolve("img"), null, dir.resolve("lab"), "{name}", false, 2);
        Decoded d = new Decoder(Double.NaN, Double.NaN, Map.of(0, 1, 255, 0)).decode(s.items().get(0));
        assertEquals(1, d.mask()[0]);
        assertEquals(0, d.mask()[5]);
        assertEquals(100 / 255f, d.image()[0], 1e-6);
        assertEquals(100 / 255f, d.image()[2 * 24], 1e-6); // gray repeated on 3 channels
    }

    @Test
    void unionsInstanceMasksInTheDsbLayout() {
        Path root = dir.resolve("stage1_train");
        TestData.grayPng(root.resolve("id1/images/id1.png"), 4, 4, (y, x) -> 0);
        TestData.grayPng(root.resolve("id1/masks/m1.png"), 4, 4, (y, x) -> y == 0 ? 255 : 0);
        TestData.grayPng(root.resolve("id1/masks/m2.png"), 4, 4, (y, x) -> y == 3 ? 255 : 0);
        Source s = MaskPairReader.read(root, "*/images/*.png", root, "{stem}/masks", false, 2);
        assertEquals(1, s.items().size());
        int[] m = BINARY.decode(s.items().get(0)).mask();
        assertEquals(8, java.util.Arrays.stream(m).sum());
        assertEquals(1, m[0]);
        assertEquals(0, m[5]);
        assertEquals(1, m[15]);
    }

    @Test
    void fillsClosedOutlines() {
        TestData.grayPng(dir.resolve("a/001_HC.png"), 9, 9, (y, x) -> 50);
        // a square outline from (2,2) to (6,6): inside 3×3 = 9 pixels, outline 16
        TestData.grayPng(dir.resolve("a/001_HC_Annotation.png"), 9, 9,
                (y, x) -> (y >= 2 && y <= 6 && x >= 2 && x <= 6 && (y == 2 || y == 6 || x == 2 || x == 6)) ? 255 : 0);
        Source s = MaskPairReader.read(dir.resolve("a"), "*HC.png", dir.resolve("a"), "{stem}_Annotation.png", true, 2);
        assertEquals(1, s.items().size()); // the annotation file itself is not an image
        int[] m = BINARY.decode(s.items().get(0)).mask();
        assertEquals(25, java.util.Arrays.stream(m).sum());
        assertEquals(1, m[4 * 9 + 4]);
        assertEquals(0, m[0]);
    }

    @Test
    void badPairsNameBothFiles() {
        TestData.grayPng(dir.resolve("i/a.png"), 4, 4, (y, x) -> 0);
        Files.exists(dir);
        fails(() -> MaskPairReader.read(dir.resolve("i"), null, dir.resolve("i"), "{stem}_mask.png", false, 2),
                "image " + dir.resolve("i/a.png"), "no mask: expected " + dir.resolve("i/a_mask.png"));
        TestData.grayPng(dir.resolve("m/a.png"), 5, 4, (y, x) -> 0);
        fails(() -> MaskPairReader.read(dir.resolve("i"), null, dir.resolve("m"), "{name}", false, 2), "a.png is 4×4 (w×h)", "is 4×5", "same size");
        TestData.grayPng(dir.resolve("m2/a.png"), 4, 4, (y, x) -> x == 1 ? 128 : 0);
        Source s = MaskPairReader.read(dir.resolve("i"), null, dir.resolve("m2"), "{name}", false, 2);
        fails(() -> BINARY.decode(s.items().get(0)), "mask " + dir.resolve("m2/a.png"), "pixel value 128 at (x 1, y 0)", "not in the mask mapping");
        fails(() -> MaskPairReader.read(dir.resolve("i"), "*.tif", dir.resolve("m"), "{name}", false, 2), "no images matching '*.tif'");
    }

    @Test
    void readsTheRealHc18AndDsbLayouts() {
        Path data = TestData.sharedData();
        Path hc = data.resolve("hc18-fetal-head/training_set");
        Source s = MaskPairReader.read(hc, "*HC.png", hc, "{stem}_Annotation.png", true, 2);
        assertEquals(200, s.items().size());
        int[] m = BINARY.decode(s.items().get(0)).mask();
        long inside = java.util.Arrays.stream(m).filter(v -> v == 1).count();
        // 000_HC: head circumference 44.3 mm at 0.069135804 mm/px (the CSV): a circle of that perimeter holds ~32,700 px
        double r = 44.3 / 0.069135804 / (2 * Math.PI);
        assertEquals(1.0, inside / (Math.PI * r * r), 0.1, "HC18 000_HC: filled area " + inside + " px");
        Path dsb = data.resolve("dsb2018-nuclei/stage1_train");
        Source d = MaskPairReader.read(dsb, "*/images/*.png", dsb, "{stem}/masks", false, 2);
        assertEquals(170, d.items().size());
        assertEquals(7953, d.items().stream().mapToInt(i -> i.mask().parts().size()).sum());
        Map<String, Long> groups = d.items().stream().collect(Collectors.groupingBy(Item::key, Collectors.counting()));
        assertEquals(170, groups.size());
    }
}

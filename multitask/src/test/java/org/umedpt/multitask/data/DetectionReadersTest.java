package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.eval.Box;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.umedpt.multitask.data.TestData.fails;

/** Pascal VOC XML and COCO JSON boxes: coordinates, skipped boxes counted, and malformed files. */
class DetectionReadersTest {
    @TempDir
    Path dir;

    static String voc(String file, String objects) {
        return "<annotation><filename>" + file + "</filename><size><width>20</width><height>10</height></size>" + objects + "</annotation>";
    }

    static String obj(String name, int x1, int y1, int x2, int y2) {
        return "<object><name>" + name + "</name><bndbox><xmin>" + x1 + "</xmin><ymin>" + y1 + "</ymin><xmax>" + x2 + "</xmax><ymax>" + y2
                + "</ymax></bndbox></object>";
    }

    @Test
    void vocBoxesWithZeroAreaCountedAndDropped() {
        TestData.rgb(dir.resolve("img/a.jpg"), "jpg", 10, 20, (y, x) -> 0);
        TestData.text(dir.resolve("ann/a.xml"), voc("a.jpg", obj("RBC", 1, 2, 5, 6) + obj("WBC", 3, 3, 3, 3) + obj("WBC", 15, 5, 25, 9)));
        TestData.text(dir.resolve("train.txt"), "a\n");
        Source s = VocReader.read(dir.resolve("ann"), dir.resolve("img"), List.of("RBC", "WBC"), Map.of(Source.Split.TRAIN, dir.resolve("train.txt")));
        List<Box> b = s.items().get(0).boxes();
        assertEquals(2, b.size());
        assertEquals(Box.truth(1, 2, 5, 6, 0), b.get(0));
        assertEquals(Box.truth(15, 5, 20, 9, 1), b.get(1)); // clipped to the 20 px wide image
        assertEquals(1, s.skipped().get("zero-area box"));
        assertEquals(1, s.skipped().get("box clipped to the image (kept)"));
        assertEquals(1, s.ownSplits().get(Source.Split.TRAIN).size());
        assertEquals(0, s.ownSplits().get(Source.Split.TEST).size());
    }

    @Test
    void vocErrorsNameTheFile() {
        TestData.rgb(dir.resolve("img/a.jpg"), "jpg", 10, 20, (y, x) -> 0);
        TestData.text(dir.resolve("u/a.xml"), voc("a.jpg", obj("Platelet", 1, 2, 5, 6)));
        fails(() -> VocReader.read(dir.resolve("u"), dir.resolve("img"), List.of("RBC"), null), "a.xml", "unknown class name 'Platelet'", "[RBC]");
        TestData.text(dir.resolve("m/a.xml"), "<annotation><filename>a.jpg</filename>");
        fails(() -> VocReader.read(dir.resolve("m"), dir.resolve("img"), List.of("RBC"), null), "a.xml", "malformed XML");
        TestData.text(dir.resolve("x/a.xml"), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<annotation><filename>a.jpg</filename><object><name>&e;</name></object></annotation>");
        fails(() -> VocReader.read(dir.resolve("x"), dir.resolve("img"), List.of("RBC"), null), "a.xml", "malformed XML", "DOCTYPE");
        TestData.text(dir.resolve("n/a.xml"), voc("gone.jpg", ""));
        fails(() -> VocReader.read(dir.resolve("n"), dir.resolve("img"), List.of("RBC"), null), "gone.jpg", "file not found");
        TestData.text(dir.resolve("s/a.xml"), voc("a.jpg", obj("RBC", 1, 1, 4, 4)));
        TestData.text(dir.resolve("val.txt"), "a\nb\n");
        fails(() -> VocReader.read(dir.resolve("s"), dir.resolve("img"), List.of("RBC"), Map.of(Source.Split.VAL, dir.resolve("val.txt"))),
                "val.txt line 2", "image id 'b' has no annotation");
    }

    @Test
    void cocoBoxesAreXywhAndCrowdIsSkipped() {
        TestData.rgb(dir.resolve("img/a.png"), "png", 10, 20, (y, x) -> 0);
        TestData.text(dir.resolve("c.json"), """
                {"images": [{"id": 7, "file_name": "a.png", "width": 20, "height": 10}],
                 "categories": [{"id": 3, "name": "cell"}, {"id": 1, "name": "blob"}],
                 "annotations": [{"image_id": 7, "category_id": 3, "bbox": [2, 1, 4, 5], "iscrowd": 0},
                                 {"image_id": 7, "category_id": 1, "bbox": [0, 0, 8, 8], "iscrowd": 1},
                                 {"image_id": 7, "category_id": 1, "bbox": [30, 0, 5, 5]}]}""");
        Source s = CocoReader.read(dir.resolve("c.json"), dir.resolve("img"), null);
        assertEquals(List.of("blob", "cell"), s.classes()); // category id order
        assertEquals(List.of(Box.truth(2, 1, 6, 6, 1)), s.items().get(0).boxes());
        assertEquals(1, s.skipped().get("crowd annotation"));
        assertEquals(1, s.skipped().get("box outside the image"));
    }

    @Test
    void cocoErrorsNameTheEntry() {
        TestData.rgb(dir.resolve("img/a.png"), "png", 10, 20, (y, x) -> 0);
        TestData.text(dir.resolve("bad.json"), "{\"images\": [");
        fails(() -> CocoReader.read(dir.resolve("bad.json"), dir.resolve("img"), null), "bad.json", "malformed JSON");
        TestData.text(dir.resolve("ref.json"), """
                {"images": [{"id": 1, "file_name": "a.png", "width": 20, "height": 10}], "categories": [{"id": 1, "name": "x"}],
                 "annotations": [{"image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]}]}""");
        fails(() -> CocoReader.read(dir.resolve("ref.json"), dir.resolve("img"), null), "annotations[0].image_id 2 is not in 'images'");
        TestData.text(dir.resolve("box.json"), """
                {"images": [{"id": 1, "file_name": "a.png", "width": 20, "height": 10}], "categories": [{"id": 1, "name": "x"}],
                 "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]}""");
        fails(() -> CocoReader.read(dir.resolve("box.json"), dir.resolve("img"), null), "annotations[0].bbox is [0,0,1]", "[x, y, width, height]");
        fails(() -> CocoReader.read(dir.resolve("box.json"), dir.resolve("img"), List.of("y")), "category 1 'x' is not a class name");
    }

    @Test
    void readsTheRealBccd() {
        Path b = TestData.sharedData().resolve("bccd/BCCD");
        Path m = b.resolve("ImageSets/Main");
        Source s = VocReader.read(b.resolve("Annotations"), b.resolve("JPEGImages"), List.of("RBC", "WBC", "Platelets"),
                Map.of(Source.Split.TRAIN, m.resolve("train.txt"), Source.Split.VAL, m.resolve("val.txt"), Source.Split.TEST, m.resolve("test.txt")));
        assertEquals(364, s.items().size());
        assertEquals(2, s.skipped().get("zero-area box"));
        assertEquals(4888 - 2, s.items().stream().mapToInt(i -> i.boxes().size()).sum());
        assertEquals(205, s.ownSplits().get(Source.Split.TRAIN).size());
        assertEquals(87, s.ownSplits().get(Source.Split.VAL).size());
        assertEquals(72, s.ownSplits().get(Source.Split.TEST).size());
    }
}

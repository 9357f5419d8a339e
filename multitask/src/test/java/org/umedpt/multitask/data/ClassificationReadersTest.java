package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.umedpt.multitask.data.TestData.fails;

/** Image folders, CSV manifests (single and multi-label) and MedMNIST npz files. */
class ClassificationReadersTest {
    @TempDir
    Path dir;

    @Test
    void folderReaderTakesClassesFromSubFolders() {
        TestData.grayPng(dir.resolve("f/cat/a.png"), 4, 4, (y, x) -> 1);
        TestData.grayPng(dir.resolve("f/cat/deep/b.png"), 4, 4, (y, x) -> 1);
        TestData.grayPng(dir.resolve("f/dog/c.png"), 4, 4, (y, x) -> 1);
        Source s = FolderReader.read(dir.resolve("f"), null, 2);
        assertEquals(List.of("cat", "dog"), s.classes());
        assertEquals(3, s.items().size());
        assertEquals(1, s.items().get(2).label());
        assertNull(s.ownSplits());
        fails(() -> FolderReader.read(dir.resolve("f"), List.of("cat", "cow"), 2), "sub-folder 'dog' is not a class name", "[cat, cow]");
        fails(() -> FolderReader.read(dir.resolve("nope"), null, 2), "nope", "folder not found");
    }

    @Test
    void csvReaderSingleAndMultiLabel() {
        TestData.grayPng(dir.resolve("img/a.png"), 4, 4, (y, x) -> 1);
        TestData.grayPng(dir.resolve("img/b.png"), 4, 4, (y, x) -> 1);
        Path csv = TestData.text(dir.resolve("labels.csv"), "file,label,split,x,y\nimg/a.png,normal,train,1,0\n\"img/b.png\",tumour,val,1,1\n");
        Source s = CsvReader.read(csv, dir, "file", "label", null, null, "split");
        assertEquals(List.of("normal", "tumour"), s.classes());
        assertEquals(1, s.items().get(1).label());
        assertEquals(1, s.ownSplits().get(Source.Split.VAL).size());
        Source m = CsvReader.read(csv, dir, "file", null, List.of("x", "y"), null, null);
        assertArrayEquals(new float[] {1, 1}, m.items().get(1).labels());
        assertEquals(List.of("x", "y"), m.classes());

        fails(() -> CsvReader.read(csv, dir, "file", "label", null, List.of("normal", "benign"), null),
                "labels.csv line 3", "unknown class name 'tumour'", "[normal, benign]");
        Path bad = TestData.text(dir.resolve("bad.csv"), "file,x\nimg/a.png,2\n");
        fails(() -> CsvReader.read(bad, dir, "file", null, List.of("x"), null, null), "bad.csv line 2", "holds '2', expected 0 or 1");
        fails(() -> CsvReader.read(csv, dir, "path", "label", null, null, null), "no column 'path'", "[file, label, split, x, y]");
        Path ragged = TestData.text(dir.resolve("ragged.csv"), "file,label\nimg/a.png\n");
        fails(() -> CsvReader.read(ragged, dir, "file", "label", null, null, null), "ragged.csv line 2", "1 fields, expected 2");
        Path missing = TestData.text(dir.resolve("missing.csv"), "file,label\nimg/zzz.png,a\n");
        fails(() -> CsvReader.read(missing, dir, "file", "label", null, null, null), "missing.csv line 2", "zzz.png", "file not found");
    }

    /** A tiny MedMNIST-style npz: gray (N, 2, 2) or RGB (N, 2, 2, 3), labels (N, 1). */
    static Path npz(Path p, boolean rgb, Map<String, byte[]> override) {
        java.util.Map<String, byte[]> e = new java.util.LinkedHashMap<>();
        for (String s : new String[] {"train", "val", "test"}) {
            int n = 2, c = rgb ? 3 : 1;
            byte[] img = new byte[n * 4 * c];
            for (int i = 0; i < img.length; i++) img[i] = (byte) (i * 7);
            e.put(s + "_images.npy", TestData.npyU1(rgb ? new int[] {n, 2, 2, 3} : new int[] {n, 2, 2}, img));
            e.put(s + "_labels.npy", TestData.npyU1(new int[] {n, 1}, new byte[] {0, 1}));
        }
        e.putAll(override);
        return TestData.zip(p, e);
    }

    @Test
    void npzReaderKeepsTheOwnSplitAndChannels() {
        Source s = NpzReader.read(npz(dir.resolve("g.npz"), false, Map.of()), false, null);
        assertEquals(2, s.ownSplits().get(Source.Split.TEST).size());
        assertEquals(List.of("0", "1"), s.classes());
        assertEquals(1, s.items().get(0).image().read().channels());
        var rgb = NpzReader.read(npz(dir.resolve("c.npz"), true, Map.of()), false, null).items().get(1).image().read();
        assertEquals(3, rgb.channels());
        // item 1, pixel (0, 1), channel 2 is byte 12 + 3 + 2 = 17 of the array: 17 * 7
        assertEquals(17 * 7, (int) rgb.at(2, 0, 1));
    }

    @Test
    void malformedNpzNamesTheArray() {
        Path noLabels = npz(dir.resolve("a.npz"), false, Map.of("val_labels.npy", "junk that is no npy".getBytes()));
        fails(() -> NpzReader.read(noLabels, false, null), "a.npz:val_labels.npy", "not a .npy array");
        Path wrongShape = npz(dir.resolve("b.npz"), false, Map.of("train_labels.npy", TestData.npyU1(new int[] {3, 1}, new byte[3])));
        fails(() -> NpzReader.read(wrongShape, false, null), "train_labels has shape [3, 1]", "expected (2, 1)");
        Path notZip = TestData.text(dir.resolve("c.npz"), "definitely not a zip file");
        fails(() -> NpzReader.read(notZip, false, null), "c.npz", "not a valid zip/npz file");
        fails(() -> NpzReader.read(npz(dir.resolve("d.npz"), false, Map.of()), false, List.of("only-one")), "labels need 2 classes");
    }

    @Test
    void readsTheRealBreastMnist() {
        Path p = TestData.sharedData().resolve("medmnist/breastmnist.npz");
        Source s = NpzReader.read(p, false, List.of("malignant", "normal_benign"));
        assertEquals(546, s.ownSplits().get(Source.Split.TRAIN).size());
        assertEquals(78, s.ownSplits().get(Source.Split.VAL).size());
        assertEquals(156, s.ownSplits().get(Source.Split.TEST).size());
        assertEquals(147, s.ownSplits().get(Source.Split.TRAIN).stream().filter(i -> i.label() == 0).count());
        assertEquals(28, s.items().get(0).image().read().height());
    }
}

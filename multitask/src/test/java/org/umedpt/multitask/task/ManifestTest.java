package org.umedpt.multitask.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.TestData;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.umedpt.multitask.data.TestData.fails;

/** Manifest validation: every error names the key path, what was found and what was expected. */
class ManifestTest {
    @TempDir
    Path dir;

    private Path manifest(String tasks) {
        TestData.grayPng(dir.resolve("cls/a/1.png"), 8, 8, (y, x) -> 0);
        TestData.grayPng(dir.resolve("seg/img/1.png"), 8, 8, (y, x) -> 0);
        return TestData.text(dir.resolve("m.yaml"), "training: {rounds: 5}\ntasks:\n" + tasks);
    }

    private static final String CLS = "  - {name: c, type: classification, input_size: 32, reader: {format: folder, root: cls}}\n";

    @Test
    void aValidManifestParsesWithDefaults() {
        Manifest m = Manifest.read(manifest(CLS + "  - name: s\n    type: segmentation\n    input_size: [32, 48]\n"
                + "    reader: {format: masks, images: seg/img, mapping: {0: 0, 255: 2}}\n"
                + "    transforms: {random_resized_crop: {scale: [0.5, 1]}, hflip: 0.5}\n    split: {method: ordered, val: 0.2, test: 0.2}\n"));
        assertEquals(5, m.training().rounds());
        assertEquals("nano", m.encoderName());
        assertEquals(2, m.tasks().size());
        Manifest.TaskSpec s = m.tasks().get(1);
        assertEquals(48, s.width());
        assertEquals(2, s.reader().mapping().get(255));
        assertEquals(dir.resolve("seg/img"), s.reader().masks()); // masks default to the image folder
        assertEquals(0.5, s.transforms().scaleMin());
        assertEquals(8, s.batchSize());
    }

    @Test
    void errorsNameTheKeyPath() {
        fails(() -> Manifest.read(TestData.text(dir.resolve("a.yaml"), "taks: []\n")), "a.yaml", "taks: unknown key", "did you mean 'tasks'?");
        fails(() -> Manifest.read(manifest(CLS + "  - {name: s, type: segmentation, input_size: 32, reader: {format: masks, images: seg/img, masks: nope}}\n")),
                "tasks[1].reader.masks: folder " + dir.resolve("nope") + " not found");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classification, input_size: 32, batch_size: eight, reader: {format: folder, root: cls}}\n")),
                "tasks[0].batch_size: expected an integer, found 'eight' (text)");
        fails(() -> Manifest.read(manifest("  - {name: c, type: segmentation, input_size: 32, reader: {format: npz, path: m.yaml}}\n")),
                "tasks[0].reader.format: found 'npz', a segmentation task expects one of [masks]");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classification, reader: {format: folder, root: cls}}\n")), "tasks[0].input_size: missing");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classification, input_size: [32, 48], transforms: {rot90: true}, reader: {format: folder, root: cls}}\n")),
                "tasks[0].transforms.rot90: needs a square input_size, found 32×48");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classification, input_size: 32, reader: {format: folder, root: cls, roots: x}}\n")),
                "tasks[0].reader.roots: unknown key", "did you mean 'root'?");
        fails(() -> Manifest.read(manifest(CLS + CLS)), "tasks[1].name: 'c' is used by two tasks");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classify, input_size: 32, reader: {format: folder, root: cls}}\n")),
                "tasks[0].type: found 'classify', expected one of [classification, detection, multilabel, segmentation]");
        fails(() -> Manifest.read(manifest("  - {name: c, type: classification, input_size: 32, split: {val: 0.6, test: 0.5}, reader: {format: folder, root: cls}}\n")),
                "tasks[0].split: val 0.6 + test 0.5 >= 1");
        fails(() -> Manifest.read(TestData.text(dir.resolve("t.yaml"), "training: {rounds: 0}\ntasks: []\n")),
                "training.rounds: found 0, expected an integer in [1, ");
        fails(() -> Manifest.read(TestData.text(dir.resolve("e.yaml"), "encoder: huge\ntasks: []\n")), "encoder: found 'huge'");
        fails(() -> Manifest.read(TestData.text(dir.resolve("n.yaml"), "tasks: []\n")), "tasks: empty list");
        fails(() -> Manifest.read(TestData.text(dir.resolve("o.yaml"), "training:\n  optimizer: {lr: fast}\ntasks: []\n")),
                "training.optimizer.lr: expected a number, found 'fast' (text)");
    }

    @Test
    void malformedYamlAndDuplicateKeysAreRefused() {
        fails(() -> Manifest.read(TestData.text(dir.resolve("bad.yaml"), "tasks: [\n  - name: x\n")), "bad.yaml", "not valid YAML at line");
        fails(() -> Manifest.read(TestData.text(dir.resolve("dup.yaml"), "tasks: []\ntasks: []\n")), "dup.yaml", "not valid YAML", "tasks");
        fails(() -> Manifest.read(TestData.text(dir.resolve("list.yaml"), "- a\n- b\n")), "list.yaml", "expected a mapping");
        fails(() -> Manifest.read(dir.resolve("absent.yaml")), "absent.yaml", "file not found");
    }
}

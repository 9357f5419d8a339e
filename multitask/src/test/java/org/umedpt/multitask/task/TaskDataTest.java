package org.umedpt.multitask.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.Item;
import org.umedpt.multitask.data.Source;
import org.umedpt.multitask.data.TestData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.umedpt.multitask.data.TestData.fails;

/** Building a task's data: split checks, grouping, and the real dev manifest. */
class TaskDataTest {
    @TempDir
    Path dir;

    private Manifest.TaskSpec task(String yaml) {
        return Manifest.read(TestData.text(dir.resolve("m.yaml"), "tasks:\n" + yaml)).tasks().get(0);
    }

    @Test
    void emptySplitsAndMissingClassesAreErrors() {
        for (int i = 0; i < 2; i++) TestData.grayPng(dir.resolve("f/a/" + i + ".png"), 8, 8, (y, x) -> 0);
        for (int i = 0; i < 6; i++) TestData.grayPng(dir.resolve("f/b/" + i + ".png"), 8, 8, (y, x) -> 0);
        fails(() -> TaskData.build(task("  - {name: c, type: classification, input_size: 16, split: {val: 0.0, test: 0.2}, reader: {format: folder, root: f}}\n"), 0),
                "tasks[0] (c): the val split is empty", "expected at least one example");
        fails(() -> TaskData.build(task("  - {name: c, type: classification, input_size: 16, split: {val: 0.2, test: 0.2}, reader: {format: folder, root: f}}\n"), 0),
                "class 'a' has no example in the", "split");
        fails(() -> TaskData.build(task("  - {name: c, type: classification, input_size: 16, split: {method: own}, reader: {format: folder, root: f}}\n"), 0),
                "split.method is 'own' but the folder source has no split of its own");
        fails(() -> TaskData.build(task("  - {name: c, type: classification, input_size: 16, split: {group: '^(\\d+)_'}, reader: {format: folder, root: f}}\n"), 0),
                "tasks[0].split.group: file name '0.png' does not match");
    }

    @Test
    void hc18SubjectsNeverSpanTwoSplits() {
        Path data = TestData.sharedData();
        Path ts = data.resolve("hc18-fetal-head/training_set");
        TaskData d = TaskData.build(task("  - name: hc\n    type: segmentation\n    input_size: 32\n    reader: {format: masks, images: " + ts
                + ", glob: '*HC.png', mask_name: '{stem}_Annotation.png', fill_outlines: true}\n    split: {val: 0.15, test: 0.15, group: '^(\\d+)_'}\n"), 0);
        Map<String, Source.Split> subject = new HashMap<>();
        Pattern p = Pattern.compile("^(\\d+)_");
        for (Source.Split s : Source.Split.values()) {
            for (Item it : d.split(s).items()) {
                Matcher m = p.matcher(it.key());
                m.find();
                Source.Split prev = subject.put(m.group(1), s);
                if (prev != null) assertEquals(prev, s, "subject " + m.group(1));
            }
        }
        assertEquals(162, subject.size());
        assertEquals(200, d.train().size() + d.val().size() + d.test().size());
    }

    @Test
    void theDevManifestValidatesAndBuilds() {
        TestData.sharedData();
        Path m = Path.of("../examples/dev-data.yaml");
        if (!Files.exists(m)) m = Path.of("examples/dev-data.yaml");
        Manifest man = Manifest.read(m);
        assertEquals(6, man.tasks().size());
        assertNull(man.tasks().stream().filter(t -> t.name().startsWith("pneumonia")).findAny().orElse(null));
        Map<String, Integer> train = new HashMap<>();
        for (Manifest.TaskSpec s : man.tasks()) train.put(s.name(), TaskData.build(s, 0).train().size());
        assertEquals(546, train.get("breastmnist"));
        assertEquals(205, train.get("bccd"));
        assertEquals(21, train.get("isbi-em"));
    }
}

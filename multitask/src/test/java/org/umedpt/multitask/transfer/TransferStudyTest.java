package org.umedpt.multitask.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.cpu.CpuBackend;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny study end to end on a synthetic target (a 1-stage Swin at 16 px), and its resume. */
class TransferStudyTest {
    private static final SwinConfig TINY = new SwinConfig(1, 4, 8, new int[] {1, 1}, new int[] {1, 2}, 2, 2f, 0, 0f);

    private static TransferStudy.Options options() {
        return new TransferStudy.Options(new double[] {0.25, 1.0}, List.of("frozen-all", "finetune"), 2,
                new FineTuner.Options(1, 4, 4, 1e-3f, 1e-2f, 0.01f, 0.25f, 2, 2, 32), 20, 32);
    }

    @Test
    void runsEveryCellWritesSplitsAndSkipsDoneCellsOnRerun(@TempDir Path dir) throws Exception {
        Target t = Target.synthetic("cells-shape", 16, 24, 12, 12);
        List<EncoderRef> encoders = List.of(EncoderRef.random(TINY));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Cell> cells;
        try (CpuBackend cpu = new CpuBackend(1)) {
            cells = new TransferStudy(cpu, dir, options(), new PrintStream(log, true, StandardCharsets.UTF_8)).run(encoders, List.of(t));
        }
        assertEquals(2 * 2 * 2, cells.size(), "2 seeds × 2 modes × 2 fractions");
        String first = log.toString(StandardCharsets.UTF_8);
        assertTrue(first.contains("  random finetune 25% seed=0 step=2/4 val_accuracy="), "a fine-tuning cell reports each validation: " + first);
        for (Cell c : cells) {
            double acc = c.metrics().get("accuracy");
            assertTrue(acc >= 0 && acc <= 1, c.toJson());
            double[] ci = c.intervals().get("accuracy");
            assertTrue(ci[0] <= acc + 1e-9 && acc <= ci[1] + 1e-9, c.toJson());
            assertEquals(c.key().fraction() == 1.0 ? 24 : 6, c.trainCount(), c.toJson());
        }
        assertTrue(Files.isRegularFile(dir.resolve("splits").resolve("cells-shape-seed1-f25.json")));
        try (Stream<Path> f = Files.list(dir.resolve("features"))) {
            assertEquals(2 * 3, f.count(), "one file per (random init per seed, split)");
        }
        Path one = dir.resolve(cells.get(0).key().file());
        FileTime before = Files.getLastModifiedTime(one);
        String firstCell = cells.get(0).toJson();

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        List<Cell> rerun;
        try (CpuBackend cpu = new CpuBackend(1)) {
            rerun = new TransferStudy(cpu, dir, options(), new PrintStream(again, true, StandardCharsets.UTF_8)).run(encoders, List.of(t));
        }
        String text = again.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("cell "), text);
        assertTrue(text.contains("cells 8 of 8 were already done"), text);
        assertEquals(before, Files.getLastModifiedTime(one));
        assertEquals(firstCell, rerun.get(0).toJson());
    }

    @Test
    void aMissingCellIsTheOnlyOneRecomputed(@TempDir Path dir) throws Exception {
        Target t = Target.synthetic("ultrasound-target", 16, 16, 8, 8);
        TransferStudy.Options o = new TransferStudy.Options(new double[] {1.0}, List.of("frozen"), 2, options().fineTune(), 0, 32);
        List<EncoderRef> encoders = List.of(EncoderRef.random(TINY));
        try (CpuBackend cpu = new CpuBackend(1)) {
            List<Cell> cells = new TransferStudy(cpu, dir, o, new PrintStream(new ByteArrayOutputStream())).run(encoders, List.of(t));
            Files.delete(dir.resolve(cells.get(1).key().file()));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<Cell> again = new TransferStudy(cpu, dir, o, new PrintStream(log, true, StandardCharsets.UTF_8)).run(encoders, List.of(t));
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("cell 2/2 ") && !text.contains("cell 1/2 "), text);
            assertEquals(cells.get(1).metrics(), again.get(1).metrics(), "the recomputed cell is the same (deterministic)");
        }
    }

    @Test
    void segmentationCellsCarryBootstrapIntervals(@TempDir Path dir) {
        Target t = Target.synthetic("cells-seg", 16, 16, 8, 12);
        TransferStudy.Options o = new TransferStudy.Options(new double[] {1.0}, List.of("frozen", "finetune"), 1, options().fineTune(), 20, 32);
        List<Cell> cells;
        try (CpuBackend cpu = new CpuBackend(1)) {
            cells = new TransferStudy(cpu, dir, o, new PrintStream(new ByteArrayOutputStream())).run(List.of(EncoderRef.random(TINY)), List.of(t));
        }
        assertEquals(2, cells.size());
        for (Cell c : cells) {
            assertEquals("dice", c.metric());
            for (String m : List.of("dice", "iou")) {
                double v = c.metrics().get(m);
                double[] ci = c.intervals().get(m);
                assertTrue(ci != null && ci[0] <= v + 1e-9 && v <= ci[1] + 1e-9, m + " " + c.toJson()); // ScoringTest checks their values
            }
        }
    }

    /** Two labels: the first channel bright, the third channel bright (independent draws). */
    private static Dataset twoLabels(int n, long seed) {
        return new Dataset() {
            public String name() { return "channels"; }
            public int size() { return n; }
            public int height() { return 16; }
            public int width() { return 16; }
            public Sample get(int i) {
                Rng r = new Rng(seed * 1000 + i);
                float[] labels = {r.nextFloat() < 0.5f ? 1 : 0, r.nextFloat() < 0.5f ? 1 : 0};
                float[] img = new float[3 * 16 * 16];
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            float v = (float) r.nextGaussian() * 0.3f + (c == 0 ? labels[0] : c == 2 ? labels[1] : 0);
                            img[(c * 16 + y) * 16 + x] = v;
                        }
                    }
                }
                return new Sample(img, 16, 16, -1, labels, null, null);
            }
        };
    }

    @Test
    void multiLabelTargetsGetOneProbePerLabelFrozenAndAHeadFineTuned(@TempDir Path dir) {
        Target t = new Target("channels", TaskType.MULTILABEL, 2, twoLabels(48, 1), twoLabels(24, 2), twoLabels(40, 3), 8);
        TransferStudy.Options o = new TransferStudy.Options(new double[] {1.0}, List.of("frozen-all", "finetune"), 1, options().fineTune(), 20, 32);
        List<Cell> cells;
        try (CpuBackend cpu = new CpuBackend(1)) {
            cells = new TransferStudy(cpu, dir, o, new PrintStream(new ByteArrayOutputStream())).run(List.of(EncoderRef.random(TINY)), List.of(t));
        }
        Cell frozen = cells.get(0), tuned = cells.get(1);
        assertEquals("frozen-all", frozen.key().mode());
        assertTrue(frozen.details().get("probe").startsWith("per label: C="), frozen.toJson());
        assertTrue(frozen.metrics().get("auroc") > 0.9, "the channels' brightness is linearly visible in pooled features: " + frozen.toJson());
        for (Cell c : cells) {
            assertEquals("auroc", c.metric());
            double[] ci = c.intervals().get("auroc");
            double v = c.metrics().get("auroc");
            assertTrue(ci[0] <= v + 1e-9 && v <= ci[1] + 1e-9, c.toJson());
            assertTrue(c.metrics().containsKey("exact_match"), c.toJson());
        }
        assertTrue(tuned.details().containsKey("steps"), tuned.toJson());
    }
}

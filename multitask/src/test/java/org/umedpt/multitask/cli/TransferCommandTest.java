package org.umedpt.multitask.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The new verbs' contract: --help on each, user errors as one line with exit 2, nothing written on refusal. */
class TransferCommandTest {
    @Test
    void everyVerbHasHelpWithoutFormattingWarnings() {
        for (String verb : new String[] {"transfer", "evaluate", "demo", "pretrain", "features", "bench", "memprofile"}) {
            PretrainCommandTest.Result r = PretrainCommandTest.cli(verb, "--help");
            assertEquals(0, r.code(), verb + ": " + r.err());
            assertTrue(r.out().contains("Usage: umedpt " + verb), r.out());
            assertFalse((r.out() + r.err()).contains("picocli WARN"), verb + ": a '%' in a description must be written '%%': " + r.err());
        }
        PretrainCommandTest.Result root = PretrainCommandTest.cli("--help");
        assertFalse((root.out() + root.err()).contains("picocli WARN"), root.err());
    }

    @Test
    void cudaWithoutADeviceIsOneLineNamingWhatIsMissing(@TempDir Path dir) {
        Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidia0")), "a GPU is present: --device cuda would run");
        PretrainCommandTest.Result r = PretrainCommandTest.cli("demo", "--device", "cuda", "--out", dir.resolve("d").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("CUDA backend unavailable") && r.err().contains("LD_LIBRARY_PATH"), r.err());
        assertFalse(Files.exists(dir.resolve("d").resolve("pretrain")), "nothing trained");
        r = PretrainCommandTest.cli("pretrain", "--device", "cuda", "--manifest", "../examples/dev-data.yaml", "--out", dir.resolve("p").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("CUDA backend unavailable"), r.err());
    }

    @Test
    void missingFilesAreOneLineExitTwo(@TempDir Path dir) throws Exception {
        PretrainCommandTest.Result r = PretrainCommandTest.cli("transfer", "--encoder", dir.resolve("none.safetensors").toString(),
                "--manifest", dir.resolve("none.yaml").toString(), "--out", dir.resolve("s").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("none.yaml"), r.err());
        Path bad = Files.writeString(dir.resolve("bad.safetensors"), "not a safetensors file");
        r = PretrainCommandTest.cli("evaluate", "--encoder", bad.toString(), "--manifest", dir.resolve("none.yaml").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /** pretrain (2 rounds) → transfer of all three task types, frozen and fine-tuned → evaluate → features through the reader. */
    @Test
    void pretrainThenTransferEvaluateAndFeaturesOnAManifest(@TempDir Path dir) throws Exception {
        Path m = PretrainCommandTest.fixture(dir, 2, 2);
        PretrainCommandTest.Result r = PretrainCommandTest.cli("pretrain", "--manifest", m.toString(), "--out", dir.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        Path enc = dir.resolve("run/encoder.safetensors");
        r = PretrainCommandTest.cli("transfer", "--encoder", enc.toString(), "--manifest", m.toString(), "--out", dir.resolve("study").toString(),
                "--fractions", "50,100", "--seeds", "1", "--steps", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cell 24/24 "), r.out());
        assertTrue(r.out().contains("headline:") && r.out().contains("cls frozen: random at 100 %"), r.out());
        String csv = Files.readString(dir.resolve("study/results.csv"));
        assertTrue(csv.contains("seg,frozen,pretrained,1,0,") && csv.contains(",dice,") && csv.contains("det,finetune,random,0.5,0,"), csv);
        for (String f : new String[] {"report.md", "efficiency-cls.png", "efficiency-seg.png", "efficiency-det.png", "pretrain-loss.png"}) {
            assertTrue(Files.isRegularFile(dir.resolve("study").resolve(f)), f);
        }
        r = PretrainCommandTest.cli("evaluate", "--encoder", dir.resolve("run/checkpoint.safetensors").toString(), "--manifest", m.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("eval task=cls split=test") && r.out().contains("eval task=seg split=test n=2 dice=")
                && r.out().contains("eval task=det split=test"), r.out());
        Path cfg = Files.writeString(dir.resolve("cfg.json"),
                "{\"version\": 1, \"patch_size\": 4, \"embed_dim\": 12, \"depths\": [2, 2], \"num_heads\": [2, 4], \"window_size\": 4, \"mlp_ratio\": 2.0}");
        r = PretrainCommandTest.cli("features", "--config", cfg.toString(), "--weights", enc.toString(), "--manifest", m.toString(), "--task", "cls",
                "--split", "train", "--output", dir.resolve("f.safetensors").toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pooled(4,24)"), r.out()); // the 4 training images of the hashed split
    }
}

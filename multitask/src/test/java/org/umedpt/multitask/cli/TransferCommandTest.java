package org.umedpt.multitask.cli;

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
    void everyVerbHasHelp() {
        for (String verb : new String[] {"transfer", "evaluate", "demo"}) {
            PretrainCommandTest.Result r = PretrainCommandTest.cli(verb, "--help");
            assertEquals(0, r.code(), verb + ": " + r.err());
            assertTrue(r.out().contains("Usage: umedpt " + verb), r.out());
        }
    }

    @Test
    void cudaIsNotAvailableYet(@TempDir Path dir) {
        PretrainCommandTest.Result r = PretrainCommandTest.cli("demo", "--device", "cuda", "--out", dir.resolve("d").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--device cuda: not available"), r.err());
        assertFalse(Files.exists(dir.resolve("d").resolve("pretrain")), "nothing trained");
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
}

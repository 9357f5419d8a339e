package org.umedpt.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.tensor.Tensor;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @Test
    void writesReplaceWholeFilesReadableByOthersAndLeaveNoTempFiles(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("sub").resolve("report.md"), weights = dir.resolve("sub").resolve("w.safetensors");
        AtomicFiles.write(report, "first");
        AtomicFiles.write(report, "second");
        SafeTensors.write(weights, Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        assertEquals("second", Files.readString(report));
        try (Stream<Path> files = Files.list(report.getParent())) {
            assertEquals(2, files.count(), "only the two targets, no temp file left");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            for (Path p : new Path[] {report, weights}) {
                assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        assertTrue(Files.size(weights) > 8);
    }
}

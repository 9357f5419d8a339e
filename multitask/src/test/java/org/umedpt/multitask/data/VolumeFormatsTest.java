package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.io.Dicom;
import org.umedpt.multitask.data.io.DicomTest;
import org.umedpt.multitask.data.io.NiftiTest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DICOM and NIfTI through the readers: slices become examples, and the manifest's window maps intensities. */
class VolumeFormatsTest {
    @TempDir
    Path dir;

    @Test
    void aFolderOfDicomAndNiftiFilesListsEverySliceAndAppliesTheWindow() throws IOException {
        ByteBuffer px = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {-100, 0, 50, 100}) px.putShort((short) v);
        Files.createDirectories(dir.resolve("f/ct"));
        Files.createDirectories(dir.resolve("f/mr"));
        Files.write(dir.resolve("f/ct/a.dcm"), DicomTest.file(Dicom.EXPLICIT_LE, 2, 2, 16, 1, 1, 0, px.array()));
        Files.write(dir.resolve("f/mr/v.nii"), NiftiTest.nifti1(ByteOrder.LITTLE_ENDIAN, 1, 0, new int[] {4, 3, 2}));
        Source s = FolderReader.read(dir.resolve("f"), null, 2);
        assertEquals(List.of("ct", "mr"), s.classes());
        assertEquals(List.of("ct/a.dcm", "mr/v.nii#0", "mr/v.nii#1"), s.items().stream().map(Item::key).toList());

        Decoded ct = new Decoder(0, 100, Map.of()).decode(s.items().get(0)); // window [-50, 50]
        assertEquals(0f, ct.image()[0]);
        assertEquals(0.5f, ct.image()[1]);
        assertEquals(1f, ct.image()[2]);
        Decoded mr = new Decoder(Double.NaN, Double.NaN, Map.of()).decode(s.items().get(2)); // no window: the slice's min..max
        assertEquals(3, mr.height());
        assertEquals(0f, mr.image()[0]);
        assertEquals(1f, mr.image()[3 * 4 - 1]);
    }
}

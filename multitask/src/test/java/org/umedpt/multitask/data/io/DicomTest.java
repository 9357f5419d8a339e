package org.umedpt.multitask.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.umedpt.multitask.data.TestData.fails;

/**
 * The DICOM reader on files written here byte by byte, and on pydicom's test files (Debian's
 * python3-pydicom; skipped with a reason when absent). Expected values come from pydicom 2.3:
 * CT_small.dcm pixel_array[0, 0] = 175 with RescaleIntercept −1024; MR_small (explicit LE,
 * implicit LE and explicit BE copies) flat[0] = 905, flat[2055] = 293, max 2145, window 600/1600.
 */
public class DicomTest {
    @TempDir
    Path dir;

    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private static Path pydicom(String name) {
        Path p = PYDICOM.resolve(name);
        assumeTrue(Files.isRegularFile(p), p + " is absent (apt-get install python3-pydicom): skipping");
        return p;
    }

    @Test
    void readsPydicomFilesInAllThreeUncompressedSyntaxes() {
        for (String n : new String[] {"MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"}) {
            Pixels p = Dicom.read(pydicom(n), 0);
            assertEquals(64, p.height(), n);
            assertEquals(64, p.width(), n);
            assertEquals(905f, p.data()[0], n);
            assertEquals(293f, p.data()[64 * 32 + 7], n);
            float max = Float.NEGATIVE_INFINITY;
            for (float v : p.data()) max = Math.max(max, v);
            assertEquals(2145f, max, n);
            assertEquals(600, p.windowCenter(), n);
            assertEquals(1600, p.windowWidth(), n);
        }
    }

    @Test
    void appliesRescaleSlopeAndIntercept() {
        Pixels p = Dicom.read(pydicom("CT_small.dcm"), 0);
        assertEquals(128, p.height());
        assertEquals(175f - 1024f, p.data()[0]);
    }

    @Test
    void refusesCompressedSyntaxesByName() {
        // the files are looked up outside the lambdas: a missing one must skip the test, not count as the wrong exception
        Path jpeg2000 = pydicom("JPEG2000.dcm"), rle = pydicom("MR_small_RLE.dcm"), truncated = pydicom("MR_truncated.dcm");
        fails(() -> Dicom.read(jpeg2000, 0), "JPEG2000.dcm", "1.2.840.10008.1.2.4.91", "JPEG 2000", "not supported");
        fails(() -> Dicom.read(rle, 0), "1.2.840.10008.1.2.5 (RLE Lossless)");
        fails(() -> Dicom.read(truncated, 0), "MR_truncated.dcm", "truncated");
    }

    /** Preamble, DICM, a meta group with the transfer syntax, then an explicit-LE image data set. */
    public static byte[] file(String syntax, int rows, int cols, int bits, int pixelRep, double slope, double intercept, byte[] pixels) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[128]);
        b.writeBytes("DICM".getBytes(StandardCharsets.ISO_8859_1));
        String ts = syntax.length() % 2 == 1 ? syntax + "\0" : syntax;
        element(b, 0x0002, 0x0010, "UI", ts.getBytes(StandardCharsets.ISO_8859_1));
        element(b, 0x0028, 0x0002, "US", u16(1));
        element(b, 0x0028, 0x0004, "CS", "MONOCHROME2 ".getBytes(StandardCharsets.ISO_8859_1));
        element(b, 0x0028, 0x0010, "US", u16(rows));
        element(b, 0x0028, 0x0011, "US", u16(cols));
        element(b, 0x0028, 0x0100, "US", u16(bits));
        element(b, 0x0028, 0x0103, "US", u16(pixelRep));
        element(b, 0x0028, 0x1052, "DS", even(Double.toString(intercept)));
        element(b, 0x0028, 0x1053, "DS", even(Double.toString(slope)));
        element(b, 0x7FE0, 0x0010, "OW", pixels);
        return b.toByteArray();
    }

    private static byte[] even(String s) {
        return (s.length() % 2 == 1 ? s + " " : s).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    private static void element(ByteArrayOutputStream b, int group, int elem, String vr, byte[] value) {
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) group).putShort((short) elem).put(vr.getBytes(StandardCharsets.ISO_8859_1));
        if (vr.equals("OW") || vr.equals("OB")) h.putShort((short) 0).putInt(value.length);
        else h.putShort((short) value.length);
        b.write(h.array(), 0, h.position());
        b.writeBytes(value);
    }

    @Test
    void readsAHandWrittenSignedFileWithRescale() throws IOException {
        ByteBuffer px = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {-1000, 0, 1, 2, 300, -5}) px.putShort((short) v);
        Path f = Files.write(dir.resolve("a.dcm"), file(Dicom.EXPLICIT_LE, 2, 3, 16, 1, 2.0, -10, px.array()));
        Pixels p = Dicom.read(f, 0);
        assertEquals(2, p.height());
        assertEquals(3, p.width());
        assertArrayEquals(new float[] {-2010, -10, -8, -6, 590, -20}, p.data());
    }

    @Test
    void badFilesNameTheProblem() throws IOException {
        Path compressed = Files.write(dir.resolve("c.dcm"), file("1.2.840.10008.1.2.4.50", 2, 2, 8, 0, 1, 0, new byte[4]));
        fails(() -> Dicom.read(compressed, 0), "c.dcm", "compressed transfer syntax 1.2.840.10008.1.2.4.50 (JPEG Baseline)");
        Path huge = Files.write(dir.resolve("h.dcm"), file(Dicom.EXPLICIT_LE, 60000, 60000, 16, 0, 1, 0, new byte[8]));
        fails(() -> Dicom.read(huge, 0), "h.dcm", "pixel data holds 8 bytes", "60000×60000");
        Path empty = Files.write(dir.resolve("e.dcm"), new byte[0]);
        fails(() -> Dicom.read(empty, 0), "e.dcm", "empty file");
        Path text = Files.writeString(dir.resolve("t.dcm"), "hello, this is not a DICOM file at all");
        fails(() -> Dicom.read(text, 0), "t.dcm", "not a DICOM file");
        byte[] ok = file(Dicom.EXPLICIT_LE, 2, 2, 8, 0, 1, 0, new byte[4]);
        Path cut = Files.write(dir.resolve("cut.dcm"), java.util.Arrays.copyOf(ok, ok.length - 2));
        fails(() -> Dicom.read(cut, 0), "cut.dcm", "truncated");
        fails(() -> Dicom.read(dir.resolve("missing.dcm"), 0), "missing.dcm", "file not found");
    }
}

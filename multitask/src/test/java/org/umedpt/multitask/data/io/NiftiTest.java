package org.umedpt.multitask.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.umedpt.multitask.data.TestData.fails;

/** The NIfTI reader on volumes written here (both versions, both byte orders, gzip) and on nibabel's test files. */
public class NiftiTest {
    @TempDir
    Path dir;

    /** A 4×3×2 int16 volume with value x + 10y + 100z, scaled by slope/intercept. */
    public static byte[] nifti1(ByteOrder order, float slope, float inter, int[] dims) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        ByteBuffer b = ByteBuffer.allocate(352 + nx * ny * nz * 2).order(order);
        b.putInt(0, 348);
        short[] dim = {3, (short) nx, (short) ny, (short) nz, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, dim[i]);
        b.putShort(70, (short) 4).putShort(72, (short) 16).putFloat(108, 352f).putFloat(112, slope).putFloat(116, inter);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
        int at = 352;
        for (int z = 0; z < nz && 352 + nx * ny * nz * 2 <= b.capacity(); z++) {
            for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++, at += 2) b.putShort(at, (short) (x + 10 * y + 100 * z));
        }
        return b.array();
    }

    static byte[] nifti2(int nx, int ny, int nz) {
        ByteBuffer b = ByteBuffer.allocate(544 + nx * ny * nz * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 540);
        b.put(4, (byte) 'n').put(5, (byte) '+').put(6, (byte) '2').put(7, (byte) 0);
        b.putShort(12, (short) 16).putShort(14, (short) 32);
        long[] dim = {3, nx, ny, nz, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putLong(16 + 8 * i, dim[i]);
        b.putLong(168, 544).putDouble(176, 0).putDouble(184, 0);
        int at = 544;
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++, at += 4) b.putFloat(at, x + 10 * y + 100 * z);
        return b.array();
    }

    @Test
    void slicesAlongEachAxisWithScaling() throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Path f = Files.write(dir.resolve("v" + order + ".nii"), nifti1(order, 2f, 1f, new int[] {4, 3, 2}));
            Pixels z1 = Nifti.slice(f, 2, 1); // (y, x) at z = 1
            assertEquals(3, z1.height());
            assertEquals(4, z1.width());
            assertEquals(2 * (3 + 10 * 2 + 100) + 1, z1.at(0, 2, 3), order.toString());
            Pixels y2 = Nifti.slice(f, 1, 2); // (z, x) at y = 2
            assertEquals(2, y2.height());
            assertEquals(2 * (1 + 20 + 100) + 1, y2.at(0, 1, 1));
            Pixels x3 = Nifti.slice(f, 0, 3); // (z, y) at x = 3
            assertEquals(2, x3.height());
            assertEquals(3, x3.width());
            assertEquals(2 * (3 + 10 + 0) + 1, x3.at(0, 0, 1));
        }
    }

    @Test
    void readsGzipAndNifti2() throws IOException {
        Path gz = dir.resolve("v.nii.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(nifti2(5, 4, 3));
        }
        Pixels p = Nifti.slice(gz, 2, 2);
        assertEquals(4, p.height());
        assertEquals(5, p.width());
        assertEquals(4 + 30 + 200, p.at(0, 3, 4));
        assertEquals(3, Nifti.header(gz).slices(2));
    }

    @Test
    void readsNibabelsExampleFiles() throws IOException {
        Path wheel = Path.of("/opt/pypi/files/nibabel-5.4.2-py3-none-any.whl");
        assumeTrue(Files.isRegularFile(wheel), wheel + " is absent: skipping the nibabel sample files");
        try (ZipFile z = new ZipFile(wheel.toFile())) {
            for (String n : new String[] {"anatomical.nii", "example_nifti2.nii.gz"}) {
                Path f = dir.resolve(n);
                try (InputStream in = z.getInputStream(z.getEntry("nibabel/tests/data/" + n))) {
                    Files.copy(in, f);
                }
                Nifti.Header h = Nifti.header(f);
                assertEquals(n.contains("nifti2") ? 2 : 1, h.version(), n);
                Pixels p = Nifti.slice(f, 2, (int) h.slices(2) / 2);
                boolean varied = false;
                for (float v : p.data()) varied |= v != p.data()[0];
                assertTrue(varied, n + ": the middle slice is constant");
            }
        }
    }

    @Test
    void badHeadersNameTheProblem() throws IOException {
        byte[] ok = nifti1(ByteOrder.LITTLE_ENDIAN, 1, 0, new int[] {4, 3, 2});
        byte[] magic = ok.clone();
        magic[345] = 'x';
        Path m = Files.write(dir.resolve("m.nii"), magic);
        fails(() -> Nifti.slice(m, 2, 0), "m.nii", "magic", "expected 'n+1'");
        byte[] huge = nifti1(ByteOrder.LITTLE_ENDIAN, 1, 0, new int[] {4, 3, 2});
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 30000).putShort(44, (short) 30000).putShort(46, (short) 30000);
        Path h = Files.write(dir.resolve("h.nii"), huge);
        fails(() -> Nifti.slice(h, 2, 0), "h.nii", "declares a volume of 30000×30000×30000", "limit");
        byte[] big = ok.clone();
        ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).putShort(46, (short) 200);
        Path t = Files.write(dir.resolve("t.nii"), big);
        fails(() -> Nifti.slice(t, 2, 0), "t.nii", "truncated NIfTI", "4×3×200");
        Path junk = Files.write(dir.resolve("j.nii"), new byte[400]);
        fails(() -> Nifti.slice(junk, 2, 0), "j.nii", "sizeof_hdr is 0, expected 348");
        Path empty = Files.write(dir.resolve("e.nii.gz"), new byte[0]);
        fails(() -> Nifti.slice(empty, 2, 0), "e.nii.gz", "empty file");
        Path notGz = Files.write(dir.resolve("n.nii.gz"), ok);
        fails(() -> Nifti.slice(notGz, 2, 0), "n.nii.gz", "not a gzip file");
        Path okFile = Files.write(dir.resolve("ok.nii"), ok);
        fails(() -> Nifti.slice(okFile, 2, 5), "slice 5 along axis 2", "has 2");
    }
}

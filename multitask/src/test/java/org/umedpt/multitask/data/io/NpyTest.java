package org.umedpt.multitask.data.io;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.data.TestData;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.umedpt.multitask.data.TestData.fails;

class NpyTest {
    private static Npy.Array read(byte[] b) {
        try {
            return Npy.read(new ByteArrayInputStream(b), "x.npy", b.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsUint8AndFloat32InVersions1And2() {
        Npy.Array a = read(TestData.npyU1(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, (byte) 250}));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(250, a.get(5));
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Npy.Array b = read(TestData.npy("<f4", new int[] {2}, f.array(), 2));
        assertEquals(-2.0, b.get(1));
        assertArrayEquals(new int[] {2}, b.shape());
    }

    @Test
    void badMagicDtypeOrderAndHeaderAreRefused() {
        byte[] ok = TestData.npyU1(new int[] {2}, new byte[] {1, 2});
        byte[] magic = ok.clone();
        magic[1] = 'X';
        fails(() -> read(magic), "x.npy", "not a .npy array", "\\x93NUMPY");
        fails(() -> read(TestData.npy(">f4", new int[] {1}, new byte[4], 1)), "dtype '>f4' is not supported");
        byte[] fortran = new String(ok, java.nio.charset.StandardCharsets.ISO_8859_1).replace("False", "True ")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fails(() -> read(fortran), "Fortran order");
        byte[] noShape = new String(ok, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'shape'", "'shapX'")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fails(() -> read(noShape), "malformed .npy header", "'shape'");
    }

    @Test
    void aHugeDeclaredShapeFailsBeforeAllocating() {
        byte[] b = TestData.npyU1(new int[] {100000, 100000, 100}, new byte[16]);
        fails(() -> read(b), "declares shape [100000, 100000, 100]", "bytes");
    }

    @Test
    void truncatedDataIsReported() {
        byte[] b = TestData.npyU1(new int[] {10}, new byte[10]);
        byte[] cut = Arrays.copyOf(b, b.length - 3);
        try {
            fails(() -> {
                try {
                    Npy.read(new ByteArrayInputStream(cut), "x.npy", -1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "x.npy: truncated", "found 7 of 10 bytes");
        } finally {
            fails(() -> read(cut), "the file holds only 7");
        }
    }
}

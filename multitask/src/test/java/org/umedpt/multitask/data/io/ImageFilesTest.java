package org.umedpt.multitask.data.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.data.TestData;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.umedpt.multitask.data.TestData.fails;

/** ImageIO formats at 8 and 16 bits, gray/RGB/RGBA/palette, and broken files. */
class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsGrayRgbAlphaAndPaletteImages() {
        Pixels g = ImageFiles.read(TestData.grayPng(dir.resolve("g.png"), 3, 5, (y, x) -> 10 * y + x), 0, 2);
        assertEquals(1, g.channels());
        assertEquals(255, g.maxValue());
        assertEquals(23f, g.at(0, 2, 3));
        assertArrayEquals(new int[] {3, 5}, ImageFiles.size(dir.resolve("g.png"), 2));

        Pixels c = ImageFiles.read(TestData.rgb(dir.resolve("c.png"), "png", 2, 2, (y, x) -> 0x102030 + x), 0, 2);
        assertEquals(3, c.channels());
        assertEquals(0x10, (int) c.at(0, 1, 1));
        assertEquals(0x31, (int) c.at(2, 1, 1));

        BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(1, 0, 0x80405060);
        Pixels a = ImageFiles.read(TestData.write(rgba, "png", dir.resolve("a.png")), 0, 2);
        assertEquals(3, a.channels()); // alpha dropped
        assertEquals(0x40, (int) a.at(0, 0, 1));

        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
        pal.setRGB(0, 0, 0xFF0000);
        Pixels p = ImageFiles.read(TestData.write(pal, "png", dir.resolve("p.png")), 0, 2);
        assertEquals(3, p.channels());
        assertEquals(255, (int) p.at(0, 0, 0));
    }

    @Test
    void reads16BitPngAndTiffAndBmpAndJpeg() {
        for (String fmt : new String[] {"png", "tiff"}) {
            BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
            img.getRaster().setSample(2, 1, 0, 60000);
            Pixels p = ImageFiles.read(TestData.write(img, fmt, dir.resolve("u16." + fmt)), 0, 2);
            assertEquals(65535, p.maxValue(), fmt);
            assertEquals(60000f, p.at(0, 1, 2), fmt);
        }
        Pixels b = ImageFiles.read(TestData.rgb(dir.resolve("b.bmp"), "bmp", 2, 3, (y, x) -> 0x00FF00), 0, 2);
        assertEquals(255, (int) b.at(1, 1, 2));
        Pixels j = ImageFiles.read(TestData.rgb(dir.resolve("j.jpg"), "jpg", 16, 16, (y, x) -> 0x808080), 0, 2);
        assertEquals(128, j.at(0, 8, 8), 3);
    }

    @Test
    void brokenFilesNameTheFile() throws IOException {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        fails(() -> ImageFiles.read(empty, 0, 2), "empty.png", "empty file (0 bytes)");
        byte[] png = TestData.pngBytes(new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY));
        Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        fails(() -> ImageFiles.read(cut, 0, 2), "cut.png", "corrupt or truncated image");
        Path text = Files.writeString(dir.resolve("text.png"), "not an image");
        fails(() -> ImageFiles.read(text, 0, 2), "text.png", "not a readable image");
        fails(() -> ImageFiles.read(dir.resolve("nope.png"), 0, 2), "nope.png", "file not found");
    }

    @Test
    void aPngHeaderDeclaringAHugeImageFailsBeforeDecoding() throws IOException {
        byte[] png = TestData.pngBytes(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY));
        // IHDR data starts at byte 16: width, height (big endian), then 5 bytes; its CRC covers type + data
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        b.putInt(16, 100000).putInt(20, 100000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        Path huge = Files.write(dir.resolve("huge.png"), png);
        fails(() -> ImageFiles.read(huge, 0, 2), "huge.png", "header declares 100000×100000 pixels", "limit");
    }
}

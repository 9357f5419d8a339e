package org.umedpt.multitask.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Small files written at test time (PNG, NPY/NPZ), the shared-data lookup, and a message assertion. */
public final class TestData {
    private TestData() {}

    /** ../shared/data from the repository root or the module folder; tests on real data skip (visibly) without it. */
    public static Path sharedData() {
        for (String c : new String[] {"../shared/data", "../../shared/data"}) {
            Path p = Path.of(c).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) return p;
        }
        assumeTrue(false, "../shared/data (the real dev datasets) is absent: skipping the real-data test");
        return null;
    }

    /** An 8-bit gray PNG whose pixel (y, x) is f(y, x). */
    public static Path grayPng(Path p, int h, int w, IntBinaryOperator f) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, f.applyAsInt(y, x));
        return write(img, "png", p);
    }

    /** An RGB image (format png, jpg, bmp, tiff) whose pixel (y, x) is f(y, x) as 0xRRGGBB. */
    public static Path rgb(Path p, String format, int h, int w, IntBinaryOperator f) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, f.applyAsInt(y, x));
        return write(img, format, p);
    }

    public static Path write(BufferedImage img, String format, Path p) {
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            if (!ImageIO.write(img, format, p.toFile())) throw new IllegalStateException("no ImageIO writer for " + format);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A .npy v1.0 array of uint8 values. */
    public static byte[] npyU1(int[] shape, byte[] data) {
        return npy("|u1", shape, data, 1);
    }

    public static byte[] npy(String dtype, int[] shape, byte[] data, int version) {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) s.append(d).append(", ");
        if (shape.length > 1) s.setLength(s.length() - 2);
        s.append(")");
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + s + ", }";
        int pre = version == 1 ? 10 : 12;
        int total = (pre + header.length() + 1 + 63) / 64 * 64;
        header = header + " ".repeat(total - pre - header.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) version).put((byte) 0);
        if (version == 1) b.putShort((short) header.length());
        else b.putInt(header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    public static Path zip(Path p, Map<String, byte[]> entries) {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] pngBytes(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Runs {@code r}, expects an IllegalArgumentException whose message contains every fragment; returns the message. */
    public static String fails(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        return e.getMessage();
    }

    public static Path text(Path p, String s) {
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            return Files.writeString(p, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

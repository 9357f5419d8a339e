package org.umedpt.multitask.data.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * A small strict reader of NIfTI-1 and NIfTI-2 single files ({@code .nii}, {@code .nii.gz}),
 * either byte order, that returns 2-D slices of the first volume along a chosen axis (0 = x,
 * 1 = y, 2 = z), with {@code scl_slope}/{@code scl_inter} applied (slope 0 means "no scaling", as
 * the standard says). Data types: uint8, int8, int16, uint16, int32, uint32, float32, float64.
 * A slice along axis {@code a} is the image with the remaining two axes as (rows, columns) in
 * storage order: axis 2 → (y, x), axis 1 → (z, x), axis 0 → (z, y). No reorientation by the
 * affine is done. Pairs ({@code .hdr}/{@code .img}) are refused.
 * Reference: nifti1.h and nifti2.h from nifti.nimh.nih.gov; nibabel's nifti1.py.
 */
public final class Nifti {
    private Nifti() {}

    /** The largest voxel block read (bytes). */
    public static final long MAX_BYTES = 1L << 31;

    public record Header(int version, boolean bigEndian, long[] dims, int datatype, int bitpix, long voxOffset, double slope,
                         double intercept) {
        /** Number of slices along {@code axis}. */
        public long slices(int axis) {
            return dims[axis];
        }

        long voxels() {
            return dims[0] * dims[1] * dims[2];
        }
    }

    public static Header header(Path file) {
        try (InputStream in = open(file)) {
            byte[] b = in.readNBytes(540);
            return parse(file, b);
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read NIfTI header: " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new DataFormatException(file + ": file not found");
        if (Files.size(file) == 0) throw new DataFormatException(file + ": empty file (0 bytes), expected a NIfTI image");
        InputStream raw = Files.newInputStream(file);
        if (!file.getFileName().toString().endsWith(".gz")) return new java.io.BufferedInputStream(raw);
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw new DataFormatException(file + ": not a gzip file (" + e.getMessage() + "), expected .nii.gz");
        }
    }

    static Header parse(Path file, byte[] b) {
        if (b.length < 348) throw new DataFormatException(file + ": truncated NIfTI header: " + b.length + " bytes, expected at least 348");
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int size = le.getInt(0);
        ByteOrder order;
        if (size == 348 || size == 540) order = ByteOrder.LITTLE_ENDIAN;
        else if (Integer.reverseBytes(size) == 348 || Integer.reverseBytes(size) == 540) order = ByteOrder.BIG_ENDIAN;
        else throw new DataFormatException(file + ": sizeof_hdr is " + size + ", expected 348 (NIfTI-1) or 540 (NIfTI-2)");
        ByteBuffer h = ByteBuffer.wrap(b).order(order);
        size = h.getInt(0);
        long[] dims = new long[8];
        int datatype, bitpix;
        long vox;
        double slope, inter;
        int version;
        if (size == 348) {
            version = 1;
            String magic = new String(b, 344, 4, StandardCharsets.ISO_8859_1);
            if (magic.equals("ni1\0")) throw new DataFormatException(file + ": a NIfTI-1 header/image pair (.hdr/.img); expected a single .nii file");
            if (!magic.equals("n+1\0")) throw new DataFormatException(file + ": NIfTI-1 magic is '" + printable(magic) + "', expected 'n+1'");
            for (int i = 0; i < 8; i++) dims[i] = h.getShort(40 + 2 * i);
            datatype = h.getShort(70);
            bitpix = h.getShort(72);
            vox = (long) h.getFloat(108);
            slope = h.getFloat(112);
            inter = h.getFloat(116);
        } else {
            version = 2;
            if (b.length < 540) throw new DataFormatException(file + ": truncated NIfTI-2 header: " + b.length + " bytes, expected 540");
            String magic = new String(b, 4, 4, StandardCharsets.ISO_8859_1);
            if (!magic.equals("n+2\0")) throw new DataFormatException(file + ": NIfTI-2 magic is '" + printable(magic) + "', expected 'n+2'");
            datatype = h.getShort(12);
            bitpix = h.getShort(14);
            for (int i = 0; i < 8; i++) dims[i] = h.getLong(16 + 8 * i);
            vox = h.getLong(168);
            slope = h.getDouble(176);
            inter = h.getDouble(184);
        }
        long nd = dims[0];
        if (nd < 2 || nd > 7) throw new DataFormatException(file + ": dim[0] is " + nd + ", expected 2 to 7 dimensions");
        long[] xyz = {dims[1], nd >= 2 ? dims[2] : 1, nd >= 3 ? dims[3] : 1};
        for (int i = 0; i < 3; i++) {
            if (xyz[i] < 1 || xyz[i] > 1 << 20) throw new DataFormatException(file + ": dim[" + (i + 1) + "] is " + xyz[i] + ", expected 1 to 1048576");
        }
        int expectBits = switch (datatype) {
            case 2, 256 -> 8;
            case 4, 512 -> 16;
            case 8, 768, 16 -> 32;
            case 64 -> 64;
            default -> throw new DataFormatException(file + ": NIfTI datatype " + datatype + " is not supported; expected uint8 (2), int8 (256), "
                    + "int16 (4), uint16 (512), int32 (8), uint32 (768), float32 (16) or float64 (64)");
        };
        if (bitpix != expectBits) throw new DataFormatException(file + ": bitpix is " + bitpix + ", datatype " + datatype + " needs " + expectBits);
        long minOffset = version == 1 ? 348 : 540;
        if (vox < minOffset) throw new DataFormatException(file + ": vox_offset is " + vox + ", expected at least " + minOffset);
        if (!Double.isFinite(slope) || slope == 0) {
            slope = 1;
            inter = 0;
        } else if (!Double.isFinite(inter)) {
            inter = 0;
        }
        Header hd = new Header(version, order == ByteOrder.BIG_ENDIAN, xyz, datatype, bitpix, vox, slope, inter);
        long bytes = hd.voxels() * (bitpix / 8);
        if (bytes > MAX_BYTES) {
            throw new DataFormatException(file + ": the header declares a volume of " + xyz[0] + "×" + xyz[1] + "×" + xyz[2] + " × " + bitpix
                    + " bits = " + bytes + " bytes; the limit is " + MAX_BYTES);
        }
        return hd;
    }

    /** Slice {@code index} along {@code axis} of the first volume, scaled. */
    public static Pixels slice(Path file, int axis, int index) {
        if (axis < 0 || axis > 2) throw new IllegalArgumentException(file + ": slice axis " + axis + ", expected 0, 1 or 2");
        Header h = header(file);
        if (index < 0 || index >= h.dims[axis]) {
            throw new DataFormatException(file + ": slice " + index + " along axis " + axis + " requested, the volume has " + h.dims[axis]);
        }
        int bpv = h.bitpix / 8;
        long bytes = h.voxels() * bpv;
        ByteBuffer data;
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                try (InputStream in = open(file)) {
                    in.skipNBytes(h.voxOffset);
                    byte[] v = in.readNBytes((int) bytes); // grows as it reads: a short stream cannot force a huge allocation
                    if (v.length < bytes) throw truncated(file, h, v.length);
                    data = ByteBuffer.wrap(v);
                } catch (java.io.EOFException e) {
                    throw truncated(file, h, 0);
                }
            } else {
                long size = Files.size(file);
                if (size < h.voxOffset + bytes) throw truncated(file, h, Math.max(0, size - h.voxOffset));
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    data = ch.map(FileChannel.MapMode.READ_ONLY, h.voxOffset, bytes);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new DataFormatException(file + ": corrupt gzip data: " + e.getMessage());
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        data.order(h.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int nx = (int) h.dims[0], ny = (int) h.dims[1];
        int rows = axis == 2 ? ny : (int) h.dims[2], cols = axis == 0 ? ny : nx;
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long x, y, z;
                switch (axis) {
                    case 2 -> { x = c; y = r; z = index; }
                    case 1 -> { x = c; y = index; z = r; }
                    default -> { x = index; y = c; z = r; }
                }
                int at = (int) ((x + nx * (y + (long) ny * z)) * bpv);
                double v = switch (h.datatype) {
                    case 2 -> data.get(at) & 0xFF;
                    case 256 -> data.get(at);
                    case 4 -> data.getShort(at);
                    case 512 -> data.getShort(at) & 0xFFFF;
                    case 8 -> data.getInt(at);
                    case 768 -> data.getInt(at) & 0xFFFFFFFFL;
                    case 16 -> data.getFloat(at);
                    default -> data.getDouble(at);
                };
                out[r * cols + c] = (float) (v * h.slope + h.intercept);
            }
        }
        return new Pixels(1, rows, cols, out, Double.NaN);
    }

    private static DataFormatException truncated(Path file, Header h, long have) {
        return new DataFormatException(file + ": truncated NIfTI: the header declares " + h.dims[0] + "×" + h.dims[1] + "×" + h.dims[2]
                + " voxels of " + h.bitpix + " bits = " + h.voxels() * (h.bitpix / 8) + " bytes after offset " + h.voxOffset + ", found " + have);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

package org.umedpt.multitask.data.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of NumPy {@code .npy} arrays (format versions 1.0, 2.0 and 3.0): C order only,
 * little-endian or byte-sized integer and float dtypes ({@code |u1 |i1 <u2 <i2 <i4 <i8 <f4 <f8}).
 * The header's shape is checked against the bytes available before anything is allocated, so a
 * header declaring a huge array fails with a message instead of an OutOfMemoryError.
 * Reference: numpy/lib/format.py ("the NPY format" NEP 1).
 */
public final class Npy {
    private Npy() {}

    /** The largest array read, in bytes (MedMNIST's largest split at 224 px is ~3.6 GB; ours ~40 MB). */
    public static final long MAX_BYTES = 1L << 31;

    /** An array: its dtype descriptor (e.g. {@code |u1}), shape, and the raw little-endian data. */
    public record Array(String dtype, int[] shape, ByteBuffer data) {
        public long count() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        /** Element {@code i} as a double (any supported dtype). */
        public double get(long i) {
            int k = Math.toIntExact(i);
            return switch (dtype.substring(1)) {
                case "u1" -> data.get(k) & 0xFF;
                case "i1" -> data.get(k);
                case "u2" -> data.getShort(2 * k) & 0xFFFF;
                case "i2" -> data.getShort(2 * k);
                case "i4" -> data.getInt(4 * k);
                case "i8" -> data.getLong(8 * k);
                case "f4" -> data.getFloat(4 * k);
                case "f8" -> data.getDouble(8 * k);
                default -> throw new IllegalStateException(dtype);
            };
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /**
     * Reads one array from {@code in}. {@code name} is used in messages (file, or file:entry);
     * {@code available} is the number of bytes the source holds (−1 if unknown).
     */
    public static Array read(InputStream in, String name, long available) throws IOException {
        byte[] magic = readFully(in, 8, name, "the 8-byte magic \\x93NUMPY + version");
        if ((magic[0] & 0xFF) != 0x93 || !new String(magic, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new DataFormatException(name + ": not a .npy array (expected the magic \\x93NUMPY, found "
                    + hex(magic, 6) + ")");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = readFully(in, 2, name, "the header length");
            headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = readFully(in, 4, name, "the header length");
            long v = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            if (v > 1 << 20) throw new DataFormatException(name + ": .npy header length " + v + " bytes, expected at most 1 MiB");
            headerLen = (int) v;
        } else {
            throw new DataFormatException(name + ": .npy format version " + major + "." + magic[7] + ", expected 1.0, 2.0 or 3.0");
        }
        String header = new String(readFully(in, headerLen, name, "a header of " + headerLen + " bytes"),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!header.startsWith("{") || !d.find() || !o.find() || !s.find()) {
            throw new DataFormatException(name + ": malformed .npy header " + abbreviate(header)
                    + " (expected a dict with 'descr', 'fortran_order' and 'shape')");
        }
        String dtype = d.group(1);
        if (!dtype.matches("\\|u1|\\|i1|<u2|<i2|<i4|<i8|<f4|<f8")) {
            throw new DataFormatException(name + ": dtype '" + dtype + "' is not supported (expected one of |u1 |i1 <u2 <i2 <i4 <i8 <f4 <f8)");
        }
        if (o.group(1).equals("True")) throw new DataFormatException(name + ": array is in Fortran order; expected C order");
        String[] dims = s.group(1).split(",");
        int n = 0;
        int[] shape = new int[dims.length];
        long count = 1;
        for (String dim : dims) {
            String t = dim.trim();
            if (t.isEmpty()) continue;
            long v;
            try {
                v = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new DataFormatException(name + ": .npy shape (" + s.group(1) + ") has a non-integer dimension '" + t + "'");
            }
            if (v < 0 || v > Integer.MAX_VALUE) throw new DataFormatException(name + ": .npy shape (" + s.group(1) + ") has dimension " + v);
            shape[n++] = (int) v;
            count = Math.multiplyHigh(count, v) != 0 ? Long.MAX_VALUE : count * v;
        }
        shape = java.util.Arrays.copyOf(shape, n);
        int item = Integer.parseInt(dtype.substring(2));
        long bytes = count > Long.MAX_VALUE / item ? Long.MAX_VALUE : count * item;
        long left = available < 0 ? -1 : available - 8 - (major == 1 ? 2 : 4) - headerLen;
        if (bytes > MAX_BYTES || (left >= 0 && bytes > left)) {
            throw new DataFormatException(name + ": .npy header declares shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " = " + bytes + " bytes, but " + (left >= 0 && bytes > left ? "the file holds only " + left : "the limit is " + MAX_BYTES));
        }
        byte[] data = readFully(in, (int) bytes, name, bytes + " data bytes for shape " + java.util.Arrays.toString(shape));
        return new Array(dtype, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static byte[] readFully(InputStream in, int n, String name, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new DataFormatException(name + ": truncated: expected " + what + ", found " + b.length + " of " + n + " bytes");
        return b;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) s.append(String.format("%02x", b[i] & 0xFF));
        return "0x" + s;
    }

    private static String abbreviate(String s) {
        return "'" + (s.length() > 120 ? s.substring(0, 120) + "…" : s) + "'";
    }
}

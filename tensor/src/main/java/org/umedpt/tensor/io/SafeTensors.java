package org.umedpt.tensor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length,
 * a JSON header {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}},
 * then the raw little-endian data. Used for PyTorch goldens, checkpoints and imported weights.
 *
 * <p>Writes F32. Reads F32, F16 and BF16 (converted to float32), and also F64, I64, I32, I16, I8,
 * U8 and BOOL (converted, for label tensors). Every malformed input — a header length beyond the
 * file, bad JSON, an unknown dtype, a shape that does not match its byte range, offsets out of the
 * data region — is an {@link IllegalArgumentException} naming the file and the entry; nothing is
 * allocated before the sizes are validated against the file.
 */
public final class SafeTensors {
    /** Headers larger than this are rejected before reading them (the reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String HINT = "\n---> HINT: is this a safetensors file? Regenerate it (for goldens: "
            + "/usr/bin/python3 tools/goldens/make_goldens.py; for weights: save_file(model.state_dict(), path))";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** The tensors of a file (in header order) and its {@code __metadata__} strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** The tensor {@code name}, or a clear error listing what the file has. */
        public Tensor get(String name) {
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in file; it has " + tensors.keySet());
            return t;
        }
    }

    public static Contents read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) throw bad(path, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
                throw bad(path, "header length " + Long.toUnsignedString(headerLen) + " is out of range (file is " + fileSize
                        + " bytes, limit " + MAX_HEADER_BYTES + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8).trim());
            } catch (JsonProcessingException e) {
                throw bad(path, "header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) throw bad(path, "header is not a JSON object");
            long dataStart = 8 + headerLen, dataLen = fileSize - dataStart;
            MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            data.order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) throw bad(path, "__metadata__ must be an object of strings");
                    e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), entry(path, e.getKey(), e.getValue(), data, dataLen).name(e.getKey()));
            }
            return new Contents(tensors, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static Tensor entry(Path path, String name, JsonNode e, ByteBuffer data, long dataLen) {
        String where = "tensor '" + name + "'";
        if (!e.isObject()) throw bad(path, where + ": entry is not an object");
        JsonNode dt = e.get("dtype"), sh = e.get("shape"), off = e.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw bad(path, where + ": missing dtype");
        DType dtype = DType.parse(dt.asText());
        if (dtype == null) {
            throw bad(path, where + ": unknown dtype '" + dt.asText() + "' (expected one of F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
        }
        if (sh == null || !sh.isArray()) throw bad(path, where + ": missing shape");
        int[] shape = new int[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw bad(path, where + ": bad dimension " + d + " in shape " + sh);
            }
            shape[i] = (int) d.asLong();
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE - 64) throw bad(path, where + ": shape " + sh + " is too large for one tensor");
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw bad(path, where + ": data_offsets must be [begin, end]");
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw bad(path, where + ": data_offsets [" + begin + ", " + end + "] outside the data region of " + dataLen + " bytes");
        }
        if (end - begin != numel * dtype.bytes) {
            throw bad(path, where + ": " + (end - begin) + " bytes for shape " + Shape.str(shape) + " of " + dtype
                    + " (expected " + numel * dtype.bytes + ")");
        }
        float[] v = new float[(int) numel];
        int b = (int) begin;
        for (int i = 0; i < v.length; i++) v[i] = dtype.read(data, b + i * dtype.bytes);
        return Tensor.of(v, shape);
    }

    /** Writes named tensors as F32, atomically (temp file in the same folder, then rename). */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(m::put);
        }
        long at = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", "F32");
            ArrayNode s = n.putArray("shape");
            for (int d : e.getValue().shape()) s.add(d);
            long len = (long) e.getValue().size() * 4;
            n.putArray("data_offsets").add(at).add(at + len);
            at += len;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("safetensors: cannot encode header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path tmp = AtomicFiles.tempBeside(abs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(json);
                while (head.hasRemaining()) head.put((byte) ' ');
                head.flip();
                while (head.hasRemaining()) ch.write(head);
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : sorted.values()) {
                    float[] d = t.toArray(); // a read: a device copy stays valid
                    for (float v : d) {
                        if (buf.remaining() < 4) flush(ch, buf);
                        buf.putFloat(v);
                    }
                }
                flush(ch, buf);
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            AtomicFiles.moveOver(tmp, abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    private static IllegalArgumentException bad(Path path, String what) {
        return new IllegalArgumentException("safetensors " + path + ": " + what + HINT);
    }

    /** Element types and their conversion to float. */
    private enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        static DType parse(String s) {
            for (DType d : values()) if (d.name().equals(s)) return d;
            return null;
        }

        float read(ByteBuffer b, int at) {
            return switch (this) {
                case F32 -> b.getFloat(at);
                case F16 -> halfToFloat(b.getShort(at));
                case BF16 -> Float.intBitsToFloat((b.getShort(at) & 0xFFFF) << 16);
                case F64 -> (float) b.getDouble(at);
                case I64 -> (float) b.getLong(at);
                case I32 -> (float) b.getInt(at);
                case I16 -> b.getShort(at);
                case I8 -> b.get(at);
                case U8, BOOL -> b.get(at) & 0xFF;
            };
        }
    }

    /** IEEE 754 binary16 to float32, including subnormals, infinities and NaN. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1.0p-24f; // subnormal (or zero)
            return sign == 0 ? v : -v;
        }
        if (exp == 31) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}

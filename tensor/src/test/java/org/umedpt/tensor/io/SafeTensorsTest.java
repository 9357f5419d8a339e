package org.umedpt.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.testing.Goldens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExact() throws IOException {
        Rng r = new Rng(1);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("features.0.0.weight", Tensor.normal(r, 0, 1, 8, 3, 4, 4));
        m.put("b", Tensor.of(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE}, 4));
        m.put("scalar", Tensor.scalar(3.5f));
        Path p = dir.resolve("w.safetensors");
        SafeTensors.write(p, m, Map.of("format", "pt"));
        SafeTensors.Contents c = SafeTensors.read(p);
        assertEquals("pt", c.metadata().get("format"));
        for (var e : m.entrySet()) {
            Tensor t = c.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape());
            float[] a = e.getValue().toArray(), b = t.toArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void readsHalfAndBfloat16WithPyTorchsConversion() {
        SafeTensors.Contents c = Goldens.load("dtypes.safetensors");
        assertArrayEquals(c.get("f16_as_f32").toArray(), c.get("f16").toArray());
        assertArrayEquals(c.get("bf16_as_f32").toArray(), c.get("bf16").toArray());
    }

    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private void rejects(Path p, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void malformedFilesAreClearErrors() throws IOException {
        rejects(raw("{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'Q8'");
        rejects(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8), "outside the data region");
        rejects(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "8 bytes for shape (3)");
        rejects(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "bad dimension");
        rejects(raw("{not json", 0), "not valid JSON");
        rejects(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "data_offsets");
        // a header length pointing far beyond the file: rejected before any allocation
        Path huge = Files.createTempFile(dir, "huge", ".safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        rejects(huge, "header length");
        Path tiny = Files.createTempFile(dir, "tiny", ".safetensors");
        Files.write(tiny, new byte[3]);
        rejects(tiny, "shorter than the 8-byte header length");
        // a huge shape with a small byte range
        rejects(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,4]}}", 4), "too large");
    }

    @Test
    void halfConversionCoversSpecialValues() {
        assertEquals(0f, SafeTensors.halfToFloat((short) 0x0000));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(SafeTensors.halfToFloat((short) 0x8000)));
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7BFF));
        assertEquals(0x1.0p-24f, SafeTensors.halfToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7C00));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7E00)));
    }
}

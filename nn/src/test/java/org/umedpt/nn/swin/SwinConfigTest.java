package org.umedpt.nn.swin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.tensor.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sizes against torchvision: parameter counts (1000-class head) and the FLOP count. */
class SwinConfigTest {
    @TempDir
    Path dir;

    private static long params(String name) {
        return new SwinEncoder(SwinConfig.named(name).withClasses(1000), new Rng(0)).parameterCount();
    }

    @Test
    void parameterCountsEqualTorchvision() {
        assertEquals(28_288_354L, params("tiny"));      // torchvision swin_t
        assertEquals(28_351_570L, params("v2_tiny"));   // torchvision swin_v2_t
        assertEquals(49_606_258L, params("small"));     // torchvision swin_s
        assertEquals(87_768_224L, params("base"));      // torchvision swin_b
    }

    @Test
    void flopsOfSwinTinyAt224() {
        SwinEncoder tiny = new SwinEncoder(SwinConfig.named("tiny").withClasses(1000), new Rng(0));
        double g = tiny.flops(224, 224) / 1e9;
        // torchvision reports 4.49 GFLOPS (multiply-adds of convs, linears and attention products)
        assertEquals(4.49, g, 0.03, "swin_t GFLOPs at 224: " + g);
        assertTrue(tiny.flops(224, 320) > tiny.flops(224, 224), "input size changes the count");
    }

    @Test
    void jsonConfigWithTorchvisionFields() throws IOException {
        Path p = dir.resolve("c.json");
        Files.writeString(p, "{\"version\": 2, \"patch_size\": [4, 4], \"embed_dim\": 24, \"depths\": [2, 2],"
                + " \"num_heads\": [2, 4], \"window_size\": [8, 8], \"num_classes\": 3}");
        SwinConfig c = SwinConfig.parse(p.toString());
        assertEquals(2, c.version());
        assertEquals(8, c.windowSize());
        assertEquals(4f, c.mlpRatio());
        assertArrayEquals(new int[] {2, 2}, c.depths());
        assertEquals(3, c.numClasses());
        Files.writeString(p, "{\"embed_dim\": 24, \"depths\": [2], \"num_heads\": [5], \"window_size\": 7, \"patch_size\": 4}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwinConfig.parse(p.toString()));
        assertTrue(e.getMessage().contains("divide"), e.getMessage());
        Files.writeString(p, "{\"embed_dim\": 24, \"depths\": [2], \"num_heads\": [2], \"window_size\": 7, \"patch_size\": 4, \"dropout\": 1}");
        e = assertThrows(IllegalArgumentException.class, () -> SwinConfig.parse(p.toString()));
        assertTrue(e.getMessage().contains("unknown field 'dropout'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SwinConfig.parse("huge"));
        assertTrue(e.getMessage().contains("neither a config name"), e.getMessage());
    }
}

package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LaunchConfigTest {
    @Test
    void elementwiseCoversNWithCappedGrid() {
        assertEquals(new LaunchConfig(1, 1, 1, 256, 1, 1, 0), LaunchConfig.elementwise(1));
        assertEquals(2, LaunchConfig.elementwise(257).gridX());
        assertEquals(17, LaunchConfig.elementwise(4099).gridX());
        assertEquals(LaunchConfig.MAX_ELEMENT_BLOCKS, LaunchConfig.elementwise(1L << 34).gridX()); // grid-stride covers the rest
        assertEquals(1, LaunchConfig.elementwise(0).gridX());
    }

    @Test
    void rowBlocksAreWarpMultiplesCoveringTheRow() {
        assertEquals(32, LaunchConfig.rows(5, 1).blockX());
        assertEquals(32, LaunchConfig.rows(5, 96).blockX());   // Swin tiny's 96 channels: 3 per thread
        assertEquals(64, LaunchConfig.rows(5, 129).blockX());
        assertEquals(256, LaunchConfig.rows(5, 1000).blockX()); // ImageNet classes
        assertEquals(1024, LaunchConfig.rows(5, 1 << 20).blockX());
        assertEquals(5, LaunchConfig.rows(5, 7).gridX());
        for (int cols = 1; cols < 5000; cols += 37) assertEquals(0, LaunchConfig.rows(1, cols).blockX() % 32);
    }

    @Test
    void layerNormWeightGradientSplitsRows() {
        LaunchConfig c = LayerNormKernels.dwdbConfig(100_352, 96); // swin_t stage 1 at batch 32: 32·56·56 rows
        assertEquals(3, c.gridX());
        assertEquals(LayerNormKernels.DWDB_MAX_SPLITS, c.gridY());
        assertEquals(32 * 8, c.blockX() * c.blockY());
        assertEquals(1, LayerNormKernels.dwdbConfig(7, 33).gridY());
    }

    @Test
    void attentionSharedMemoryFitsTheDefaultBudget() {
        assertEquals(4 * (49 * 65 + 4 * (32 + 49)), AttentionKernels.sharedBytes(49, 32));
        assertEquals(true, AttentionKernels.sharedBytes(64, 32) <= 48 * 1024);
        assertEquals(true, AttentionKernels.backwardSharedBytes(64, 32) <= 48 * 1024);
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 1, 1, 1025, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(0, 1, 1, 32, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 70000, 1, 32, 1, 1, 0));
    }

    @Test
    void attentionLaunchesFitSwinsWindowsAndRefuseLargerOnesClearly() {
        for (int n : new int[] {49, 64}) { // windows 7 (v1) and 8 (v2)
            assertTrue(AttentionKernels.fits(AttentionKernels.sharedBytes(n, 32), "forward", n, 32) <= AttentionKernels.SHARED_LIMIT);
            assertTrue(AttentionKernels.fits(AttentionKernels.backwardSharedBytes(n, 32), "backward", n, 32) <= AttentionKernels.SHARED_LIMIT);
            assertTrue(AttentionKernels.fits(AttentionKernels.cosineBackwardSharedBytes(n, 32), "cosine backward", n, 32)
                    <= AttentionKernels.SHARED_LIMIT);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionKernels.fits(AttentionKernels.backwardSharedBytes(144, 32), "backward", 144, 32));
        assertTrue(e.getMessage().contains("144 tokens") && e.getMessage().contains("48 KB"), e.getMessage());
    }
}

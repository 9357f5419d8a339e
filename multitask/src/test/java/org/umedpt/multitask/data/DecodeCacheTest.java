package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.eval.Box;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A cached example equals a freshly decoded one exactly, and the budget bounds what is kept. */
class DecodeCacheTest {
    private static Decoded decoded(boolean eightBit, boolean gray) {
        int h = 3, w = 4, n = h * w;
        float[] img = new float[3 * n];
        int[] mask = new int[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) img[c * n + i] = eightBit ? (float) ((i * 17 + (gray ? 0 : c * 40)) % 256 * (1.0 / 255)) : 0.001f * i + c;
            mask[i] = i % 3;
        }
        return new Decoded(img, h, w, 2, null, mask, List.of(Box.truth(0, 0, 1, 1, 0)));
    }

    @Test
    void cachedEqualsFresh() {
        for (boolean eight : new boolean[] {true, false}) {
            for (boolean gray : new boolean[] {true, false}) {
                Decoded d = decoded(eight, gray);
                DecodeCache.Slots s = new DecodeCache(1 << 20).slots(1);
                Decoded first = s.get(0, () -> d), second = s.get(0, () -> { throw new AssertionError("decoded twice"); });
                for (Decoded x : List.of(first, second)) {
                    assertArrayEquals(d.image(), x.image(), eight + "/" + gray);
                    assertArrayEquals(d.mask(), x.mask());
                    assertSame(d.boxes(), x.boxes());
                    assertEquals(2, x.label());
                }
                assertEquals(eight && gray ? 12 + 12 + 64 : -1, eight && gray ? DecodeCache.Compact.of(d).bytes() : -1); // one byte plane + byte mask
            }
        }
    }

    @Test
    void theBudgetBoundsWhatIsKept() {
        DecodeCache c = new DecodeCache(100); // room for one compact entry of ~88 bytes
        DecodeCache.Slots s = c.slots(3);
        for (int i = 0; i < 3; i++) s.get(i, () -> decoded(true, true));
        assertEquals(88, c.usedBytes());
        s.get(0, () -> decoded(true, true));
        s.get(2, () -> decoded(true, true));
        assertEquals(1, c.hits());
        assertEquals(4, c.misses());
    }
}

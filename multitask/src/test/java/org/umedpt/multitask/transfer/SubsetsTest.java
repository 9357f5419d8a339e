package org.umedpt.multitask.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubsetsTest {
    private static final double[] FRACTIONS = {0.01, 0.05, 0.1, 0.25, 0.5, 1.0};

    /** 3 classes of 600, 300 and 4 members. */
    private static int[] labels() {
        int[] y = new int[904];
        for (int i = 0; i < y.length; i++) y[i] = i < 600 ? 0 : i < 900 ? 1 : 2;
        return y;
    }

    @Test
    void stratifiedNestedAndAtLeastOnePerClass() {
        int[] y = labels();
        List<Subsets.Subset> s = Subsets.nested("t", y, 3, FRACTIONS, 7);
        for (int f = 0; f < s.size(); f++) {
            int[] counts = new int[3];
            for (int i : s.get(f).indices()) counts[y[i]]++;
            assertEquals(Math.round(FRACTIONS[f] * 600), counts[0], "class 0 at " + FRACTIONS[f]);
            assertEquals(Math.round(FRACTIONS[f] * 300), counts[1], "class 1 at " + FRACTIONS[f]);
            assertTrue(counts[2] >= 1, "the tiny class is present at " + FRACTIONS[f]);
            if (f > 0) {
                for (int i : s.get(f - 1).indices()) assertTrue(Arrays.binarySearch(s.get(f).indices(), i) >= 0, "nested at " + FRACTIONS[f]);
            }
        }
        assertEquals(904, s.get(s.size() - 1).count());
        assertTrue(s.get(0).shortfalls().stream().anyMatch(m -> m.startsWith("class 2")), s.get(0).shortfalls().toString());
    }

    @Test
    void seedChangesTheSubsetAndIsDeterministic() {
        int[] y = labels();
        assertArrayEquals(Subsets.nested("t", y, 3, FRACTIONS, 1).get(1).indices(), Subsets.nested("t", y, 3, FRACTIONS, 1).get(1).indices());
        assertFalse(Arrays.equals(Subsets.nested("t", y, 3, FRACTIONS, 1).get(1).indices(), Subsets.nested("t", y, 3, FRACTIONS, 2).get(1).indices()));
    }

    @Test
    void emptyClassIsReportedNotACrash() {
        int[] y = {0, 0, 0, 2, 2};
        Subsets.Subset s = Subsets.nested("t", y, 3, new double[] {0.5}, 0).get(0);
        assertTrue(s.shortfalls().contains("class 1 has no training example"), s.shortfalls().toString());
        assertEquals(3, s.count());
    }

    @Test
    void writesTheSplitFile(@TempDir Path dir) throws Exception {
        Subsets.Subset s = Subsets.nested("cells", labels(), 3, new double[] {0.05}, 3).get(0);
        Path f = dir.resolve(Subsets.fileName(s));
        Subsets.write(f, s);
        assertEquals("cells-seed3-f5.json", f.getFileName().toString());
        String text = Files.readString(f);
        assertTrue(text.contains("\"count\" : " + s.count()) && text.contains("\"fraction\" : 0.05"), text);
        assertNotEquals(0, s.count());
    }
}

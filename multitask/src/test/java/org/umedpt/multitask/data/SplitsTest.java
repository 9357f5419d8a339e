package org.umedpt.multitask.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsTest {
    private static List<Item> items(int n, int strata, int perGroup) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = String.format("%03d_%dHC.png", i / perGroup, i % perGroup);
            out.add(new Item(key, "g" + i / perGroup, "s" + (i / perGroup) % strata, null, (i / perGroup) % strata, null, null, null));
        }
        return out;
    }

    @Test
    void hashedSplitsAreDeterministicStratifiedAndKeepGroupsTogether() {
        List<Item> all = items(600, 3, 2);
        var a = Splits.hashed(all, 0.15, 0.15);
        List<Item> shuffled = new ArrayList<>(all);
        java.util.Collections.reverse(shuffled);
        var b = Splits.hashed(shuffled, 0.15, 0.15);
        for (Source.Split s : Source.Split.values()) assertEquals(Set.copyOf(a.get(s)), Set.copyOf(b.get(s)), "input order changed " + s);
        Map<String, Source.Split> groupSplit = new HashMap<>();
        for (var e : a.entrySet()) {
            for (Item it : e.getValue()) {
                Source.Split prev = groupSplit.put(it.group(), e.getKey());
                assertTrue(prev == null || prev == e.getKey(), "group " + it.group() + " in two splits");
            }
        }
        for (int s = 0; s < 3; s++) { // 100 groups per stratum: exactly 15 / 15 / 70
            final String st = "s" + s;
            assertEquals(30, a.get(Source.Split.VAL).stream().filter(i -> i.stratum().equals(st)).count());
            assertEquals(30, a.get(Source.Split.TEST).stream().filter(i -> i.stratum().equals(st)).count());
        }
        assertEquals(600, a.values().stream().mapToInt(List::size).sum());
    }

    @Test
    void orderedSplitsAreContiguousInNaturalOrder() {
        List<Item> all = new ArrayList<>();
        for (int i = 29; i >= 0; i--) all.add(new Item(i + ".png", i + ".png", "", null, -1, null, null, null));
        var s = Splits.ordered(all, 0.1, 0.2);
        assertEquals(List.of("21.png", "22.png", "23.png"), s.get(Source.Split.VAL).stream().map(Item::key).toList());
        assertEquals("24.png", s.get(Source.Split.TEST).get(0).key());
        assertEquals(21, s.get(Source.Split.TRAIN).size());
        assertEquals(new HashSet<>(List.of("0.png", "9.png", "10.png")).size(), 3);
        assertTrue(Splits.natural("2.png", "10.png") < 0);
    }
}

package org.umedpt.multitask.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic splits of a source without its own. {@link #hashed}: within each stratum, the
 * groups are ordered by a 64-bit hash of the group key (FNV-1a, then a mixer) and the first
 * {@code test}, then {@code val} fraction of them go to those splits, the rest to training — so a
 * split depends only on the file names, is stratified, and keeps every group (e.g. a subject) in
 * one split. A group's stratum is that of its first item (by key). {@link #ordered}: contiguous
 * blocks in natural key order (train, then val, then test), for correlated neighbours such as
 * consecutive EM sections.
 */
public final class Splits {
    private Splits() {}

    public static Map<Source.Split, List<Item>> hashed(List<Item> items, double val, double test) {
        check(val, test);
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::key));
        for (Item it : sorted) groups.computeIfAbsent(it.group(), g -> new ArrayList<>()).add(it);
        Map<String, List<String>> byStratum = new LinkedHashMap<>();
        groups.forEach((g, list) -> byStratum.computeIfAbsent(String.valueOf(list.get(0).stratum()), s -> new ArrayList<>()).add(g));
        Map<Source.Split, List<Item>> out = empty();
        for (List<String> gs : byStratum.values()) {
            gs.sort(Comparator.comparingLong(Splits::hash).thenComparing(Comparator.naturalOrder()));
            int n = gs.size();
            int nTest = (int) Math.round(n * test), nVal = (int) Math.round(n * val);
            for (int i = 0; i < n; i++) {
                Source.Split s = i < nTest ? Source.Split.TEST : i < nTest + nVal ? Source.Split.VAL : Source.Split.TRAIN;
                out.get(s).addAll(groups.get(gs.get(i)));
            }
        }
        return out;
    }

    public static Map<Source.Split, List<Item>> ordered(List<Item> items, double val, double test) {
        check(val, test);
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort((a, b) -> natural(a.key(), b.key()));
        for (Item it : sorted) groups.computeIfAbsent(it.group(), g -> new ArrayList<>()).add(it);
        List<String> gs = new ArrayList<>(groups.keySet());
        int n = gs.size(), nTest = (int) Math.round(n * test), nVal = (int) Math.round(n * val);
        Map<Source.Split, List<Item>> out = empty();
        for (int i = 0; i < n; i++) {
            Source.Split s = i < n - nTest - nVal ? Source.Split.TRAIN : i < n - nTest ? Source.Split.VAL : Source.Split.TEST;
            out.get(s).addAll(groups.get(gs.get(i)));
        }
        return out;
    }

    private static Map<Source.Split, List<Item>> empty() {
        Map<Source.Split, List<Item>> out = new EnumMap<>(Source.Split.class);
        for (Source.Split s : Source.Split.values()) out.put(s, new ArrayList<>());
        return out;
    }

    private static void check(double val, double test) {
        if (!(val >= 0 && test >= 0 && val + test < 1)) {
            throw new IllegalArgumentException("split fractions val " + val + " and test " + test + ": expected each >= 0 and a sum < 1");
        }
    }

    /** FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser (FNV alone clusters on similar names). */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** "2.png" before "10.png": digit runs compare as numbers. */
    static int natural(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                int c = new java.math.BigInteger(a.substring(si, i)).compareTo(new java.math.BigInteger(b.substring(sj, j)));
                if (c != 0) return c;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}

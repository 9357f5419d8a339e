package org.umedpt.multitask.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader found: the items, the source's own split of them where it has one ({@code null}
 * otherwise: {@link Splits} makes one), the class names in index order, and the number of things
 * skipped per reason (e.g. "zero-area box" → 2), which the run reports.
 */
public record Source(List<Item> items, Map<Split, List<Item>> ownSplits, List<String> classes, Map<String, Integer> skipped) {
    public Source {
        skipped = new LinkedHashMap<>(skipped);
    }

    public enum Split {
        TRAIN, VAL, TEST;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static void count(Map<String, Integer> skipped, String reason) {
        skipped.merge(reason, 1, Integer::sum);
    }
}

package org.umedpt.multitask.transfer;

import org.umedpt.tensor.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.umedpt.tensor.Rng;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stratified, nested training subsets for a label-efficiency study.
 *
 * <p>For one seed, each class's members are shuffled once; the subset at fraction f takes, from
 * every class c with n_c members, the first max(1, round(f · n_c)) of that shuffled list. So a
 * subset is stratified, holds at least one example of every class that has one, and the subsets
 * of one seed are nested (f₁ < f₂ ⇒ S(f₁) ⊆ S(f₂)). A class with no member in the training split
 * is reported as a shortfall, not an error (mteb#519 is a crash on exactly that). Multi-label,
 * segmentation and detection targets pass one "class" (−1) for every example: plain random
 * nested subsets. What is not done: per-label stratification of multi-label data.
 */
public final class Subsets {
    private Subsets() {}

    /** One subset: the indices into the training split (ascending), what was asked and what came out. */
    public record Subset(String task, long seed, double fraction, int[] indices, int available, List<String> shortfalls) {
        public int count() {
            return indices.length;
        }
    }

    /**
     * The subsets of {@code labels} (one class index per training example, −1 = unstratified) at
     * each fraction in (0, 1], for one seed.
     */
    public static List<Subset> nested(String task, int[] labels, int classes, double[] fractions, long seed) {
        if (labels.length == 0) throw new IllegalArgumentException("subsets: task " + task + " has no training examples");
        for (double f : fractions) {
            if (!(f > 0 && f <= 1)) throw new org.umedpt.multitask.InputException("subsets: fraction " + f + " is not in (0, 1]");
        }
        int groups = Math.max(1, classes);
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < groups; c++) members.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i] < 0 ? 0 : labels[i];
            if (c >= groups) throw new IllegalArgumentException("subsets: task " + task + " example " + i + " has class " + c + ", expected < " + groups);
            members.get(c).add(i);
        }
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + task.hashCode());
        for (List<Integer> m : members) { // Fisher–Yates, one permutation per class and seed
            for (int i = m.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = m.get(i);
                m.set(i, m.get(j));
                m.set(j, t);
            }
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < groups; c++) if (members.get(c).isEmpty() && classes > 0) missing.add("class " + c + " has no training example");
        List<Subset> out = new ArrayList<>();
        for (double f : fractions) {
            List<Integer> take = new ArrayList<>();
            List<String> notes = new ArrayList<>(missing);
            for (int c = 0; c < groups; c++) {
                List<Integer> m = members.get(c);
                if (m.isEmpty()) continue;
                int want = (int) Math.round(f * m.size());
                if (want < 1) {
                    if (classes > 0 && f * m.size() < 0.5) {
                        notes.add(String.format(Locale.ROOT, "class %d: %.2f examples asked, 1 taken", c, f * m.size()));
                    }
                    want = 1;
                }
                take.addAll(m.subList(0, want));
            }
            int[] idx = take.stream().mapToInt(Integer::intValue).sorted().toArray();
            out.add(new Subset(task, seed, f, idx, labels.length, List.copyOf(notes)));
        }
        return out;
    }

    /** Writes a subset as JSON (task, seed, fraction, count, shortfalls, indices), atomically. */
    public static void write(Path file, Subset s) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode().put("task", s.task()).put("seed", s.seed()).put("fraction", s.fraction())
                .put("count", s.count()).put("available", s.available());
        ArrayNode notes = n.putArray("shortfalls");
        s.shortfalls().forEach(notes::add);
        ArrayNode ix = n.putArray("indices");
        for (int i : s.indices()) ix.add(i);
        AtomicFiles.write(file, n.toPrettyString());
    }

    /** The file name of a subset inside {@code DIR/splits/}. */
    public static String fileName(Subset s) {
        return String.format(Locale.ROOT, "%s-seed%d-f%s.json", s.task(), s.seed(), Cell.fractionId(s.fraction()));
    }
}

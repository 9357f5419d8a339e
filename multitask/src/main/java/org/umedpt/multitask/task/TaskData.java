package org.umedpt.multitask.task;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.data.CocoReader;
import org.umedpt.multitask.data.CsvReader;
import org.umedpt.multitask.data.DecodeCache;
import org.umedpt.multitask.data.Decoder;
import org.umedpt.multitask.data.FolderReader;
import org.umedpt.multitask.data.Item;
import org.umedpt.multitask.data.MaskPairReader;
import org.umedpt.multitask.data.NpzReader;
import org.umedpt.multitask.data.RealDataset;
import org.umedpt.multitask.data.Source;
import org.umedpt.multitask.data.Splits;
import org.umedpt.multitask.data.Transforms;
import org.umedpt.multitask.data.VocReader;
import org.umedpt.multitask.data.io.DataFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One manifest task's data, built and checked before training: the reader's items, grouped and
 * stratified, split (the source's own split or a deterministic one), each split checked (not empty;
 * for classification every class present), the first item of every split decoded (so a wrong mask
 * mapping or an unreadable format fails now, not an hour in), and wrapped in {@link RealDataset}s
 * (augmented for training, plain for val/test). {@code skipped} counts what the reader dropped.
 */
public record TaskData(Manifest.TaskSpec spec, int classes, List<String> classNames, RealDataset train, RealDataset val, RealDataset test,
                       Map<String, Integer> skipped) {

    public RealDataset split(Source.Split s) {
        return switch (s) {
            case TRAIN -> train;
            case VAL -> val;
            case TEST -> test;
        };
    }

    public static TaskData build(Manifest.TaskSpec s, long seed) {
        return build(s, seed, new DecodeCache(0));
    }

    /** @param cache where decoded examples are kept (shared by a run's tasks, up to its budget) */
    public static TaskData build(Manifest.TaskSpec s, long seed, DecodeCache cache) {
        String where = s.key() + " (" + s.name() + ")";
        Manifest.ReaderSpec r = s.reader();
        Source src = switch (r.format()) {
            case "folder" -> FolderReader.read(r.root(), s.classes(), r.axis());
            case "csv" -> CsvReader.read(r.path(), r.images(), r.imageColumn(), r.labelColumn(), r.labelColumns(), s.classes(), r.splitColumn());
            case "npz" -> NpzReader.read(r.path(), s.type() == TaskType.MULTILABEL, s.classes());
            case "masks" -> MaskPairReader.read(r.images(), r.glob(), r.masks(), r.maskName(), r.fillOutlines(), r.axis());
            case "voc" -> VocReader.read(r.annotations(), r.images(), s.classes(), r.splitLists());
            case "coco" -> CocoReader.read(r.path(), r.images(), s.classes());
            default -> throw new IllegalStateException(r.format());
        };
        if (src.items().isEmpty()) throw new DataFormatException(where + ": the reader found no examples");
        Map<Item, Item> regrouped = regroup(s, src.items(), where);
        Map<Source.Split, List<Item>> splits;
        String method = s.split().method();
        if (method.equals("auto")) method = src.ownSplits() != null ? "own" : "hash";
        switch (method) {
            case "own" -> {
                if (src.ownSplits() == null) {
                    throw new InputException(where + ": split.method is 'own' but the " + r.format()
                            + " source has no split of its own; expected method hash or ordered");
                }
                splits = new EnumMap<>(Source.Split.class);
                src.ownSplits().forEach((k, v) -> splits.put(k, v.stream().map(regrouped::get).toList()));
            }
            case "ordered" -> splits = Splits.ordered(List.copyOf(regrouped.values()), s.split().val(), s.split().test());
            default -> splits = Splits.hashed(List.copyOf(regrouped.values()), s.split().val(), s.split().test());
        }

        int classes;
        List<String> names;
        Map<Integer, Integer> mapping = r.mapping();
        if (s.type() == TaskType.SEGMENTATION) {
            int max = mapping.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (s.classes() != null && s.classes().size() <= max) {
                throw new InputException(s.key() + ".classes: " + s.classes().size() + " names, but reader.mapping uses class id " + max
                        + "; expected at least " + (max + 1) + " names");
            }
            names = s.classes() != null ? s.classes() : defaultNames(Math.max(2, max + 1));
            classes = names.size();
        } else {
            names = src.classes();
            classes = names.size();
        }
        if (classes < 1) throw new InputException(where + ": no classes");
        checkSplits(where, s, splits, names);

        Decoder decoder = new Decoder(r.windowCenter(), r.windowWidth(), mapping == null ? Map.of() : mapping);
        Manifest.TransformSpec t = s.transforms();
        float[] mean = Transforms.IMAGENET_MEAN, std = Transforms.IMAGENET_STD;
        if (s.normalize().equals("fixed")) {
            mean = s.mean();
            std = s.std();
        }
        Transforms base = new Transforms(s.height(), s.width(), t.scaleMin(), t.scaleMax(), t.hflip(), t.vflip(), t.rot90(), t.brightness(),
                t.contrast(), mean, std);
        if (s.normalize().equals("dataset")) base = withStats(base, decoder, splits.get(Source.Split.TRAIN), where);
        RealDataset train = new RealDataset(s.name(), splits.get(Source.Split.TRAIN), decoder, base, true, seed, cache);
        RealDataset val = new RealDataset(s.name(), splits.get(Source.Split.VAL), decoder, base, false, seed, cache);
        RealDataset test = new RealDataset(s.name(), splits.get(Source.Split.TEST), decoder, base, false, seed, new DecodeCache(0)); // not used in training
        for (RealDataset d : List.of(train, val, test)) d.get(0); // decode one item per split now: format and mapping errors surface before training
        return new TaskData(s, classes, names, train, val, test, src.skipped());
    }

    private static List<String> defaultNames(int n) {
        List<String> out = new ArrayList<>();
        out.add("background");
        for (int i = 1; i < n; i++) out.add("class" + i);
        return out;
    }

    /** Applies split.group (a regex whose first group is the group key) and split.strata (a CSV of key → stratum). */
    private static Map<Item, Item> regroup(Manifest.TaskSpec s, List<Item> items, String where) {
        Pattern group = s.split().group() == null ? null : Pattern.compile(s.split().group());
        Map<String, String> strata = null;
        if (s.split().strataCsv() != null) {
            strata = new HashMap<>();
            List<String[]> rows = org.umedpt.multitask.data.CsvTable.read(s.split().strataCsv());
            String[] h = rows.get(0);
            int k = org.umedpt.multitask.data.CsvTable.column(s.split().strataCsv(), h, s.split().strataKey(), s.key() + ".split.strata.key");
            int c = org.umedpt.multitask.data.CsvTable.column(s.split().strataCsv(), h, s.split().strataColumn(), s.key() + ".split.strata.column");
            for (int i = 1; i < rows.size(); i++) strata.put(rows.get(i)[k], rows.get(i)[c]);
        }
        Map<Item, Item> out = new LinkedHashMap<>();
        for (Item it : items) {
            Item x = it;
            String fileName = Path.of(it.key()).getFileName().toString();
            if (group != null) {
                Matcher m = group.matcher(fileName);
                if (!m.find()) {
                    throw new InputException(s.key() + ".split.group: file name '" + fileName + "' does not match '" + group.pattern()
                            + "'; expected every example to name its group");
                }
                x = x.withGroup(m.group(1));
            }
            if (strata != null) {
                String stem = fileName.replaceFirst("\\.[^.]*$", "");
                String v = strata.get(it.key());
                if (v == null) v = strata.get(fileName);
                if (v == null) v = strata.get(stem);
                if (v == null) {
                    throw new InputException(s.key() + ".split.strata: no row for '" + stem + "' in " + s.split().strataCsv()
                            + " (column " + s.split().strataKey() + ")");
                }
                x = x.withStratum(v);
            }
            out.put(it, x);
        }
        return out;
    }

    private static void checkSplits(String where, Manifest.TaskSpec s, Map<Source.Split, List<Item>> splits, List<String> names) {
        for (Source.Split sp : Source.Split.values()) {
            List<Item> items = splits.get(sp);
            if (items == null || items.isEmpty()) {
                int total = splits.values().stream().mapToInt(l -> l == null ? 0 : l.size()).sum();
                throw new InputException(where + ": the " + sp.id() + " split is empty (" + total + " examples in all; split "
                        + s.split().method() + ", val " + s.split().val() + ", test " + s.split().test() + "); expected at least one example");
            }
            if (s.type() == TaskType.MULTICLASS || s.type() == TaskType.MULTILABEL) {
                int[] count = new int[names.size()];
                for (Item it : items) {
                    if (it.labels() != null) for (int k = 0; k < count.length; k++) count[k] += it.labels()[k] > 0 ? 1 : 0;
                    else if (it.label() >= 0 && it.label() < count.length) count[it.label()]++;
                }
                for (int k = 0; k < count.length; k++) {
                    if (count[k] == 0) {
                        throw new InputException(where + ": class '" + names.get(k) + "' has no example in the " + sp.id() + " split ("
                                + items.size() + " examples); expected every class in every split (check classes, or the split fractions)");
                    }
                }
            }
        }
    }

    /** Per-channel mean and std of up to 64 training images at the input size (before augmentation). */
    private static Transforms withStats(Transforms t, Decoder decoder, List<Item> train, String where) {
        Transforms plain = new Transforms(t.height(), t.width(), 1, 1, 0, 0, false, 0, 0, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        double[] sum = new double[3], sq = new double[3];
        long n = 0;
        int step = Math.max(1, train.size() / 64);
        for (int i = 0; i < train.size(); i += step) {
            float[] img = plain.apply(decoder.decode(train.get(i)), null).image();
            int hw = img.length / 3;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < hw; p++) {
                    double v = img[c * hw + p];
                    sum[c] += v;
                    sq[c] += v * v;
                }
            }
            n += hw;
        }
        float[] mean = new float[3], std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) (sum[c] / n);
            std[c] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[c] / n - mean[c] * (double) mean[c])));
        }
        return new Transforms(t.height(), t.width(), t.cropScaleMin(), t.cropScaleMax(), t.hflip(), t.vflip(), t.rot90(), t.brightness(),
                t.contrast(), mean, std);
    }
}

package org.umedpt.multitask.task;

import org.umedpt.multitask.InputException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.umedpt.multitask.data.Source;
import org.umedpt.nn.swin.SwinConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pretraining run as a YAML file: the encoder, the training settings and the tasks (see the
 * README, "Task manifest", for every key). {@link #read} validates everything it can before
 * anything is loaded or trained — unknown keys, wrong types, out-of-range values, reader/type
 * combinations, missing files and folders — and each error names the key path
 * ({@code tasks[3].reader.masks}), what was found and what was expected. Relative paths resolve
 * against {@code base} (itself relative to the manifest's folder; default: that folder).
 */
public record Manifest(Path file, String encoderName, SwinConfig encoder, Training training, List<TaskSpec> tasks) {

    public record Training(int rounds, int tasksPerRound, long seed, int threads, int loaderThreads, int prefetch, float lr, float headLr,
                           float weightDecay, double clipNorm, int warmup, int checkpointEvery, int evalEvery, int logEvery, int evalBatch, long cacheMb) {
        /** A run of {@code r} rounds; the warm-up is capped at a tenth of it (a quick --rounds try would otherwise never leave warm-up). */
        public Training withRounds(int r) {
            return new Training(r, tasksPerRound, seed, threads, loaderThreads, prefetch, lr, headLr, weightDecay, clipNorm,
                    Math.min(warmup, Math.max(0, r / 10)), checkpointEvery, evalEvery, logEvery, evalBatch, cacheMb);
        }

        public Training withWarmup(int w) {
            return new Training(rounds, tasksPerRound, seed, threads, loaderThreads, prefetch, lr, headLr, weightDecay, clipNorm, w,
                    checkpointEvery, evalEvery, logEvery, evalBatch, cacheMb);
        }

        public Training withThreads(int t) {
            return new Training(rounds, tasksPerRound, seed, t, loaderThreads, prefetch, lr, headLr, weightDecay, clipNorm, warmup,
                    checkpointEvery, evalEvery, logEvery, evalBatch, cacheMb);
        }
    }

    public record ReaderSpec(String format, Path path, Path root, Path images, Path masks, Path annotations, String glob, String maskName,
                             boolean fillOutlines, Map<Integer, Integer> mapping, int axis, double windowCenter, double windowWidth,
                             String imageColumn, String labelColumn, List<String> labelColumns, String splitColumn,
                             Map<Source.Split, Path> splitLists) {}

    /** method: own (the source's split), hash or ordered (see {@link org.umedpt.multitask.data.Splits}). */
    public record SplitSpec(String method, double val, double test, String group, Path strataCsv, String strataKey, String strataColumn) {}

    public record TransformSpec(double scaleMin, double scaleMax, double hflip, double vflip, boolean rot90, double brightness, double contrast) {}

    /** normalize: "imagenet", "dataset" (mean/std of training images) or "fixed" (mean, std given). */
    public record TaskSpec(String key, String name, TaskType type, ReaderSpec reader, List<String> classes, int height, int width, int batchSize,
                           float lossWeight, TransformSpec transforms, String normalize, float[] mean, float[] std, SplitSpec split) {}

    static final Set<String> TOP = Set.of("base", "encoder", "training", "tasks");
    static final Set<String> TRAINING = Set.of("rounds", "tasks_per_round", "seed", "threads", "loader_threads", "prefetch", "optimizer",
            "checkpoint_every", "eval_every", "log_every", "eval_batch", "cache_mb");
    static final Set<String> OPTIMIZER = Set.of("lr", "head_lr", "weight_decay", "clip_norm", "warmup");
    static final Set<String> TASK = Set.of("name", "type", "reader", "classes", "input_size", "batch_size", "loss_weight", "normalize",
            "transforms", "split");
    static final Set<String> TRANSFORMS = Set.of("random_resized_crop", "hflip", "vflip", "rot90", "brightness", "contrast");
    static final Set<String> SPLIT = Set.of("method", "val", "test", "group", "strata");
    static final Set<String> ENCODER = Set.of("version", "patch_size", "embed_dim", "depths", "num_heads", "window_size", "mlp_ratio",
            "stochastic_depth_prob");
    static final Map<String, Set<String>> READER_KEYS = Map.of(
            "folder", Set.of("format", "root", "axis", "window"),
            "csv", Set.of("format", "path", "images", "image_column", "label_column", "label_columns", "split_column", "axis", "window"),
            "npz", Set.of("format", "path"),
            "masks", Set.of("format", "images", "glob", "masks", "mask_name", "fill_outlines", "mapping", "axis", "window"),
            "voc", Set.of("format", "annotations", "images", "splits", "window"),
            "coco", Set.of("format", "path", "images", "window"));
    static final Map<TaskType, Set<String>> READERS_FOR = Map.of(
            TaskType.MULTICLASS, Set.of("folder", "csv", "npz"),
            TaskType.MULTILABEL, Set.of("csv", "npz"),
            TaskType.SEGMENTATION, Set.of("masks"),
            TaskType.DETECTION, Set.of("voc", "coco"));

    public static Manifest read(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException("manifest " + file + ": file not found");
        JsonNode root;
        try {
            YAMLMapper m = new YAMLMapper();
            m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = m.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InputException("manifest " + file + ": not valid YAML" + where + ": " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new InputException("manifest " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new InputException("manifest " + file + ": expected a mapping with keys " + new java.util.TreeSet<>(TOP)
                    + ", found " + ManifestNode.found(root));
        }
        ManifestNode top = new ManifestNode(file.toString(), "", root).keys(TOP);
        Path dir = file.toAbsolutePath().getParent();
        Path base = top.has("base") ? dir.resolve(top.text("base", "")).normalize() : dir;
        if (!Files.isDirectory(base)) throw top.error("base", "folder " + base + " not found");

        String encoderName;
        SwinConfig enc;
        if (!top.has("encoder") || top.node.get("encoder").isTextual()) {
            encoderName = top.text("encoder", "nano");
            if (!SwinConfig.NAMES.contains(encoderName)) {
                throw top.error("encoder", "found '" + encoderName + "', expected one of " + new java.util.TreeSet<>(SwinConfig.NAMES)
                        + " or a mapping of torchvision's Swin fields");
            }
            enc = SwinConfig.named(encoderName);
        } else {
            ManifestNode e = top.object("encoder", true).keys(ENCODER);
            encoderName = "custom";
            try {
                enc = new SwinConfig(e.integer("version", 1, 1, 2), e.integer("patch_size", 4, 1, 64), e.integer("embed_dim", 48, 1, 4096),
                        ints(e, "depths"), ints(e, "num_heads"), e.integer("window_size", 7, 1, 64),
                        (float) e.number("mlp_ratio", 4, 0.01, 64), 0, (float) e.number("stochastic_depth_prob", 0.1, 0, 0.99));
            } catch (IllegalArgumentException ex) {
                if (ex.getMessage().startsWith("manifest ")) throw ex;
                throw top.error("encoder", ex.getMessage());
            }
        }

        ManifestNode t = top.object("training", false);
        if (t == null) t = new ManifestNode(file.toString(), "training", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        t.keys(TRAINING);
        ManifestNode o = t.object("optimizer", false);
        if (o == null) o = new ManifestNode(file.toString(), "training.optimizer", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        o.keys(OPTIMIZER);
        int rounds = t.integer("rounds", 100, 1, 100_000_000);
        Training training = new Training(rounds, t.integer("tasks_per_round", 0, 0, 10_000), t.integer("seed", 0L, Long.MIN_VALUE, Long.MAX_VALUE),
                t.integer("threads", 2, 1, 1024), t.integer("loader_threads", 2, 1, 256), t.integer("prefetch", 2, 1, 64),
                (float) o.number("lr", 1e-4, 0, 10), (float) o.number("head_lr", 1e-3, 0, 10), (float) o.number("weight_decay", 1e-2, 0, 10),
                o.number("clip_norm", 0, 0, 1e6), o.integer("warmup", Math.min(100, rounds / 10), 0, 100_000_000),
                t.integer("checkpoint_every", 50, 1, 100_000_000), t.integer("eval_every", 100, 0, 100_000_000),
                t.integer("log_every", 10, 1, 100_000_000), t.integer("eval_batch", 32, 1, 4096),
                t.integer("cache_mb", 1024L, 0, 1L << 30));

        List<ManifestNode> tl = top.list("tasks", true);
        if (tl.isEmpty()) throw top.error("tasks", "empty list; expected at least one task");
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ManifestNode n : tl) {
            TaskSpec s = task(n, base);
            if (!names.add(s.name())) throw n.error("name", "'" + s.name() + "' is used by two tasks; expected unique names");
            tasks.add(s);
        }
        return new Manifest(file, encoderName, enc, training, tasks);
    }

    private static int[] ints(ManifestNode e, String key) {
        List<ManifestNode> l = e.list(key, true);
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!l.get(i).node.isIntegralNumber()) throw l.get(i).error(null, "expected an integer, found " + ManifestNode.found(l.get(i).node));
            r[i] = l.get(i).node.asInt();
        }
        return r;
    }

    private static TaskSpec task(ManifestNode n, Path base) {
        n.keys(TASK);
        String name = n.text("name", null);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) throw n.error("name", "found '" + name + "', expected letters, digits, '_', '-', '.'");
        String typeText = n.choice("type", null, Set.of("classification", "multilabel", "segmentation", "detection"));
        TaskType type = switch (typeText) {
            case "classification" -> TaskType.MULTICLASS;
            case "multilabel" -> TaskType.MULTILABEL;
            case "segmentation" -> TaskType.SEGMENTATION;
            default -> TaskType.DETECTION;
        };
        ReaderSpec reader = reader(n.object("reader", true), base, type, typeText);
        List<String> classes = n.texts("classes");
        if (type == TaskType.DETECTION && classes == null && reader.format().equals("voc")) {
            throw n.error("classes", "missing; a VOC detection task needs its class names (object <name>s) in id order");
        }
        int h, w;
        if (!n.has("input_size")) throw n.error("input_size", "missing; expected a size in pixels (e.g. 64) or [height, width]");
        JsonNode is = n.node.get("input_size");
        if (is.isIntegralNumber()) h = w = n.integer("input_size", 0, 8, 4096);
        else if (is.isArray() && is.size() == 2 && is.get(0).isIntegralNumber() && is.get(1).isIntegralNumber()) {
            h = is.get(0).asInt();
            w = is.get(1).asInt();
            if (h < 8 || w < 8 || h > 4096 || w > 4096) throw n.error("input_size", "found [" + h + ", " + w + "], expected sides in [8, 4096]");
        } else throw n.error("input_size", "expected a size in pixels or [height, width], found " + ManifestNode.found(is));
        int batch = n.integer("batch_size", 8, 1, 4096);
        float weight = (float) n.number("loss_weight", 1, 0, 1e6);

        TransformSpec tr = new TransformSpec(1, 1, 0, 0, false, 0, 0);
        ManifestNode tn = n.object("transforms", false);
        if (tn != null) {
            tn.keys(TRANSFORMS);
            double smin = 1, smax = 1;
            if (tn.has("random_resized_crop")) {
                ManifestNode c = tn.object("random_resized_crop", true).keys(Set.of("scale"));
                List<ManifestNode> sc = c.list("scale", true);
                if (sc.size() != 2 || !sc.get(0).node.isNumber() || !sc.get(1).node.isNumber()) {
                    throw c.error("scale", "expected [min, max] area fractions, found " + ManifestNode.found(c.node.get("scale")));
                }
                smin = sc.get(0).node.asDouble();
                smax = sc.get(1).node.asDouble();
                if (!(smin > 0 && smin <= smax && smax <= 1)) throw c.error("scale", "found [" + smin + ", " + smax + "], expected 0 < min <= max <= 1");
            }
            boolean rot = tn.bool("rot90", false);
            if (rot && h != w) throw tn.error("rot90", "needs a square input_size, found " + h + "×" + w);
            tr = new TransformSpec(smin, smax, tn.number("hflip", 0, 0, 1), tn.number("vflip", 0, 0, 1), rot, tn.number("brightness", 0, 0, 1),
                    tn.number("contrast", 0, 0, 1));
        }

        String norm = "imagenet";
        float[] mean = null, std = null;
        if (n.has("normalize")) {
            JsonNode nv = n.node.get("normalize");
            if (nv.isTextual()) norm = n.choice("normalize", null, Set.of("imagenet", "dataset"));
            else {
                ManifestNode nn = n.object("normalize", true).keys(Set.of("mean", "std"));
                mean = floats3(nn, "mean", false);
                std = floats3(nn, "std", true);
                norm = "fixed";
            }
        }

        ManifestNode sp = n.object("split", false);
        SplitSpec split;
        if (sp == null) split = new SplitSpec("auto", 0.15, 0.15, null, null, null, null);
        else {
            sp.keys(SPLIT);
            String method = sp.choice("method", "auto", Set.of("auto", "own", "hash", "ordered"));
            double val = sp.number("val", 0.15, 0, 0.95), test = sp.number("test", 0.15, 0, 0.95);
            if (val + test >= 1) throw sp.error(null, "val " + val + " + test " + test + " >= 1; expected a sum below 1 (training needs data)");
            String group = sp.optionalText("group");
            if (group != null) {
                try {
                    java.util.regex.Pattern p = java.util.regex.Pattern.compile(group);
                    if (p.matcher("").groupCount() < 1) throw sp.error("group", "regex '" + group + "' has no capture group; expected one, e.g. '^(\\d+)_'");
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw sp.error("group", "'" + group + "' is not a valid regex: " + e.getDescription());
                }
            }
            Path sc = null;
            String sk = null, scol = null;
            ManifestNode st = sp.object("strata", false);
            if (st != null) {
                st.keys(Set.of("csv", "key", "column"));
                sc = file(st, "csv", base, true);
                sk = st.text("key", null);
                scol = st.text("column", null);
            }
            split = new SplitSpec(method, val, test, group, sc, sk, scol);
        }
        return new TaskSpec(n.path, name, type, reader, classes, h, w, batch, weight, tr, norm, mean, std, split);
    }

    private static float[] floats3(ManifestNode n, String key, boolean positive) {
        List<ManifestNode> l = n.list(key, true);
        if (l.size() != 3) throw n.error(key, "found " + l.size() + " values, expected 3 (one per channel)");
        float[] v = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!l.get(i).node.isNumber() || (positive && !(l.get(i).node.asDouble() > 0))) {
                throw l.get(i).error(null, "expected a " + (positive ? "positive " : "") + "number, found " + ManifestNode.found(l.get(i).node));
            }
            v[i] = (float) l.get(i).node.asDouble();
        }
        return v;
    }

    private static ReaderSpec reader(ManifestNode r, Path base, TaskType type, String typeText) {
        String format = r.choice("format", null, READER_KEYS.keySet());
        if (!READERS_FOR.get(type).contains(format)) {
            throw r.error("format", "found '" + format + "', a " + typeText + " task expects one of " + new java.util.TreeSet<>(READERS_FOR.get(type)));
        }
        r.keys(READER_KEYS.get(format));
        int axis = r.integer("axis", 2, 0, 2);
        double wc = Double.NaN, ww = Double.NaN;
        ManifestNode win = r.object("window", false);
        if (win != null) {
            win.keys(Set.of("center", "width"));
            wc = win.number("center", Double.NaN, -1e12, 1e12);
            ww = win.number("width", Double.NaN, 1e-12, 1e12);
            if (Double.isNaN(wc) || Double.isNaN(ww)) throw win.error(null, "expected both center and width");
        }
        Path path = null, root = null, images = null, masks = null, ann = null;
        String glob = null, maskName = null, imageColumn = null, labelColumn = null, splitColumn = null;
        List<String> labelColumns = null;
        boolean fill = false;
        Map<Integer, Integer> mapping = null;
        Map<Source.Split, Path> lists = null;
        switch (format) {
            case "folder" -> root = folder(r, "root", base, true);
            case "npz" -> path = file(r, "path", base, true);
            case "csv" -> {
                path = file(r, "path", base, true);
                images = r.has("images") ? folder(r, "images", base, true) : path.getParent();
                imageColumn = r.text("image_column", null);
                splitColumn = r.optionalText("split_column");
                if (type == TaskType.MULTILABEL) {
                    if (r.has("label_column")) throw r.error("label_column", "a multilabel task takes label_columns (one 0/1 column per class)");
                    labelColumns = r.texts("label_columns");
                    if (labelColumns == null) throw r.error("label_columns", "missing; expected the list of 0/1 class columns");
                } else {
                    if (r.has("label_columns")) throw r.error("label_columns", "a classification task takes one label_column (use type multilabel)");
                    labelColumn = r.text("label_column", null);
                }
            }
            case "masks" -> {
                images = folder(r, "images", base, true);
                masks = r.has("masks") ? folder(r, "masks", base, true) : images;
                glob = r.optionalText("glob");
                maskName = r.text("mask_name", "{name}");
                fill = r.bool("fill_outlines", false);
                mapping = r.intMap("mapping");
                if (mapping == null) mapping = Map.of(0, 0, 255, 1);
            }
            case "voc" -> {
                ann = folder(r, "annotations", base, true);
                images = folder(r, "images", base, true);
                ManifestNode s = r.object("splits", false);
                if (s != null) {
                    s.keys(Set.of("train", "val", "test"));
                    lists = new EnumMap<>(Source.Split.class);
                    for (Source.Split x : Source.Split.values()) if (s.has(x.id())) lists.put(x, file(s, x.id(), base, true));
                }
            }
            default -> { // coco
                path = file(r, "path", base, true);
                images = folder(r, "images", base, true);
            }
        }
        return new ReaderSpec(format, path, root, images, masks, ann, glob, maskName, fill, mapping, axis, wc, ww, imageColumn, labelColumn,
                labelColumns, splitColumn, lists);
    }

    private static Path file(ManifestNode n, String key, Path base, boolean required) {
        String v = n.text(key, required ? null : "");
        Path p = base.resolve(v).normalize();
        if (!Files.exists(p)) throw n.error(key, "file " + p + " not found");
        if (!Files.isRegularFile(p)) throw n.error(key, p + " is a folder, expected a file");
        return p;
    }

    private static Path folder(ManifestNode n, String key, Path base, boolean required) {
        String v = n.text(key, required ? null : "");
        Path p = base.resolve(v).normalize();
        if (!Files.exists(p)) throw n.error(key, "folder " + p + " not found");
        if (!Files.isDirectory(p)) throw n.error(key, p + " is a file, expected a folder");
        return p;
    }
}

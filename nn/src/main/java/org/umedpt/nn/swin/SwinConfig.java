package org.umedpt.nn.swin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;

/**
 * A Swin Transformer configuration, with torchvision's constructor fields.
 *
 * @param version             1 (Swin, pre-norm, learned bias table) or 2 (Swin v2, post-norm,
 *                            cosine attention, continuous position bias)
 * @param patchSize           patch embedding kernel and stride
 * @param embedDim            channels of stage 1 (doubles at every stage)
 * @param depths              blocks per stage
 * @param numHeads            attention heads per stage
 * @param windowSize          attention window (square)
 * @param mlpRatio            MLP hidden size / dim
 * @param numClasses          classifier head outputs; 0 = no head (encoder only)
 * @param stochasticDepthProb the last block's drop probability (linear in block index from 0)
 */
public record SwinConfig(int version, int patchSize, int embedDim, int[] depths, int[] numHeads, int windowSize,
                         float mlpRatio, int numClasses, float stochasticDepthProb) {

    public SwinConfig {
        if (version != 1 && version != 2) throw new IllegalArgumentException("SwinConfig: version must be 1 or 2, got " + version);
        if (depths.length == 0 || depths.length != numHeads.length) {
            throw new IllegalArgumentException("SwinConfig: depths " + Arrays.toString(depths) + " and num_heads "
                    + Arrays.toString(numHeads) + " must be non-empty and of equal length");
        }
        for (int i = 0; i < depths.length; i++) {
            int dim = embedDim << i;
            if (depths[i] <= 0 || numHeads[i] <= 0 || dim % numHeads[i] != 0) {
                throw new IllegalArgumentException("SwinConfig: stage " + (i + 1) + ": depth " + depths[i] + ", heads " + numHeads[i]
                        + " must be positive and divide the stage's " + dim + " channels");
            }
        }
        if (patchSize <= 0 || embedDim <= 0 || windowSize <= 0 || !(mlpRatio > 0) || numClasses < 0
                || !(stochasticDepthProb >= 0 && stochasticDepthProb < 1)) {
            throw new IllegalArgumentException("SwinConfig: patch_size, embed_dim, window_size, mlp_ratio must be positive, "
                    + "num_classes >= 0 and stochastic_depth_prob in [0, 1)");
        }
    }

    /** Names accepted by {@link #named}. */
    public static final Set<String> NAMES = Set.of("nano", "tiny", "small", "base", "v2_tiny", "v2_small", "v2_base");

    /**
     * A named configuration without a head: {@code nano} (CPU-sized: embed 48, depths 2-2-2-2,
     * heads 3-6-12-24, window 7, for 112 px), and torchvision's {@code swin_t/s/b} and
     * {@code swin_v2_t/s/b} (with their stochastic depth).
     */
    public static SwinConfig named(String name) {
        int[] h3 = {3, 6, 12, 24}, h4 = {4, 8, 16, 32};
        return switch (name) {
            case "nano" -> new SwinConfig(1, 4, 48, new int[] {2, 2, 2, 2}, h3, 7, 4f, 0, 0.1f);
            case "tiny" -> new SwinConfig(1, 4, 96, new int[] {2, 2, 6, 2}, h3, 7, 4f, 0, 0.2f);
            case "small" -> new SwinConfig(1, 4, 96, new int[] {2, 2, 18, 2}, h3, 7, 4f, 0, 0.3f);
            case "base" -> new SwinConfig(1, 4, 128, new int[] {2, 2, 18, 2}, h4, 7, 4f, 0, 0.5f);
            case "v2_tiny" -> new SwinConfig(2, 4, 96, new int[] {2, 2, 6, 2}, h3, 8, 4f, 0, 0.2f);
            case "v2_small" -> new SwinConfig(2, 4, 96, new int[] {2, 2, 18, 2}, h3, 8, 4f, 0, 0.3f);
            case "v2_base" -> new SwinConfig(2, 4, 128, new int[] {2, 2, 18, 2}, h4, 8, 4f, 0, 0.5f);
            default -> throw new IllegalArgumentException("unknown Swin config '" + name + "'; known: " + NAMES
                    + ", or a JSON file");
        };
    }

    /** A config name, or the path of a JSON file with torchvision's constructor fields. */
    public static SwinConfig parse(String nameOrPath) {
        if (NAMES.contains(nameOrPath)) return named(nameOrPath);
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("'" + nameOrPath + "' is neither a config name " + NAMES + " nor a JSON file");
        }
        return fromJson(p);
    }

    /**
     * Reads {@code version} (1 or 2), {@code patch_size}, {@code embed_dim}, {@code depths},
     * {@code num_heads}, {@code window_size}, {@code mlp_ratio} (default 4.0), optional
     * {@code num_classes} (default 0) and {@code stochastic_depth_prob} (default 0.1).
     * {@code patch_size} and {@code window_size} may be a number or a square [n, n] pair.
     */
    public static SwinConfig fromJson(Path p) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("config " + p + ": not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("config " + p + ": expected a JSON object");
        Set<String> known = Set.of("version", "patch_size", "embed_dim", "depths", "num_heads", "window_size", "mlp_ratio",
                "num_classes", "stochastic_depth_prob");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new IllegalArgumentException("config " + p + ": unknown field '" + f + "'; known: " + known);
        }
        try {
            return new SwinConfig(n.path("version").asInt(1), square(p, n, "patch_size"), required(p, n, "embed_dim").asInt(),
                    ints(p, n, "depths"), ints(p, n, "num_heads"), square(p, n, "window_size"),
                    (float) n.path("mlp_ratio").asDouble(4.0), n.path("num_classes").asInt(0),
                    (float) n.path("stochastic_depth_prob").asDouble(0.1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + p + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(Path p, JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) throw new IllegalArgumentException("config " + p + ": missing field '" + f + "'");
        return v;
    }

    private static int square(Path p, JsonNode n, String f) {
        JsonNode v = required(p, n, f);
        if (v.isInt()) return v.asInt();
        if (v.isArray() && v.size() == 2 && v.get(0).asInt() == v.get(1).asInt()) return v.get(0).asInt();
        throw new IllegalArgumentException("config " + p + ": field '" + f + "' must be a number or a square pair [n, n], got " + v);
    }

    private static int[] ints(Path p, JsonNode n, String f) {
        JsonNode v = required(p, n, f);
        if (!v.isArray()) throw new IllegalArgumentException("config " + p + ": field '" + f + "' must be a list of integers");
        int[] r = new int[v.size()];
        for (int i = 0; i < r.length; i++) r[i] = v.get(i).asInt();
        return r;
    }

    public SwinConfig withClasses(int classes) {
        return new SwinConfig(version, patchSize, embedDim, depths, numHeads, windowSize, mlpRatio, classes, stochasticDepthProb);
    }

    public SwinConfig withStochasticDepth(float p) {
        return new SwinConfig(version, patchSize, embedDim, depths, numHeads, windowSize, mlpRatio, numClasses, p);
    }

    public int stages() {
        return depths.length;
    }

    /** Channels of stage i (0-based). */
    public int stageDim(int i) {
        return embedDim << i;
    }

    /** Channels of the last stage: the pooled feature size. */
    public int numFeatures() {
        return stageDim(stages() - 1);
    }

    @Override
    public String toString() {
        return "Swin v" + version + "(patch " + patchSize + ", embed " + embedDim + ", depths " + Arrays.toString(depths) + ", heads "
                + Arrays.toString(numHeads) + ", window " + windowSize + ", mlp " + mlpRatio + ", classes " + numClasses + ")";
    }
}

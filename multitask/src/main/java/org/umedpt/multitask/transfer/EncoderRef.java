package org.umedpt.multitask.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.umedpt.multitask.InputException;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where a study's encoder comes from: a weights file (the pretrained encoder, or ImageNet weights
 * with torchvision names) or a random initialisation (the baseline; a fresh init per seed).
 * {@code id} names the weights for caches and cell files: the first 16 hex digits of the file's
 * SHA-256, or {@code random-<config hash>} (the seed is added per cell).
 */
public record EncoderRef(String init, String id, SwinConfig config, Map<String, Tensor> weights, boolean strict) {
    /**
     * A file written by {@code umedpt pretrain} (its metadata holds the config) or a torchvision
     * export; {@code fallback} is the config to use when the file has none.
     */
    public static EncoderRef file(String init, Path path, SwinConfig fallback, boolean strict) {
        if (!Files.isRegularFile(path)) throw new InputException("encoder " + path + ": file not found; expected a .safetensors file (umedpt pretrain writes encoder.safetensors)");
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(path);
        } catch (RuntimeException e) {
            throw new InputException("encoder " + path + ": " + e.getMessage(), e);
        }
        String cfgJson = c.metadata().get("config");
        SwinConfig cfg = cfgJson != null ? parseConfig(path, cfgJson) : fallback;
        if (cfg == null) throw new InputException("encoder " + path + ": no 'config' in its metadata; expected a file written by umedpt pretrain");
        return new EncoderRef(init, sha(path), cfg.withClasses(0), c.tensors(), strict);
    }

    public static EncoderRef random(SwinConfig config) {
        return new EncoderRef("random", "random-" + Integer.toHexString(config.withClasses(0).toString().hashCode()), config.withClasses(0), null, true);
    }

    /** The cache/cell id for one seed (random inits differ per seed; files do not). */
    public String id(long seed) {
        return weights == null ? id + "-s" + seed : id;
    }

    /** Loads this encoder's weights into {@code enc}, or leaves its random init (drawn by the caller from the seed). */
    public void loadInto(SwinEncoder enc) {
        if (weights == null) return;
        try {
            enc.loadStateDict(weights, strict);
        } catch (IllegalArgumentException e) {
            throw new InputException("encoder (" + init + "): " + e.getMessage().replace('\n', ' '), e);
        }
    }

    /** A random-init generator for one seed, the same for features and fine-tuning. */
    public static Rng initRng(long seed) {
        return new Rng(0xE7C0DE5L + 7919L * seed);
    }

    static SwinConfig parseConfig(Path file, String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            int[] depths = ints(n.get("depths")), heads = ints(n.get("num_heads"));
            return new SwinConfig(n.path("version").asInt(1), n.path("patch_size").asInt(), n.path("embed_dim").asInt(), depths, heads,
                    n.path("window_size").asInt(), (float) n.path("mlp_ratio").asDouble(4.0), 0, (float) n.path("stochastic_depth_prob").asDouble(0.1));
        } catch (IOException | RuntimeException e) {
            throw new InputException("encoder " + file + ": metadata 'config' is not a torchvision Swin config (" + e.getMessage() + ")", e);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static String sha(Path p) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new InputException("encoder " + p + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.umedpt.nn.io;

import org.umedpt.nn.Module;
import org.umedpt.nn.optim.Optimizer;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: the model's state dict under {@code model.},
 * the optimizer's state under {@code optim.}, and string metadata (step, RNG state, config) in the
 * header. Written atomically (temp file + rename), so a crash never leaves a half-written file.
 */
public final class Checkpoint {
    private Checkpoint() {}

    public static void save(Path path, Module model, Optimizer optimizer, Map<String, String> metadata) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> all.put("model." + k, v));
        if (optimizer != null) optimizer.state().forEach((k, v) -> all.put("optim." + k, v));
        SafeTensors.write(path, all, metadata);
    }

    /** Restores model (strict) and optimizer state; returns the metadata. */
    public static Map<String, String> load(Path path, Module model, Optimizer optimizer) {
        SafeTensors.Contents c = SafeTensors.read(path);
        try {
            model.loadStateDict(Weights.withPrefix(c.tensors(), "model."), true);
            if (optimizer != null) optimizer.loadState(Weights.withPrefix(c.tensors(), "optim."));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + path + ": " + e.getMessage(), e);
        }
        return c.metadata();
    }
}

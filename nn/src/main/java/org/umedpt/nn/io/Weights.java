package org.umedpt.nn.io;

import org.umedpt.nn.Module;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model weights as safetensors files with torchvision's names — the format users exchange with
 * PyTorch. To export torchvision weights for umedpt, on the Python side:
 * <pre>
 *   from safetensors.torch import save_file; import torchvision
 *   save_file(torchvision.models.swin_t(weights="DEFAULT").state_dict(), "swin_t.safetensors")
 * </pre>
 * (timm models: {@code save_file(model.state_dict(), path)} the same way; timm's names differ from
 * torchvision's, so map them first).
 */
public final class Weights {
    private Weights() {}

    /** Writes the module's state dict (parameters and buffers), atomically. */
    public static void save(Path path, Module module, Map<String, String> metadata) {
        SafeTensors.write(path, module.stateDict(), metadata);
    }

    /**
     * Loads a weights file into {@code module}. Strict: names and shapes must match exactly, and
     * every problem is listed in one error. Non-strict: only the keys the module has are loaded
     * (e.g. an encoder from a file that also has a classifier head), shape mismatches still fail.
     *
     * @return the names loaded
     */
    public static List<String> load(Path path, Module module, boolean strict) {
        SafeTensors.Contents c = SafeTensors.read(path);
        try {
            return module.loadStateDict(c.tensors(), strict);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** The tensors of a file whose names start with {@code prefix}, with the prefix removed. */
    public static Map<String, Tensor> withPrefix(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}

package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.swin.SwinOutput;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code umedpt features}: runs a Swin encoder on a batch of images and writes every stage's
 * feature map, the pooled feature and (when the weights have a head) the logits — the way to check
 * the encoder against PyTorch, and to export features for other tools.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Encode images with a Swin encoder and write its features as safetensors.",
                "Output tensors: stage1..stageK (N,C,H,W; torchvision's features.1/3/5/7), pooled (N,C: final norm + "
                        + "global average pool) and logits (N,classes) when the weights have a head."})
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--config", required = true,
            description = "A config name (nano, tiny, small, base, v2_tiny, v2_small, v2_base) or a JSON file with torchvision's "
                    + "constructor fields: version, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio, num_classes.")
    String config;

    @Option(names = "--weights", required = true, description = "safetensors file with torchvision names (with or without head.*).")
    Path weights;

    @Option(names = "--input", description = "safetensors file holding one tensor 'input' of shape (N,3,H,W); or use --manifest and --task.")
    Path input;

    @Option(names = "--manifest", description = "Read the images of one task of this manifest through its reader (instead of --input).")
    Path manifest;

    @Option(names = "--task", description = "With --manifest: the task whose images to encode.")
    String task;

    @Option(names = "--split", defaultValue = "test", description = "With --manifest: train, val or test (default: ${DEFAULT-VALUE}); un-augmented.")
    String split;

    @Option(names = "--output", required = true, description = "safetensors file to write (atomically).")
    Path output;

    @Option(names = "--batch-size", defaultValue = "8", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: all cores).")
    int threads;

    @Override
    public Integer call() {
        SwinConfig cfg = InputException.reading("--config " + config, () -> SwinConfig.parse(config));
        SafeTensors.Contents w = InputException.reading(weights.toString(), () -> SafeTensors.read(weights));
        Tensor head = w.tensors().get("head.weight");
        if (head != null) {
            int classes = head.dim(0);
            if (cfg.numClasses() != 0 && cfg.numClasses() != classes) {
                throw new InputException("--config says num_classes " + cfg.numClasses() + " but " + weights
                        + " has a head with " + classes + " classes");
            }
            cfg = cfg.withClasses(classes);
        } else {
            cfg = cfg.withClasses(0);
        }
        SwinEncoder enc = new SwinEncoder(cfg, new Rng(0));
        InputException.reading(weights + " (for --config " + config + ")", () -> {
            enc.loadStateDict(w.tensors(), true);
            return null;
        });
        enc.eval();
        Tensor x = (input == null) == (manifest == null)
                ? failInput() : input != null ? readInput(input) : readTask(manifest, task, split);
        if (x.rank() != 4 || x.dim(1) != 3) {
            throw new InputException(input + ": tensor 'input' must be (N,3,H,W), got " + Shape.str(x.shape()));
        }
        if (batchSize < 1) throw new InputException("--batch-size must be >= 1, got " + batchSize);
        int n = x.dim(0), h = x.dim(2), wd = x.dim(3), per = 3 * h * wd;
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (Backend cpu = InputException.reading("--device " + device, () -> BackendProvider.open(device, nThreads))) {
            Arena arena = new Arena();
            for (int start = 0; start < n; start += batchSize) {
                int b = Math.min(batchSize, n - start);
                try (Graph g = new Graph(cpu, arena, false)) {
                    Tensor xb = g.of(java.util.Arrays.copyOfRange(x.readOnlyData(), x.offset() + start * per, x.offset() + (start + b) * per), b, 3, h, wd);
                    SwinOutput out = enc.forward(g, xb, null);
                    for (int s = 0; s < out.stages().size(); s++) {
                        collect(parts, shapes, "stage" + (s + 1), Ops.permute(g, out.stages().get(s), 0, 3, 1, 2));
                    }
                    collect(parts, shapes, "pooled", out.pooled());
                    if (out.logits() != null) collect(parts, shapes, "logits", out.logits());
                }
                System.err.printf("features: %d/%d images (%.1f s)%n", start + b, n, (System.nanoTime() - t0) / 1e9);
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        parts.forEach((name, list) -> {
            int[] s = shapes.get(name).clone();
            s[0] = n;
            float[] all = new float[Shape.size(s)];
            int at = 0;
            for (float[] p : list) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            result.put(name, Tensor.of(all, s));
        });
        SafeTensors.write(output, result, Map.of("config", cfg.toString(), "weights", weights.getFileName().toString()));
        System.out.println("wrote " + output + ": " + describe(result));
        return 0;
    }

    private static Tensor failInput() {
        throw new org.umedpt.multitask.InputException("give either --input FILE or --manifest M.yaml --task NAME");
    }

    private static Tensor readInput(Path input) {
        SafeTensors.Contents in = InputException.reading(input.toString(), () -> SafeTensors.read(input));
        Tensor x = in.tensors().get("input");
        if (x == null) {
            throw new InputException(input + ": no tensor named 'input'; the file has " + in.tensors().keySet());
        }
        return x;
    }

    /** The un-augmented images of one split of a manifest task, stacked (N, 3, H, W). */
    private static Tensor readTask(Path manifest, String task, String split) {
        org.umedpt.multitask.task.Manifest m = org.umedpt.multitask.task.Manifest.read(manifest);
        var spec = m.tasks().stream().filter(t -> t.name().equals(task)).findFirst().orElseThrow(() -> new org.umedpt.multitask.InputException(
                "--task '" + task + "': not in " + manifest + "; tasks: " + m.tasks().stream().map(t -> t.name()).toList()));
        var d = InputException.reading("manifest " + manifest + ": " + spec.key(), () -> org.umedpt.multitask.task.TaskData.build(spec, m.training().seed()));
        org.umedpt.multitask.data.Dataset data = switch (split) {
            case "train" -> d.train();
            case "val" -> d.val();
            case "test" -> d.test();
            default -> throw new org.umedpt.multitask.InputException("--split: expected train, val or test, got '" + split + "'");
        };
        int n = data.size(), h = data.height(), w = data.width(), per = 3 * h * w;
        float[] all = new float[n * per];
        for (int i = 0; i < n; i++) System.arraycopy(data.get(i).image(), 0, all, i * per, per);
        return Tensor.of(all, n, 3, h, w);
    }

    private static void collect(Map<String, List<float[]>> parts, Map<String, int[]> shapes, String name, Tensor t) {
        parts.computeIfAbsent(name, k -> new ArrayList<>()).add(t.toArray());
        shapes.put(name, t.shape());
    }

    private static String describe(Map<String, Tensor> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() > 0 ? ", " : "").append(k).append(Shape.str(v.shape())));
        return sb.toString();
    }
}

package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.data.DecodeCache;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Manifest;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskData;
import org.umedpt.multitask.train.Evaluator;
import org.umedpt.nn.io.Weights;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code umedpt evaluate}: the test-split metrics of a trained model — shared blocks and task heads
 * from a pretrain checkpoint — on the tasks of a manifest, one {@code key=value} line per task.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Metrics of a pretrain checkpoint (encoder, shared blocks and heads) on the test splits of the manifest's tasks.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--encoder", required = true, description = "checkpoint.safetensors written by umedpt pretrain (encoder and heads).")
    Path checkpoint;

    @Option(names = "--manifest", required = true, description = "The manifest the checkpoint was trained with (tasks are matched by name).")
    Path manifest;

    @Option(names = "--split", defaultValue = "test", description = "train, val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: all cores).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(checkpoint)) throw new InputException("--encoder " + checkpoint + ": file not found; expected pretrain's checkpoint.safetensors");
        Manifest m;
        try {
            m = Manifest.read(manifest);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
        SafeTensors.Contents c = SafeTensors.read(checkpoint);
        SharedBlocks shared = new SharedBlocks(m.encoder(), new Rng(0));
        try {
            shared.loadStateDict(Weights.withPrefix(c.tensors(), "shared."), true);
        } catch (IllegalArgumentException e) {
            throw new InputException("--encoder " + checkpoint + ": not a pretrain checkpoint for this manifest's encoder: " + e.getMessage().replace('\n', ' '), e);
        }
        DecodeCache cache = new DecodeCache(m.training().cacheMb() << 20);
        try (Backend backend = DeviceOption.open(device, threads)) {
            for (Manifest.TaskSpec s : m.tasks()) {
                Map<String, org.umedpt.tensor.Tensor> head = Weights.withPrefix(c.tensors(), "head." + s.name() + ".");
                if (head.isEmpty()) throw new InputException("--encoder " + checkpoint + ": no head for task '" + s.name() + "' (heads: " + c.metadata().get("tasks") + ")");
                TaskData d = TaskData.build(s, m.training().seed(), cache);
                Task t = new Task(s.name(), s.type(), d.classes(), d.train(), s.batchSize(), 1f, m.encoder().numFeatures(), new Rng(0));
                t.head.loadStateDict(head, true);
                var data = switch (split) {
                    case "train" -> d.train();
                    case "val" -> d.val();
                    case "test" -> d.test();
                    default -> throw new InputException("--split: expected train, val or test, got '" + split + "'");
                };
                StringBuilder line = new StringBuilder("eval task=" + s.name() + " split=" + split + " n=" + data.size());
                Evaluator.evaluate(backend, shared, t, data, m.training().evalBatch()).forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%.4f", k, v)));
                System.out.println(line);
            }
        }
        return 0;
    }
}

package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.train.Pretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code umedpt pretrain --manifest M.yaml --out DIR [--resume] [--rounds N] [--threads T] [--device cpu|cuda]}: multi-task
 * pretraining over the datasets a manifest lists (see {@link Pretrainer} for what it writes and the
 * README's "Task manifest" for the format). Ctrl-C or SIGTERM stops after the current round with a
 * checkpoint; {@code --resume} continues it exactly.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrain a shared Swin encoder on the tasks of a YAML manifest.",
                "Writes DIR/train.log, DIR/metrics.jsonl, DIR/checkpoint.safetensors, and at the end DIR/encoder.safetensors "
                        + "(torchvision names) and DIR/summary.json."})
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--manifest", required = true, description = "The task manifest (YAML).")
    Path manifest;

    @Option(names = "--out", required = true, description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--rounds", description = "Override the manifest's training.rounds (e.g. for a quick try).")
    Integer rounds;

    @Option(names = "--threads", description = "Override the manifest's training.threads (compute threads).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() {
        if (rounds != null && rounds < 1) throw new InputException("--rounds must be >= 1, got " + rounds);
        if (threads != null && threads < 1) throw new InputException("--threads must be >= 1, got " + threads);
        new Pretrainer(new Pretrainer.Options(manifest, out, resume, rounds, threads, device, System.console() != null), System.out, System.err).run();
        return 0;
    }
}

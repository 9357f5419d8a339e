package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.data.DecodeCache;
import org.umedpt.multitask.report.Report;
import org.umedpt.multitask.task.Manifest;
import org.umedpt.multitask.task.TaskData;
import org.umedpt.multitask.transfer.Cell;
import org.umedpt.multitask.transfer.EncoderRef;
import org.umedpt.multitask.transfer.FineTuner;
import org.umedpt.multitask.transfer.Target;
import org.umedpt.multitask.transfer.TransferStudy;
import org.umedpt.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code umedpt transfer}: the label-efficiency study of an encoder on the tasks of a manifest
 * (see {@link TransferStudy}), then its report ({@link Report}). Resumable: rerun the same command.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = {"How much labelled data do the manifest's tasks need with this encoder? Trains each task on stratified, nested "
                + "subsets of its training split (frozen probe and/or fine-tuning; the pretrained encoder and each baseline; several seeds), "
                + "scores the test split with bootstrap 95 %% intervals and writes DIR/results.csv, DIR/report.md and PNG plots.",
                "Rerunning the same command skips the cells already in DIR/cells/."})
final class TransferCommand implements Callable<Integer> {
    @Option(names = "--encoder", required = true, description = "The pretrained encoder (encoder.safetensors from umedpt pretrain).")
    Path encoder;

    @Option(names = "--manifest", required = true, description = "Task manifest (YAML, as for pretrain) of the target tasks.")
    Path manifest;

    @Option(names = "--out", required = true, description = "Study folder (created; an existing study continues).")
    Path out;

    @Option(names = "--fractions", defaultValue = "1,5,10,25,50,100", split = ",",
            description = "Training fractions in percent (default: ${DEFAULT-VALUE}).")
    List<Double> fractions;

    @Option(names = "--modes", defaultValue = "frozen,finetune", split = ",",
            description = "frozen (probe on the pooled last stage), frozen-all (on every stage pooled), finetune (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per cell (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--baseline", defaultValue = "random",
            description = "random, or imagenet=FILE (torchvision-named Swin weights); repeatable (default: ${DEFAULT-VALUE}).")
    List<String> baselines;

    @Option(names = "--pretrain-metrics", description = "A pretrain run's metrics.jsonl, for the loss plot (default: beside --encoder, if there).")
    Path pretrainMetrics;

    @Option(names = "--steps", hidden = true, description = "Fine-tuning steps per cell, fixed (tests only).")
    Integer steps;

    @Option(names = "--max-steps", description = "Fine-tuning: at most this many steps per cell; a cell runs 20 epochs of its subset, "
            + "at least 60 steps (default: 400).")
    Integer maxSteps;

    @Option(names = "--eval-every", description = "Fine-tuning: validate (and keep the best state) every N steps (default: 20).")
    Integer evalEvery;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: all cores).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    private FineTuner.Options fineTune() {
        FineTuner.Options d = FineTuner.Options.defaults();
        if (steps != null) {
            if (steps < 1) throw new InputException("--steps must be >= 1, got " + steps);
            return d.withBudget(steps, steps, Math.max(1, steps / 2));
        }
        if (maxSteps != null && maxSteps < 1) throw new InputException("--max-steps must be >= 1, got " + maxSteps);
        if (evalEvery != null && evalEvery < 1) throw new InputException("--eval-every must be >= 1, got " + evalEvery);
        int max = maxSteps == null ? d.maxSteps() : maxSteps;
        return d.withBudget(Math.min(d.minSteps(), max), max, evalEvery == null ? d.evalEvery() : evalEvery);
    }

    @Override
    public Integer call() {
        double[] f = fractions.stream().mapToDouble(x -> x / 100).sorted().toArray();
        TransferStudy.Options o = new TransferStudy.Options(f, modes, seeds, fineTune(), 200, 64);
        Manifest m;
        try {
            m = Manifest.read(manifest);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
        EncoderRef pre = EncoderRef.file("pretrained", encoder, m.encoder(), true);
        List<EncoderRef> encoders = new ArrayList<>(List.of(pre));
        for (String b : baselines) {
            if (b.equals("random")) {
                encoders.add(EncoderRef.random(pre.config()));
            } else if (b.startsWith("imagenet=")) {
                encoders.add(EncoderRef.file("imagenet", Path.of(b.substring("imagenet=".length())), pre.config(), false));
            } else {
                throw new InputException("--baseline: expected random or imagenet=FILE, got '" + b + "'");
            }
        }
        List<Target> targets = new ArrayList<>();
        DecodeCache cache = new DecodeCache(m.training().cacheMb() << 20);
        for (Manifest.TaskSpec s : m.tasks()) {
            TaskData d = TaskData.build(s, m.training().seed(), cache);
            targets.add(Target.of(d));
            System.out.printf("data task=%s classes=%d train=%d val=%d test=%d%n", s.name(), d.classes(), d.train().size(), d.val().size(), d.test().size());
        }
        Path metrics = pretrainMetrics != null ? pretrainMetrics : encoder.toAbsolutePath().getParent().resolve("metrics.jsonl");
        if (pretrainMetrics != null && !Files.isRegularFile(pretrainMetrics)) throw new InputException("--pretrain-metrics " + pretrainMetrics + ": file not found");
        try (Backend backend = DeviceOption.open(device, threads)) {
            List<Cell> cells = new TransferStudy(backend, out, o, System.out).run(encoders, targets);
            List<String> head = Report.write(out, cells, Files.isRegularFile(metrics) ? metrics : null, "umedpt transfer: " + encoder.getFileName()
                    + " on " + manifest.getFileName());
            System.out.println("headline:");
            head.forEach(l -> System.out.println("  " + l));
            System.out.println("report: " + out.resolve("report.md"));
        }
        return 0;
    }
}

package org.umedpt.multitask.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.umedpt.multitask.data.SyntheticTasks;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.train.MultiTaskTrainer;
import org.umedpt.nn.io.Weights;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code umedpt demo} runs, end to end on the synthetic tasks, with nothing to download:
 * <ol>
 *   <li>multi-task pretraining (gradient accumulation over the tasks, one shared AdamW step per
 *       round) of a small Swin on four synthetic pretraining tasks (five with {@code --full}, which adds
 *       detection), writing
 *       {@code DIR/pretrain/encoder.safetensors} and {@code metrics.jsonl} (pretrain's format);</li>
 *   <li>the transfer study on the two held-apart targets, {@code cells-shape} (in-domain) and
 *       {@code ultrasound-target} (out-of-domain), frozen and fine-tuned, against random init.</li>
 * </ol>
 * The report is written by the caller. A finished pretraining (its encoder file exists) is reused,
 * and the study resumes cell by cell, so an interrupted demo continues where it stopped.
 */
public final class Demo {
    /** The demo's sizes. {@link #small()} is the default (≤ 10 min on 2 cores), {@link #full()} the whole grid. */
    public record Plan(SwinConfig config, int size, List<String> pretrainTasks, int rounds, int batch, int trainN, int valN, int testN,
                       double[] fractions, int seeds, FineTuner.Options fineTune) {
        public static Plan small() {
            return new Plan(Demo.config(), 48, List.of("cells-seg", "cells-count", "xray-lesion", "histo-tissue"), 300, 8,
                    400, 100, 400, new double[] {0.01, 0.1, 1.0}, 3, new FineTuner.Options(10, 30, 80, 3e-4f, 2e-3f, 0.05f, 0.1f, 20, 3, 100));
        }

        /** This plan with another pretraining length and seed count (for tuning; the CLI's hidden options). */
        public Plan with(Integer rounds, Integer seeds) {
            return new Plan(config, size, pretrainTasks, rounds == null ? this.rounds : rounds, batch, trainN, valN, testN, fractions,
                    seeds == null ? this.seeds : seeds, fineTune);
        }

        public static Plan full() {
            Plan s = small();
            return new Plan(s.config, s.size, List.of("cells-seg", "cells-count", "cells-det", "xray-lesion", "histo-tissue"), 1200, s.batch,
                    1000, 300, 600, new double[] {0.01, 0.05, 0.1, 0.25, 0.5, 1.0}, 5, new FineTuner.Options(15, 40, 300, 3e-4f, 2e-3f, 0.05f, 0.1f, 20, 4, 100));
        }
    }

    /** Swin v1, patch 4, embed 24, depths 2-2-2, heads 2-4-8, window 4, MLP ratio 2 (LearningTest's model). */
    public static SwinConfig config() {
        return new SwinConfig(1, 4, 24, new int[] {2, 2, 2}, new int[] {2, 4, 8}, 4, 2f, 0, 0f);
    }

    public static final List<String> TARGETS = List.of("cells-shape", "ultrasound-target");

    private Demo() {}

    /** Pretrains (or reuses a finished pretraining in {@code dir}); returns the encoder file. */
    public static Path pretrain(Backend backend, Plan p, Path dir, PrintStream out) {
        Path enc = dir.resolve("encoder.safetensors");
        if (Files.isRegularFile(enc)) {
            out.println("pretrain: reusing " + enc);
            return enc;
        }
        Rng init = new Rng(0);
        SharedBlocks shared = new SharedBlocks(p.config(), init);
        List<Task> tasks = new ArrayList<>();
        for (String n : p.pretrainTasks()) {
            SyntheticTasks.Spec s = SyntheticTasks.spec(n);
            // detection at 64 px: FCOS's finest level has stride 8 (tasks of one run may differ in size)
            int px = s.type() == org.umedpt.multitask.task.TaskType.DETECTION ? Math.max(64, p.size()) : p.size();
            tasks.add(new Task(n, s.type(), s.classes(), SyntheticTasks.dataset(n, px, 100_000, 1), p.batch(), 1f, p.config().numFeatures(), init));
        }
        MultiTaskTrainer trainer = new MultiTaskTrainer(backend, shared, tasks,
                new MultiTaskTrainer.Options(MultiTaskTrainer.Mode.ACCUMULATE, 1e-3f, 3e-3f, 1e-2f, 1.0, Math.max(1, p.rounds() / 20), p.rounds(), 0));
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            try (Writer metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
                Map<String, Double> avg = new LinkedHashMap<>();
                for (int r = 1; r <= p.rounds(); r++) {
                    Map<String, Float> losses = trainer.step();
                    ObjectNode j = json.createObjectNode().put("round", r).put("split", "train");
                    ObjectNode lj = j.putObject("loss");
                    losses.forEach((k, v) -> {
                        lj.put(k, (double) v);
                        avg.merge(k, (double) v, Double::sum);
                    });
                    j.put("lr", trainer.lr());
                    metrics.write(json.writeValueAsString(j) + "\n");
                    int every = Math.max(1, p.rounds() / 10);
                    if (r % every == 0 || r == p.rounds()) {
                        double el = (System.nanoTime() - t0) / 1e9;
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "pretrain round=%d/%d", r, p.rounds()));
                        avg.forEach((k, v) -> line.append(String.format(Locale.ROOT, " loss.%s=%.3f", k, v / every)));
                        line.append(String.format(Locale.ROOT, " %.2f rounds/s eta=%.0fs", r / el, el / r * (p.rounds() - r)));
                        out.println(line);
                        avg.clear();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "torchvision-swin");
        meta.put("config", configJson(p.config()));
        meta.put("rounds", Integer.toString(p.rounds()));
        Weights.save(enc, shared.encoder, meta);
        out.printf(Locale.ROOT, "pretrain: done in %.0f s, encoder %s%n", (System.nanoTime() - t0) / 1e9, enc);
        return enc;
    }

    /** The demo's targets at the plan's sizes. */
    public static List<Target> targets(Plan p) {
        List<Target> t = new ArrayList<>();
        for (String n : TARGETS) t.add(Target.synthetic(n, p.size(), p.trainN(), p.valN(), p.testN()));
        return t;
    }

    /** torchvision's constructor fields of a config, as pretrain writes them in the encoder's metadata. */
    public static String configJson(SwinConfig c) {
        ObjectNode n = new ObjectMapper().createObjectNode().put("version", c.version()).put("patch_size", c.patchSize()).put("embed_dim", c.embedDim())
                .put("window_size", c.windowSize()).put("mlp_ratio", c.mlpRatio()).put("stochastic_depth_prob", c.stochasticDepthProb());
        ArrayNode d = n.putArray("depths"), h = n.putArray("num_heads");
        for (int x : c.depths()) d.add(x);
        for (int x : c.numHeads()) h.add(x);
        return n.toString();
    }
}

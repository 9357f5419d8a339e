package org.umedpt.multitask.train;

import org.umedpt.tensor.io.AtomicFiles;
import org.umedpt.multitask.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.umedpt.multitask.data.DecodeCache;
import org.umedpt.multitask.data.Source;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Manifest;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskData;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.nn.io.Weights;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;
import org.umedpt.tensor.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;

/**
 * A pretraining run from a {@link Manifest} into an output folder — what {@code umedpt pretrain}
 * does. It validates the manifest and builds every task's data first, then trains with the
 * gradient-accumulation trainer, its batches decoded by loader threads ({@link Prefetcher}), and
 * writes into {@code out}:
 * <ul>
 *   <li>{@code train.log}: one {@code key=value} line per round (losses, lr, ms);</li>
 *   <li>{@code metrics.jsonl}: one JSON object per round (training losses) and per evaluation
 *       (a task's validation metrics);</li>
 *   <li>{@code checkpoint.safetensors}: every {@code checkpoint_every} rounds, at the end and on
 *       a stop request (SIGTERM/Ctrl-C), written atomically; {@code run.json} beside it holds the
 *       run's length, so {@code --resume} continues exactly (logs are cut back to the checkpoint);</li>
 *   <li>{@code encoder.safetensors} (torchvision parameter names) and {@code summary.json}
 *       (final validation metrics per task, split sizes, skipped examples) at the end.</li>
 * </ul>
 */
public final class Pretrainer {
    public static final String CHECKPOINT = "checkpoint.safetensors", ENCODER = "encoder.safetensors", SUMMARY = "summary.json",
            LOG = "train.log", METRICS = "metrics.jsonl", RUN = "run.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a run is launched. {@code rounds}/{@code threads} null = the manifest's; {@code device} cpu or cuda. */
    public record Options(Path manifest, Path out, boolean resume, Integer rounds, Integer threads, String device, boolean terminal) {}

    private final Options options;
    private final PrintStream stdout, stderr;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private LongPredicate stopAfter = r -> false;

    public Pretrainer(Options options, PrintStream stdout, PrintStream stderr) {
        this.options = options;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Asks the run to stop after the current round (it writes a checkpoint first). Thread-safe. */
    public void requestStop() {
        stopRequested.set(true);
    }

    /** For tests: stop (as on a signal) once {@code rounds done} satisfies the predicate. */
    public Pretrainer stopWhen(LongPredicate p) {
        this.stopAfter = p;
        return this;
    }

    /** Runs to the end (or to a stop request); returns the rounds done. */
    public long run() {
        Manifest m = Manifest.read(options.manifest());
        Manifest.Training tr = m.training();
        Path out = options.out();
        prepareOutput(out);
        Path ckpt = out.resolve(CHECKPOINT);
        if (options.resume()) {
            if (!Files.isRegularFile(ckpt)) {
                throw new InputException("--resume: no checkpoint " + ckpt + " to resume from; expected a folder written by pretrain");
            }
            JsonNode run = readRun(out.resolve(RUN));
            int stored = run.path("rounds").asInt();
            // the schedule of the interrupted run, not the manifest's (which may have been edited since)
            tr = tr.withRounds(options.rounds() != null ? options.rounds() : stored).withWarmup(run.path("warmup").asInt());
            if (options.rounds() != null && options.rounds() != stored) {
                stderr.println("umedpt pretrain: note: --rounds " + options.rounds() + " differs from the run's " + stored
                        + "; the learning-rate schedule changes from here on");
            }
        } else {
            if (Files.exists(ckpt)) {
                throw new InputException("output folder " + out + " already holds a run (" + CHECKPOINT
                        + "); pass --resume to continue it, or choose another --out");
            }
            if (options.rounds() != null) tr = tr.withRounds(options.rounds());
        }
        if (options.threads() != null) tr = tr.withThreads(options.threads());
        if (tr.rounds() < 1) throw new InputException("--rounds must be >= 1, got " + tr.rounds());

        final Manifest.Training t = tr;
        // the device first: a missing CUDA library is reported before minutes of decoding
        try (Backend backend = InputException.reading("--device " + options.device(), () -> BackendProvider.open(options.device(), t.threads()))) {
            return trainOn(backend, m, t, out);
        }
    }

    /** Decodes the data, then trains on {@code backend} (its owner closes it, whatever fails here). */
    private long trainOn(Backend backend, Manifest m, Manifest.Training t, Path out) {
        List<TaskData> data = new ArrayList<>();
        DecodeCache cache = new DecodeCache(t.cacheMb() << 20);
        final long seed = t.seed();
        for (Manifest.TaskSpec s : m.tasks()) { // every argument here comes from the manifest: its errors are the user's
            data.add(InputException.reading("manifest " + options.manifest() + ": " + s.key(), () -> TaskData.build(s, seed, cache)));
        }
        for (TaskData d : data) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "data task=%s type=%s classes=%d train=%d val=%d test=%d",
                    d.spec().name(), typeName(d.spec().type()), d.classes(), d.train().size(), d.val().size(), d.test().size()));
            d.skipped().forEach((k, v) -> line.append(" skipped.").append(k.replaceAll("[^A-Za-z0-9]+", "_")).append('=').append(v));
            stdout.println(line);
        }
        AtomicFiles.write(out.resolve(RUN), JSON.createObjectNode().put("rounds", t.rounds()).put("warmup", t.warmup()).put("manifest", options.manifest().toString()).toPrettyString());

        ExecutorService loaders = Executors.newFixedThreadPool(t.loaderThreads(), r -> {
            Thread th = new Thread(r, "umedpt-loader");
            th.setDaemon(true);
            return th;
        });
        Thread hook = new Thread(() -> {
            requestStop();
            synchronized (this) {
                try {
                    while (!finished) wait(); // the training thread writes the checkpoint, then wakes us
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "umedpt-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long done = train(backend, m, t, data, loaders);
            stdout.printf(Locale.ROOT, "cache used_mb=%.0f of %d hits=%d misses=%d%n", cache.usedBytes() / 1048576.0, t.cacheMb(), cache.hits(), cache.misses());
            return done;
        } finally {
            loaders.shutdownNow();
            synchronized (this) {
                finished = true;
                notifyAll();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook is running and has just been released
            }
        }
        }

    private boolean finished;

    private long train(Backend backend, Manifest m, Manifest.Training t, List<TaskData> data, ExecutorService loaders) {
        Path out = options.out();
        Rng init = new Rng(t.seed());
        SwinConfig cfg = m.encoder();
        SharedBlocks shared = new SharedBlocks(cfg, init);
        List<Task> tasks = new ArrayList<>();
        Map<String, TaskData> byName = new LinkedHashMap<>();
        for (TaskData d : data) {
            tasks.add(new Task(d.spec().name(), d.spec().type(), d.classes(), d.train(), d.spec().batchSize(), d.spec().lossWeight(),
                    cfg.numFeatures(), init));
            byName.put(d.spec().name(), d);
        }
        MultiTaskTrainer.Options o = new MultiTaskTrainer.Options(MultiTaskTrainer.Mode.ACCUMULATE, t.lr(), t.headLr(), t.weightDecay(),
                t.clipNorm(), t.warmup(), t.rounds(), t.seed(), t.tasksPerRound());
        MultiTaskTrainer trainer = new MultiTaskTrainer(backend, shared, tasks, o,
                (task, seed) -> new Prefetcher(task.data, seed, task.batchSize, t.prefetch(), loaders));
        Path ckpt = out.resolve(CHECKPOINT);
        if (options.resume()) {
            trainer.load(ckpt);
            long done = trainer.stepsDone();
            cutLog(out.resolve(LOG), done);
            cutLog(out.resolve(METRICS), done);
            stdout.println("resumed round=" + done + " of " + t.rounds() + " from " + ckpt);
        } else {
            deleteIfExists(out.resolve(LOG));
            deleteIfExists(out.resolve(METRICS));
        }
        Map<String, Map<String, Double>> lastEval = new LinkedHashMap<>();
        Progress progress = new Progress(options.terminal() ? stderr : stdout, options.terminal(), t.rounds(), t.logEvery(), trainer.stepsDone());
        try (Writer log = append(out.resolve(LOG)); Writer metrics = append(out.resolve(METRICS))) {
            while (trainer.stepsDone() < t.rounds()) {
                long t0 = System.nanoTime();
                Map<String, Float> losses = trainer.step();
                float lr = trainer.lr(); // the shared learning rate this round used (step() sets it from the schedule)
                long round = trainer.stepsDone();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                StringBuilder line = new StringBuilder("round=" + round);
                ObjectNode j = JSON.createObjectNode().put("round", round).put("split", "train");
                ObjectNode lj = j.putObject("loss");
                losses.forEach((k, v) -> {
                    line.append(String.format(Locale.ROOT, " loss.%s=%.4f", k, v));
                    lj.put(k, (double) v);
                });
                line.append(String.format(Locale.ROOT, " lr=%.3e ms=%d", lr, ms));
                j.put("lr", lr).put("ms", ms);
                log.write(line + "\n");
                metrics.write(JSON.writeValueAsString(j) + "\n");
                boolean last = round == t.rounds();
                if (t.evalEvery() > 0 && (round % t.evalEvery() == 0 || last)) {
                    for (Task task : tasks) {
                        Map<String, Double> e = Evaluator.evaluate(backend, shared, task, byName.get(task.name).val(), t.evalBatch());
                        lastEval.put(task.name, e);
                        ObjectNode ej = JSON.createObjectNode().put("round", round).put("split", "val").put("task", task.name);
                        StringBuilder el = new StringBuilder("eval round=" + round + " task=" + task.name);
                        e.forEach((k, v) -> {
                            ej.put(k, v);
                            el.append(String.format(Locale.ROOT, " %s=%.4f", k, v));
                        });
                        metrics.write(JSON.writeValueAsString(ej) + "\n");
                        log.write(el + "\n");
                        progress.message(el.toString());
                    }
                }
                log.flush();
                metrics.flush();
                progress.round(round, ms, losses);
                boolean stop = stopRequested.get() || stopAfter.test(round);
                if (round % t.checkpointEvery() == 0 || last || stop) trainer.save(ckpt);
                if (stop && !last) {
                    progress.done();
                    stdout.println("stopped round=" + round + " of " + t.rounds() + "; checkpoint " + ckpt + " (continue with --resume)");
                    return round;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + out + ": " + e.getMessage(), e);
        } finally {
            trainer.closeSources();
        }
        progress.done();
        // final metrics on the validation split for every task (also when eval_every is 0)
        for (Task task : tasks) {
            if (!lastEval.containsKey(task.name)) lastEval.put(task.name, Evaluator.evaluate(backend, shared, task, byName.get(task.name).val(), t.evalBatch()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "torchvision-swin");
        meta.put("config", configJson(cfg));
        meta.put("rounds", Long.toString(trainer.stepsDone()));
        Weights.save(out.resolve(ENCODER), shared.encoder, meta);
        AtomicFiles.write(out.resolve(SUMMARY), summary(m, t, data, lastEval, trainer.stepsDone()));
        stdout.println("done rounds=" + trainer.stepsDone() + " encoder=" + out.resolve(ENCODER) + " summary=" + out.resolve(SUMMARY));
        return trainer.stepsDone();
    }

    /** torchvision's constructor fields of the encoder, as JSON (tools/check_torchvision_load.py builds the model from it). */
    static String configJson(SwinConfig c) {
        ObjectNode n = JSON.createObjectNode().put("version", c.version()).put("patch_size", c.patchSize()).put("embed_dim", c.embedDim())
                .put("window_size", c.windowSize()).put("mlp_ratio", c.mlpRatio()).put("stochastic_depth_prob", c.stochasticDepthProb());
        ArrayNode d = n.putArray("depths"), h = n.putArray("num_heads");
        for (int x : c.depths()) d.add(x);
        for (int x : c.numHeads()) h.add(x);
        return n.toString();
    }

    private String summary(Manifest m, Manifest.Training t, List<TaskData> data, Map<String, Map<String, Double>> eval, long rounds) {
        ObjectNode s = JSON.createObjectNode();
        s.put("manifest", options.manifest().toString()).put("encoder", m.encoderName()).put("rounds", rounds).put("seed", t.seed());
        s.set("encoder_config", configJsonNode(m.encoder()));
        ObjectNode tasks = s.putObject("tasks");
        for (TaskData d : data) {
            ObjectNode n = tasks.putObject(d.spec().name());
            n.put("type", typeName(d.spec().type()));
            ArrayNode cn = n.putArray("classes");
            d.classNames().forEach(cn::add);
            ObjectNode sizes = n.putObject("examples");
            for (Source.Split sp : Source.Split.values()) sizes.put(sp.id(), d.split(sp).size());
            ObjectNode sk = n.putObject("skipped");
            d.skipped().forEach(sk::put);
            ObjectNode v = n.putObject("val");
            eval.getOrDefault(d.spec().name(), Map.of()).forEach(v::put);
        }
        return s.toPrettyString();
    }

    private static com.fasterxml.jackson.databind.JsonNode configJsonNode(SwinConfig c) {
        try {
            return JSON.readTree(configJson(c));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest's name of a task type. */
    static String typeName(TaskType t) {
        return t == TaskType.MULTICLASS ? "classification" : t.name().toLowerCase(Locale.ROOT);
    }

    private static void prepareOutput(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + out + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        if (!Files.isWritable(out)) throw new InputException("output folder " + out + " is not writable");
        try {
            Path probe = Files.createTempFile(out, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UncheckedIOException("output folder " + out + " is not writable: " + e.getMessage(), e);
        }
    }

    private static JsonNode readRun(Path run) {
        try {
            JsonNode n = JSON.readTree(run.toFile());
            if (n == null || !n.path("rounds").isInt() || !n.path("warmup").isInt()) throw new IOException("no rounds/warmup");
            return n;
        } catch (IOException e) {
            throw new InputException("--resume: cannot read " + run + " (" + e.getMessage() + "); expected the run.json pretrain writes");
        }
    }

    private static Writer append(Path p) throws IOException {
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void deleteIfExists(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + p + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the lines of a log that belong to rounds <= {@code done} (a killed run may have logged past its checkpoint). */
    static void cutLog(Path p, long done) {
        if (!Files.exists(p)) return;
        try {
            List<String> keep = new ArrayList<>();
            java.util.regex.Pattern r = java.util.regex.Pattern.compile("(?:\"round\":|round=)(\\d+)");
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                java.util.regex.Matcher mm = r.matcher(line);
                if (mm.find() && Long.parseLong(mm.group(1)) <= done) keep.add(line);
            }
            AtomicFiles.write(p, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + p + ": " + e.getMessage(), e);
        }
    }

}

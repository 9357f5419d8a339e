package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.nn.io.Weights;
import org.umedpt.nn.optim.AdamW;
import org.umedpt.nn.optim.GradClip;
import org.umedpt.nn.optim.WarmupCosine;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The method's training loop. One step is a round over the tasks:
 * <pre>
 *   for each task: batch → shared blocks → head → loss → backward → close the graph (arena reset)
 *                  → that task's head optimizer steps
 *   shared gradients have summed over the tasks → (clip) → one shared AdamW step → zero
 * </pre>
 * Each task's graph lives in the same arena and is released before the next task starts, so memory
 * is set by the largest single task, not by the number of tasks. {@link Mode#NAIVE} instead builds
 * one graph holding every task's loss and backpropagates their sum once — for comparison only.
 */
public final class MultiTaskTrainer {
    public enum Mode { ACCUMULATE, NAIVE }

    /**
     * @param sharedLr     peak learning rate of the shared blocks (AdamW; the method uses 1e-4)
     * @param headLr       learning rate of the task heads
     * @param weightDecay  AdamW weight decay of shared blocks and heads (1e-2)
     * @param clipNorm     global-norm clipping of the shared gradients, 0 = off
     * @param warmupSteps  linear warm-up of the shared learning rate, then cosine to 0 at totalSteps
     */
    public record Options(Mode mode, float sharedLr, float headLr, float weightDecay, double clipNorm, int warmupSteps,
                          int totalSteps, long seed, int tasksPerRound) {
        public Options(Mode mode, float sharedLr, float headLr, float weightDecay, double clipNorm, int warmupSteps, int totalSteps,
                       long seed) {
            this(mode, sharedLr, headLr, weightDecay, clipNorm, warmupSteps, totalSteps, seed, 0);
        }

        public static Options defaults(int totalSteps) {
            return new Options(Mode.ACCUMULATE, 1e-4f, 1e-3f, 1e-2f, 0, Math.min(100, totalSteps / 10), totalSteps, 0);
        }

        public Options with(Mode m) {
            return new Options(m, sharedLr, headLr, weightDecay, clipNorm, warmupSteps, totalSteps, seed, tasksPerRound);
        }

        /** Each round trains k tasks drawn without replacement (0 = all tasks, in order). */
        public Options withTasksPerRound(int k) {
            return new Options(mode, sharedLr, headLr, weightDecay, clipNorm, warmupSteps, totalSteps, seed, k);
        }
    }

    private final Backend backend;
    private final SharedBlocks shared;
    private final List<Task> tasks;
    private final Options options;
    private final AdamW sharedOptimizer;
    private final Map<String, AdamW> headOptimizers = new LinkedHashMap<>();
    private final Map<String, BatchSource> samplers = new LinkedHashMap<>();
    private final WarmupCosine schedule;
    private final Arena arena = new Arena();
    private final Rng rng;
    private long step;

    public MultiTaskTrainer(Backend backend, SharedBlocks shared, List<Task> tasks, Options options) {
        this(backend, shared, tasks, options, (t, seed) -> new TaskSampler(t.data, seed));
    }

    /** What makes each task's batch source from the task and its sampler seed (e.g. a {@link Prefetcher}). */
    @FunctionalInterface
    public interface Sources {
        BatchSource create(Task task, long seed);
    }

    public MultiTaskTrainer(Backend backend, SharedBlocks shared, List<Task> tasks, Options options, Sources sources) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("trainer: no tasks");
        this.backend = backend;
        this.shared = shared;
        this.tasks = List.copyOf(tasks);
        this.options = options;
        this.sharedOptimizer = new AdamW(backend, shared.namedParameters(), options.sharedLr(), 0.9, 0.999, 1e-8f, options.weightDecay(), null);
        long s = options.seed();
        for (Task t : tasks) {
            if (headOptimizers.containsKey(t.name)) throw new IllegalArgumentException("trainer: two tasks are named " + t.name);
            headOptimizers.put(t.name, new AdamW(backend, t.head.namedParameters(), options.headLr(), 0.9, 0.999, 1e-8f,
                    options.weightDecay(), null));
            samplers.put(t.name, sources.create(t, ++s * 31 + 7));
        }
        this.schedule = new WarmupCosine(options.sharedLr(), options.warmupSteps(), Math.max(options.totalSteps(), options.warmupSteps() + 1), 0f);
        this.rng = new Rng(options.seed() ^ 0x5DEECE66DL);
    }

    /**
     * One round: every task once (or {@code tasksPerRound} of them, drawn without replacement), then
     * one shared update. Returns each trained task's (weighted) loss.
     */
    public Map<String, Float> step() {
        List<Task> round = roundTasks();
        List<List<Sample>> batches = new ArrayList<>();
        for (Task t : round) batches.add(samplers.get(t.name).next(t.batchSize));
        Map<String, Float> losses = backward(round, batches);
        for (Task t : round) {
            AdamW h = headOptimizers.get(t.name);
            h.step();
            h.zeroGrad();
        }
        if (options.clipNorm() > 0) GradClip.clipGradNorm(backend, shared.parameters(), options.clipNorm());
        sharedOptimizer.setLr(schedule.lr(step));
        sharedOptimizer.step();
        sharedOptimizer.zeroGrad();
        step++;
        return losses;
    }

    /**
     * Forward and backward of one round on the given batches (one per task, in task order), leaving
     * the gradients in the parameters (nothing is stepped). In accumulate mode each task's graph is
     * closed before the next opens.
     */
    public Map<String, Float> backward(List<List<Sample>> batches) {
        return backward(tasks, batches);
    }

    private List<Task> roundTasks() {
        int k = options.tasksPerRound();
        if (k <= 0 || k >= tasks.size()) return tasks;
        List<Task> pool = new ArrayList<>(tasks), chosen = new ArrayList<>();
        for (int i = 0; i < k; i++) chosen.add(pool.remove(rng.nextInt(pool.size())));
        return chosen;
    }

    private Map<String, Float> backward(List<Task> tasks, List<List<Sample>> batches) {
        Map<String, Float> losses = new LinkedHashMap<>();
        if (options.mode() == Mode.ACCUMULATE) {
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                try (Graph g = new Graph(backend, arena)) {
                    Tensor loss = t.loss(g, shared, batches.get(i), rng);
                    losses.put(t.name, checkFinite(t, loss.item()));
                    g.backward(loss);
                }
            }
        } else {
            try (Graph g = new Graph(backend, arena)) {
                Tensor total = null;
                for (int i = 0; i < tasks.size(); i++) {
                    Task t = tasks.get(i);
                    Tensor loss = t.loss(g, shared, batches.get(i), rng);
                    losses.put(t.name, checkFinite(t, loss.item()));
                    total = total == null ? loss : Ops.add(g, total, loss);
                }
                g.backward(total);
            }
        }
        return losses;
    }

    private float checkFinite(Task t, float loss) {
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training stopped: task '" + t.name + "' has loss " + loss + " at step " + step
                    + " (lower the learning rate or enable clipping)");
        }
        return loss;
    }

    /**
     * Writes a checkpoint atomically: shared blocks and every head (parameters and buffers), every
     * optimizer's state, and in the metadata the step, the trainer's generator and each task's
     * sampler position. {@link #load} continues exactly as an uninterrupted run would.
     */
    public void save(Path path) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        shared.stateDict().forEach((k, v) -> t.put("shared." + k, v));
        sharedOptimizer.state().forEach((k, v) -> t.put("optim.shared." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "umedpt-multitask-checkpoint-1");
        meta.put("step", Long.toString(step));
        meta.put("rng", Long.toString(rng.state()));
        meta.put("tasks", String.join(",", tasks.stream().map(x -> x.name).toList()));
        for (Task task : tasks) {
            task.head.stateDict().forEach((k, v) -> t.put("head." + task.name + "." + k, v));
            headOptimizers.get(task.name).state().forEach((k, v) -> t.put("optim.head." + task.name + "." + k, v));
            meta.put("sampler." + task.name, samplers.get(task.name).state());
        }
        SafeTensors.write(path, t, meta);
    }

    /** Restores a checkpoint written by {@link #save} for the same tasks and model. */
    public void load(Path path) {
        SafeTensors.Contents c = SafeTensors.read(path);
        Map<String, String> meta = c.metadata();
        String tasksHere = String.join(",", tasks.stream().map(x -> x.name).toList());
        if (!tasksHere.equals(meta.get("tasks"))) {
            throw new org.umedpt.multitask.InputException("checkpoint " + path + " is for tasks [" + meta.get("tasks") + "], this run has [" + tasksHere + "]");
        }
        try {
            shared.loadStateDict(Weights.withPrefix(c.tensors(), "shared."), true);
            sharedOptimizer.loadState(Weights.withPrefix(c.tensors(), "optim.shared."));
            for (Task task : tasks) {
                task.head.loadStateDict(Weights.withPrefix(c.tensors(), "head." + task.name + "."), true);
                headOptimizers.get(task.name).loadState(Weights.withPrefix(c.tensors(), "optim.head." + task.name + "."));
                samplers.get(task.name).restore(meta.get("sampler." + task.name));
            }
            step = Long.parseLong(meta.get("step"));
            rng.restore(Long.parseLong(meta.get("rng")));
        } catch (RuntimeException e) {
            throw new org.umedpt.multitask.InputException("checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Stops the tasks' batch sources (loader work in flight is cancelled). */
    public void closeSources() {
        samplers.values().forEach(BatchSource::close);
    }

    public Arena arena() {
        return arena;
    }

    /** The shared blocks' current learning rate. */
    public float lr() {
        return sharedOptimizer.lr();
    }

    public long stepsDone() {
        return step;
    }

    public SharedBlocks shared() {
        return shared;
    }

    public List<Task> tasks() {
        return tasks;
    }
}

package org.umedpt.multitask.transfer;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.task.Task;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.multitask.train.Evaluator;
import org.umedpt.multitask.train.TaskSampler;
import org.umedpt.nn.optim.AdamW;
import org.umedpt.nn.optim.WarmupCosine;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.memory.Arena;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a fresh head on a training subset: in fine-tune mode the whole encoder too, in frozen
 * mode (segmentation, detection) only the task's shared block (pixel decoder or FCOS neck) and
 * head over an encoder kept in eval mode. AdamW for the body and for the head, each with linear
 * warm-up then cosine to 0; batches in a seed-fixed order with the training split's own
 * augmentation (its draws); every {@code evalEvery} steps the validation split's primary metric,
 * and the best state is restored at the end (early stopping after {@code patience} evaluations
 * without improvement).
 */
public final class FineTuner {
    /**
     * Steps = clamp(epochs · ⌈n / batch⌉, minSteps, maxSteps).
     */
    public record Options(int epochs, int minSteps, int maxSteps, float lr, float headLr, float weightDecay, float warmupFraction,
                          int evalEvery, int patience, int evalBatch) {
        public static Options defaults() {
            return new Options(20, 60, 400, 2e-4f, 2e-3f, 0.05f, 0.1f, 20, 4, 64);
        }

        /** These options with another step budget and validation interval. */
        public Options withBudget(int minSteps, int maxSteps, int evalEvery) {
            return new Options(epochs, minSteps, maxSteps, lr, headLr, weightDecay, warmupFraction, evalEvery, patience, evalBatch);
        }

        public int steps(int n, int batch) {
            return Math.max(minSteps, Math.min(maxSteps, epochs * ((n + batch - 1) / batch)));
        }
    }

    /** The trained model (best validation state) and what the run did. */
    public record Result(SharedBlocks shared, Task task, int steps, int bestStep, double bestVal) {}

    private FineTuner() {}

    public static Result train(Backend backend, EncoderRef enc, Target target, Dataset subset, long seed, boolean trainEncoder, Options o) {
        return train(backend, enc, target, subset, seed, trainEncoder, o, line -> {});
    }

    /**
     * As above; {@code progress} gets one line per validation ({@code step=40/400 val_accuracy=…
     * best=…@step s_per_step=… eta=…}), so that a long cell shows where it is.
     */
    public static Result train(Backend backend, EncoderRef enc, Target target, Dataset subset, long seed, boolean trainEncoder, Options o,
                               Consumer<String> progress) {
        SharedBlocks shared = new SharedBlocks(enc.config(), EncoderRef.initRng(seed));
        enc.loadInto(shared.encoder);
        Rng rng = new Rng(seed * 31 + 17);
        int batch = Math.min(target.batchSize(), subset.size());
        Task task = new Task(target.name(), target.type(), target.classes(), subset, batch, 1f, enc.config().numFeatures(), rng);
        Map<String, Tensor> body = new LinkedHashMap<>();
        if (trainEncoder) {
            body.putAll(shared.namedParameters());
        } else {
            Map<String, Tensor> all = shared.namedParameters();
            // frozen classification is the probe's (TransferStudy); here only segmentation and detection
            String prefix = target.type() == TaskType.SEGMENTATION ? "decoder." : "neck.";
            all.forEach((k, v) -> {
                if (k.startsWith(prefix)) body.put(k, v);
            });
        }
        AdamW bodyOpt = new AdamW(backend, body, o.lr(), 0.9, 0.999, 1e-8f, o.weightDecay(), null);
        AdamW headOpt = new AdamW(backend, task.head.namedParameters(), o.headLr(), 0.9, 0.999, 1e-8f, o.weightDecay(), null);
        int steps = o.steps(subset.size(), batch);
        int warm = Math.max(1, Math.round(o.warmupFraction() * steps));
        WarmupCosine bodyLr = new WarmupCosine(o.lr(), warm, steps, 0f), headLr = new WarmupCosine(o.headLr(), warm, steps, 0f);
        TaskSampler sampler = new TaskSampler(subset, seed * 7 + 3);
        Arena arena = new Arena();
        String metric = target.primaryMetric();
        double best = Double.NEGATIVE_INFINITY;
        int bestStep = 0, sinceBest = 0, done = 0;
        Map<String, float[]> bestState = null;
        shared.train(true);
        task.head.train(true);
        long t0 = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            if (!trainEncoder) shared.encoder.eval();
            List<Sample> b = sampler.next(batch);
            try (Graph g = new Graph(backend, arena)) {
                Tensor loss = task.loss(g, shared, b, rng);
                if (!Float.isFinite(loss.item())) {
                    throw new IllegalStateException("fine-tune " + target.name() + ": loss " + loss.item() + " at step " + step + " (lower the learning rate)");
                }
                g.backward(loss);
            }
            bodyOpt.setLr(bodyLr.lr(step));
            headOpt.setLr(headLr.lr(step));
            bodyOpt.step();
            headOpt.step();
            shared.zeroGrad(); // also the frozen encoder's, which backward filled
            task.head.zeroGrad();
            done = step + 1;
            boolean last = step == steps - 1;
            if (done % o.evalEvery() == 0 || last) {
                double v = Evaluator.evaluate(backend, shared, task, target.val(), o.evalBatch()).get(metric);
                boolean stop = false;
                if (v > best + 1e-9) {
                    best = v;
                    bestStep = done;
                    sinceBest = 0;
                    bestState = snapshot(shared, task);
                } else {
                    stop = ++sinceBest >= o.patience();
                }
                double perStep = (System.nanoTime() - t0) / 1e9 / done;
                progress.accept(String.format(Locale.ROOT, "step=%d/%d val_%s=%.4f best=%.4f@%d s_per_step=%.2f eta=%.0fs%s", done, steps, metric, v,
                        best, bestStep, perStep, stop || last ? 0 : perStep * (steps - done), stop ? " (early stop)" : ""));
                if (stop) break;
            }
        }
        if (bestState != null) restore(shared, task, bestState);
        shared.eval();
        task.head.eval();
        return new Result(shared, task, done, bestStep, best);
    }

    private static Map<String, float[]> snapshot(SharedBlocks shared, Task task) {
        Map<String, float[]> s = new LinkedHashMap<>();
        shared.stateDict().forEach((k, v) -> s.put("s." + k, v.toArray()));
        task.head.stateDict().forEach((k, v) -> s.put("h." + k, v.toArray()));
        return s;
    }

    private static void restore(SharedBlocks shared, Task task, Map<String, float[]> s) {
        shared.stateDict().forEach((k, v) -> System.arraycopy(s.get("s." + k), 0, v.data(), v.offset(), v.size()));
        task.head.stateDict().forEach((k, v) -> System.arraycopy(s.get("h." + k), 0, v.data(), v.offset(), v.size()));
    }
}

package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Decodes one task's next batches ahead, on a shared pool of loader threads, with at most
 * {@code depth} batches in flight (bounded memory). Which samples form which batch is decided on
 * the trainer's thread, in order, by a {@link TaskSampler}-equivalent plan (same shuffle, same
 * restarts when the data runs out); the pool only decodes, and each sample is a pure function of
 * (index, draw). So the batch sequence is the same for any number of threads and any timing, and
 * equal to {@link TaskSampler}'s. {@link #state()} is the sampler state before the oldest
 * undelivered batch: a checkpoint taken now resumes at the next batch the trainer has not seen.
 */
public final class Prefetcher implements BatchSource {
    private final Dataset data;
    private final TaskSampler plan;
    private final ExecutorService pool;
    private final int batchSize, depth;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();

    private record Pending(String stateBefore, List<Future<Sample>> samples) {}

    public Prefetcher(Dataset data, long seed, int batchSize, int depth, ExecutorService pool) {
        if (depth < 1) throw new IllegalArgumentException("prefetch depth must be >= 1, got " + depth);
        this.data = data;
        this.plan = new TaskSampler(data, seed);
        this.pool = pool;
        this.batchSize = batchSize;
        this.depth = depth;
    }

    private void fill() {
        while (queue.size() < depth) {
            String before = plan.state();
            List<Future<Sample>> fs = new ArrayList<>(batchSize);
            for (TaskSampler.Draw d : plan.nextDraws(batchSize)) fs.add(pool.submit(() -> data.get(d.index(), d.draw())));
            queue.add(new Pending(before, fs));
        }
    }

    @Override
    public List<Sample> next(int n) {
        if (n != batchSize) throw new IllegalArgumentException("prefetcher of " + data.name() + ": batch size " + n + ", built for " + batchSize);
        fill();
        Pending p = queue.poll();
        fill(); // keep the loaders busy while the trainer works on this batch
        List<Sample> out = new ArrayList<>(n);
        for (Future<Sample> f : p.samples()) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading " + data.name(), e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                throw new IllegalStateException("loading " + data.name() + ": " + c, c);
            }
        }
        return out;
    }

    @Override
    public String state() {
        return queue.isEmpty() ? plan.state() : queue.peek().stateBefore();
    }

    @Override
    public void restore(String state) {
        cancel();
        plan.restore(state);
    }

    private void cancel() {
        for (Pending p : queue) for (Future<Sample> f : p.samples()) f.cancel(false);
        queue.clear();
    }

    @Override
    public void close() {
        cancel();
    }
}

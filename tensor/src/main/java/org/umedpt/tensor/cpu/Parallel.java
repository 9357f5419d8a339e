package org.umedpt.tensor.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads owned by one {@link CpuBackend} (no global pool). Work is split
 * into as many parts as there are threads; the calling thread runs part 0 itself, so a pool of one
 * thread runs everything inline.
 */
final class Parallel implements AutoCloseable {
    /** One part of a split range: [from, to) and the part's index in [0, threads). */
    @FunctionalInterface
    interface RangeBody {
        void run(int part, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("CpuBackend: threads must be >= 1, got " + threads);
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory f = r -> {
                Thread t = new Thread(r, "umedpt-cpu-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(threads - 1, f);
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) split into at most {@code threads} contiguous parts of at least
     * {@code grain} items. Exceptions in workers are rethrown here.
     */
    void forRange(int n, int grain, RangeBody body) {
        int parts = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (parts <= 1 || pool == null) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] fs = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            final int part = p;
            final int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            fs[p - 1] = pool.submit(() -> body.run(part, from, to));
        }
        body.run(0, 0, (int) ((long) n / parts));
        join(fs);
    }

    /** Runs body(i) for i in [0, n), in parallel chunks. */
    void forEach(int n, int grain, IntConsumer body) {
        forRange(n, grain, (part, from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    private static void join(Future<?>[] fs) {
        RuntimeException first = null;
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (first == null) first = c instanceof RuntimeException re ? re : new IllegalStateException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) first = new IllegalStateException("interrupted while waiting for CPU workers", e);
            }
        }
        if (first != null) throw first;
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}

package org.umedpt.tensor.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of worker threads owned by one {@link CpuBackend} (no global pool). Work is split
 * into as many contiguous parts as there are threads; the calling thread runs part 0 itself, so a
 * team of one runs everything inline.
 *
 * <p>Why not an {@code ExecutorService}: a training step issues thousands of small parallel loops,
 * and waking a parked pool thread costs 7–40 µs per loop on these machines (measured). Here idle
 * workers spin briefly on a volatile epoch before parking, so back-to-back loops dispatch in about
 * a microsecond, and a worker idle for longer than {@link #SPIN_NANOS} parks and costs nothing.
 *
 * <p>Not reentrant: a loop started from inside a running loop runs inline on its caller.
 */
final class Parallel implements AutoCloseable {
    /** One part of a split range: [from, to) and the part's index in [0, threads). */
    @FunctionalInterface
    interface RangeBody {
        void run(int part, int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long epoch;
    private volatile boolean closed;
    private volatile boolean busy;
    // the current loop, published by the volatile write of epoch
    private RangeBody body;
    private int n, parts;
    private volatile Throwable error;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("CpuBackend: threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int part = i + 1;
            Thread t = new Thread(() -> work(part), "umedpt-cpu-" + part);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) split into at most {@code threads} contiguous parts of at least
     * {@code grain} items. An exception in any part is rethrown here after all parts finish.
     */
    void forRange(int n, int grain, RangeBody body) {
        int parts = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (parts <= 1 || busy || closed) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        busy = true;
        try {
            this.body = body;
            this.n = n;
            this.parts = parts;
            this.error = null;
            // every worker acknowledges every epoch (those without a part too), so no worker can
            // still be reading this loop's fields when the next loop overwrites them
            pending.set(workers.length);
            epoch++; // publishes body, n, parts
            for (Thread w : workers) LockSupport.unpark(w);
            Throwable mine = null;
            try {
                body.run(0, 0, (int) ((long) n / parts));
            } catch (Throwable t) {
                mine = t;
            }
            // spin briefly, then yield: on a machine shared with other processes a worker may be
            // descheduled, and spinning on its core-mate would only delay it
            for (int spins = 0; pending.get() > 0; spins++) {
                if (spins < 4096) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = mine != null ? mine : error;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            this.body = null;
            busy = false;
        }
    }

    private void work(int part) {
        long seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (epoch == seen && !closed) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = epoch;
            try {
                if (part < parts) body.run(part, (int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts));
            } catch (Throwable t) {
                error = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}

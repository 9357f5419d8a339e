package org.umedpt.tensor.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of worker threads owned by one {@link CpuBackend} (no global pool). A loop's range
 * is cut into chunks of at least {@code grain} items — up to {@link #CHUNKS_PER_THREAD} per thread —
 * that the calling thread and the workers claim one at a time; a team of one runs everything
 * inline.
 *
 * <p>Why not an {@code ExecutorService}: a training step issues thousands of small parallel loops,
 * and waking a parked pool thread costs 7–40 µs per loop on these machines (measured). Here idle
 * workers spin briefly on a volatile field before parking, so back-to-back loops dispatch in
 * about a microsecond, and a worker idle for longer than {@link #SPIN_NANOS} parks and costs
 * nothing.
 *
 * <p>Why claimed chunks rather than one fixed part per thread: on a machine shared with other
 * processes a worker may be descheduled for milliseconds; with fixed parts the caller waited for
 * it, with claimed chunks the caller takes the remaining chunks itself and returns as soon as
 * every chunk is done. A worker that wakes late finds its loop finished and goes back to waiting:
 * each loop is its own {@link Job}, so a late worker can never run a chunk of the next loop.
 * Results do not depend on who runs a chunk: bodies write disjoint outputs per index, and the
 * {@code part} they get is the running thread's index in [0, threads), for per-thread scratch.
 *
 * <p>Not reentrant: a loop started from inside a running loop runs inline on its caller.
 */
final class Parallel implements AutoCloseable {
    /** One chunk of a split range: [from, to), run by thread {@code part} in [0, threads). */
    @FunctionalInterface
    interface RangeBody {
        void run(int part, int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;
    /** Enough chunks for the caller to absorb a descheduled worker's share, few enough to keep chunks large. */
    static final int CHUNKS_PER_THREAD = 4;
    /** Elementwise work is split across threads only above this many elements (the kernels' common grain). */
    static final int ELEMENT_GRAIN = 1 << 15;

    /** One loop: its body and range, the next chunk to claim and the chunks finished. */
    private static final class Job {
        final RangeBody body;
        final int n, chunks;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable error;

        Job(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        /** Claims and runs chunks until none is left. */
        void runChunks(int self) {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run(self, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private volatile Job current; // the latest loop; workers compare by identity
    private volatile boolean closed;
    private volatile boolean busy;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("CpuBackend: threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int self = i + 1;
            Thread t = new Thread(() -> work(self), "umedpt-cpu-" + self);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} items. An exception in any chunk
     * is rethrown here after every chunk has finished.
     */
    void forRange(int n, int grain, RangeBody body) {
        int chunks = Math.min(threads * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || threads == 1 || busy || closed) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        busy = true;
        try {
            Job job = new Job(body, n, chunks);
            current = job;
            for (Thread w : workers) LockSupport.unpark(w);
            job.runChunks(0);
            // the remaining chunks are running on workers: spin briefly, then yield (a shared core)
            for (int spins = 0; job.done.get() < chunks; spins++) {
                if (spins < 4096) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = job.error;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            busy = false;
        }
    }

    private void work(int self) {
        Job seen = null;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Job job;
            while ((job = current) == seen && !closed) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = job;
            job.runChunks(self);
        }
    }

    @Override
    public void close() {
        closed = true;
        current = null;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}

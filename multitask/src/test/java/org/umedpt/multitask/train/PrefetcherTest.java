package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;
import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The prefetcher's batches equal the plain sampler's for any thread count and timing; its state resumes exactly. */
class PrefetcherTest {
    /** 7 samples whose label encodes (index, draw); get() sleeps a random few ms so loaders finish out of order. */
    static Dataset slow() {
        return new Dataset() {
            public String name() { return "slow"; }
            public int size() { return 7; }
            public int height() { return 1; }
            public int width() { return 1; }
            public Sample get(int i) { return get(i, 0); }
            public Sample get(int i, long draw) {
                try {
                    Thread.sleep((i * 7 + draw * 3) % 4);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Sample(new float[3], 1, 1, (int) (i + 100 * draw), null, null, null);
            }
        };
    }

    private static List<Integer> labels(BatchSource s, int batches) {
        List<Integer> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) for (Sample x : s.next(3)) out.add(x.label());
        return out;
    }

    @Test
    void batchesDependOnlyOnTheSeed() {
        List<Integer> plain = labels(new TaskSampler(slow(), 42), 10);
        for (int threads : new int[] {1, 3}) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try (Prefetcher p = new Prefetcher(slow(), 42, 3, 2, pool)) {
                assertEquals(plain, labels(p, 10), threads + " threads");
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(true, plain.stream().anyMatch(l -> l >= 200), "10 batches of 3 from 7 samples should reach the third epoch");
    }

    @Test
    void stateIsTheNextUndeliveredBatch() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Prefetcher a = new Prefetcher(slow(), 9, 3, 3, pool); Prefetcher b = new Prefetcher(slow(), 9, 3, 3, pool)) {
            labels(a, 4);
            String state = a.state(); // three more batches are already being decoded
            List<Integer> rest = labels(a, 4);
            b.restore(state);
            assertEquals(rest, labels(b, 4));
        } finally {
            pool.shutdownNow();
        }
    }
}

package org.umedpt.tensor.memory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.autograd.Reduction;
import org.umedpt.tensor.cpu.CpuBackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph arena: N successive graphs of one model, each backpropagated and closed, reuse the
 * same memory — the high-water mark is one graph's, live bytes return to zero after each close,
 * and after the first graph no new chunk is allocated.
 */
class ArenaTest {
    static CpuBackend cpu;
    static Tensor w1, b1, w2;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
        Rng r = new Rng(5);
        w1 = Tensor.normal(r, 0, 0.2f, 4, 3, 3, 3).requiresGrad(true);
        b1 = Tensor.zeros(4).requiresGrad(true);
        w2 = Tensor.normal(r, 0, 0.2f, 4 * 8 * 8, 5).requiresGrad(true);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    /** A small conv net step: conv → GELU → pool → linear → cross-entropy, backward. */
    private static float step(Graph g, int seed) {
        Rng r = new Rng(seed);
        Tensor x = g.of(Tensor.normal(r, 0, 1, 2, 3, 16, 16).toArray(), 2, 3, 16, 16);
        Tensor h = Ops.gelu(g, Ops.conv2d(g, x, w1, b1, 1, 1));
        h = Ops.maxPool2d(g, h, 2, 2, 0);
        Tensor logits = Ops.matmul(g, Ops.reshape(g, h, 2, -1), w2);
        Tensor loss = Ops.crossEntropy(g, logits, g.of(new float[] {1, 3}, 2), null, -100, Reduction.MEAN);
        g.backward(loss);
        return loss.item();
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 2, 4, 8, 16})
    void highWaterIsOneGraphWhateverTheNumberOfGraphs(int n) {
        Arena single = new Arena();
        try (Graph g = new Graph(cpu, single)) {
            step(g, 0);
        }
        long oneGraph = single.highWaterBytes();
        assertTrue(oneGraph > 0);

        Arena arena = new Arena();
        long reserved = -1;
        for (int i = 0; i < n; i++) {
            try (Graph g = new Graph(cpu, arena)) {
                step(g, i);
                assertTrue(arena.bytesInUse() > 0);
            }
            assertEquals(0, arena.bytesInUse(), "live bytes after closing graph " + i);
            if (i == 0) reserved = arena.reservedBytes();
            else assertEquals(reserved, arena.reservedBytes(), "graph " + i + " allocated a new chunk");
        }
        assertEquals(oneGraph, arena.highWaterBytes(), "high-water after " + n + " graphs");
        // held memory: what one graph needed (the first chunk is 4 MiB), whatever N is
        assertEquals(single.reservedBytes(), arena.reservedBytes(), "memory held after " + n + " graphs");
    }

    @Test
    void blocksStartOnCacheLinesWhereTheVmAlignsArrays() {
        String alignment = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("ObjectAlignmentInBytes").getValue();
        // Surefire runs the default tests with the launcher's 64-byte alignment and the vector-128 run at the JVM default
        int base = sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;
        assertEquals(alignment.equals("64") ? (64 - base % 64) % 64 / 4 : 0, Alignment.FIRST, "ObjectAlignmentInBytes=" + alignment);
        Arena arena = new Arena();
        // after reuse of a freed block, a split remainder, a second chunk and a reset
        for (int round = 0; round < 2; round++) {
            Arena.Block a = arena.allocate(5), b = arena.allocate(33), big = arena.allocate(3 << 20);
            arena.free(b);
            Arena.Block c = arena.allocate(7), d = arena.allocate(9);
            for (Arena.Block k : new Arena.Block[] {a, c, d, big}) {
                assertEquals(0, (k.offset() - Alignment.FIRST) % 16, "block at " + k.offset() + ", FIRST " + Alignment.FIRST);
                assertTrue(k.offset() >= Alignment.FIRST);
            }
            arena.reset();
        }
    }

    @Test
    void laterGraphsReuseTheSameMemory() {
        Arena arena = new Arena(); // starts empty: the first graph allocates its chunks
        float[] first;
        try (Graph g = new Graph(cpu, arena)) {
            first = g.empty(1).data();
            step(g, 0);
        }
        try (Graph g = new Graph(cpu, arena)) {
            assertTrue(first == g.empty(1).data(), "the second graph allocates from the first graph's chunk");
            step(g, 1);
        }
    }

    @Test
    void largeGraphsSpanSeveralBoundedChunks() {
        Arena arena = new Arena();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 12; i++) arena.allocate(3L << 20); // 12 × 12 MiB
            arena.reset();
        }
        long reserved = arena.reservedBytes();
        assertTrue(reserved >= 12L * (12 << 20) && reserved < 2L * 12 * (12 << 20), "reserved " + reserved);
        for (int i = 0; i < 12; i++) arena.allocate(3L << 20);
        assertEquals(reserved, arena.reservedBytes(), "a repeated graph allocates no new chunk");
    }

    @Test
    void parameterGradientsLiveOutsideTheArenaAndAccumulate() {
        Arena arena = new Arena();
        w2.setGrad(null);
        try (Graph g = new Graph(cpu, arena)) {
            step(g, 3);
        }
        float[] once = w2.grad().toArray();
        try (Graph g = new Graph(cpu, arena)) {
            step(g, 3);
        }
        float[] twice = w2.grad().toArray();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6 + 1e-5 * Math.abs(once[i]));
        assertTrue(!w2.grad().isArena());
    }

    @Test
    void usingATensorOfAClosedGraphNamesBothGenerations() {
        Arena arena = new Arena();
        Tensor t;
        try (Graph g = new Graph(cpu, arena)) {
            t = Ops.relu(g, g.of(new float[] {1, -1}, 2));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toArray);
        assertTrue(e.getMessage().contains("generation 0") && e.getMessage().contains("generation 1"), e.getMessage());
        try (Graph g = new Graph(cpu, arena)) {
            assertThrows(IllegalStateException.class, () -> Ops.relu(g, t));
        }
    }

    @Test
    void oneOpenGraphPerArena() {
        Arena arena = new Arena();
        try (Graph g = new Graph(cpu, arena)) {
            assertThrows(IllegalStateException.class, () -> new Graph(cpu, arena));
        }
        new Graph(cpu, arena).close(); // free again after close
    }

    @Test
    void backwardReleasesIntermediateGradients() {
        Tensor x = Tensor.normal(new Rng(2), 0, 1, 1000, 100).requiresGrad(true); // 400 kB per tensor
        Arena arena = new Arena();
        long tensor = 100_000L * 4;
        try (Graph g = new Graph(cpu, arena)) {
            Tensor y = x;
            for (int i = 0; i < 10; i++) y = Ops.tanh(g, y);
            Tensor loss = Ops.sum(g, y);
            long forward = arena.bytesInUse();
            g.backward(loss);
            // without release: 10 more gradients; with it, at most the two being read and written
            assertTrue(arena.highWaterBytes() <= forward + 2 * tensor + 4096,
                    "high water " + arena.highWaterBytes() + " vs forward " + forward);
        }
        assertTrue(x.grad() != null);
    }

    @Test
    void counters() {
        Arena arena = new Arena();
        arena.allocate(10);
        arena.allocate(20);
        assertEquals(2, arena.allocationCount());
        assertEquals((16 + 32) * 4, arena.bytesInUse()); // 16-float alignment
        arena.reset();
        assertEquals(0, arena.bytesInUse());
        assertEquals((16 + 32) * 4, arena.highWaterBytes());
        assertThrows(IllegalArgumentException.class, () -> arena.allocate(-1));
    }

    /** The tests run in poison mode (surefire enables assertions): freed and reset memory reads NaN. */
    @org.junit.jupiter.api.Test
    void poisonModeFillsFreedMemoryWithNaN() {
        Arena a = new Arena();
        org.junit.jupiter.api.Assertions.assertTrue(a.poisons(), "tests must run with -ea (poison mode)");
        Arena.Block b = a.allocate(40);
        java.util.Arrays.fill(b.array(), b.offset(), b.offset() + 40, 1f);
        a.free(b);
        for (int i = 0; i < 40; i++) org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(b.array()[b.offset() + i]));
        Arena.Block c = a.allocate(100);
        java.util.Arrays.fill(c.array(), c.offset(), c.offset() + 100, 2f);
        a.reset();
        Arena.Block d = a.allocate(100); // the same memory again: never the stale 2s
        for (int i = 0; i < 100; i++) org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(d.array()[d.offset() + i]));
        org.junit.jupiter.api.Assertions.assertFalse(new Arena(false).poisons());
    }
}

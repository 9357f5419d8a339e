package org.umedpt.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tape: recording, grad modes, backward rules and lifecycle errors. */
class GraphTest {
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    @Test
    void backwardOfASimpleExpression() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        try (Graph g = new Graph(cpu, new Arena())) {
            Tensor y = Ops.sum(g, Ops.mul(g, Ops.square(g, x), 3f)); // Σ 3x²
            assertEquals(42f, y.item());
            g.backward(y);
        }
        assertArrayEquals(new float[] {6, 12, 18}, x.grad().toArray());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        try (Graph g = new Graph(cpu, new Arena())) {
            Tensor y;
            try (Graph.NoGrad s = g.noGrad()) {
                y = Ops.exp(g, x);
            }
            assertFalse(y.requiresGrad());
            assertEquals(0, g.tapeLength());
            Tensor z = Ops.exp(g, x);
            assertTrue(z.requiresGrad());
            assertEquals(1, g.tapeLength());
        }
        try (Graph g = new Graph(cpu, new Arena(), false)) {
            assertFalse(Ops.exp(g, x).requiresGrad());
            assertEquals(0, g.tapeLength());
        }
    }

    @Test
    void opsOnConstantsAreNotRecorded() {
        try (Graph g = new Graph(cpu, new Arena())) {
            Ops.add(g, g.of(new float[] {1}, 1), g.of(new float[] {2}, 1));
            assertEquals(0, g.tapeLength());
        }
    }

    @Test
    void backwardTwiceAndNonScalarLossAreErrors() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (Graph g = new Graph(cpu, new Arena())) {
            Tensor y = Ops.exp(g, x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.backward(y));
            assertTrue(e.getMessage().contains("(2)"), e.getMessage());
            Tensor s = Ops.sum(g, y);
            g.backward(s);
            assertThrows(IllegalStateException.class, () -> g.backward(s));
        }
    }

    @Test
    void closedGraphRefusesWork() {
        Graph g = new Graph(cpu, new Arena());
        g.close();
        g.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> g.empty(3));
    }

    @Test
    void gradientsReachOnlyInputsThatRequireThem() {
        Tensor a = Tensor.ones(2).requiresGrad(true), b = Tensor.ones(2);
        try (Graph g = new Graph(cpu, new Arena())) {
            g.backward(Ops.sum(g, Ops.mul(g, a, b)));
        }
        assertArrayEquals(new float[] {1, 1}, a.grad().toArray());
        assertNull(b.grad());
    }

    @Test
    void shapeErrorsNameTheOpAndShapes() {
        try (Graph g = new Graph(cpu, new Arena())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ops.matmul(g, Tensor.zeros(2, 3, 8), Tensor.zeros(4, 5)));
            assertTrue(e.getMessage().startsWith("matmul: inner dims differ: a(2,3,8) vs b(4,5)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.add(g, Tensor.zeros(2, 3), Tensor.zeros(4)));
            assertTrue(e.getMessage().contains("add: cannot broadcast (2,3) with (4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Ops.crossEntropy(g, Tensor.zeros(2, 3), Tensor.of(new float[] {0, 3}, 2)));
            assertTrue(e.getMessage().contains("target[1] = 3.0"), e.getMessage());
        }
    }

    @Test
    void factoriesAreSeededAndExplicit() {
        assertArrayEquals(Tensor.normal(new Rng(3), 0, 1, 50).toArray(), Tensor.normal(new Rng(3), 0, 1, 50).toArray());
        Tensor tn = Tensor.truncatedNormal(new Rng(4), 0, 1, -0.5f, 0.5f, 1000);
        for (float v : tn.toArray()) assertTrue(v >= -0.5f && v <= 0.5f);
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7f, 2).toArray());
        Rng r = new Rng(9);
        r.nextLong();
        long s = r.state();
        long next = r.nextLong();
        assertEquals(next, new Rng(0).restore(s).nextLong());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).view(4, 2));
        assertArrayEquals(new int[] {3, 2}, Tensor.zeros(2, 3).view(-1, 2).shape());
    }

    /** Backward allocations of loss = Σ (w·2)² with {@code reshapes} reshapes between the product and the square. */
    private static long backwardAllocations(int reshapes, Tensor w) {
        Arena arena = new Arena();
        try (Graph g = new Graph(cpu, arena)) {
            Tensor a = Ops.mul(g, w, 2f);
            for (int i = 0; i < reshapes; i++) a = Ops.reshape(g, a, i % 2 == 0 ? new int[] {3, 4} : new int[] {2, 6});
            Tensor loss = Ops.sum(g, Ops.mul(g, a, a));
            long before = arena.allocationCount();
            g.backward(loss);
            return arena.allocationCount() - before;
        }
    }

    @Test
    void reshapeHandsItsGradientBufferOnInsteadOfCopyingIt() {
        Tensor w = Tensor.of(new float[] {1, -2, 3, 4, 5, 6, -7, 8, 9, 10, 11, 12}, 12).requiresGrad(true);
        long none = backwardAllocations(0, w);
        float[] expected = w.grad().toArray();
        w.setGrad(null);
        assertEquals(none, backwardAllocations(3, w), "three reshapes in the chain allocate no gradient buffer");
        assertArrayEquals(expected, w.grad().toArray(), 0f);
        for (int i = 0; i < 12; i++) assertEquals(8 * w.toArray()[i], expected[i], 1e-5f, "d/dw Σ (2w)² = 8w");
    }
}

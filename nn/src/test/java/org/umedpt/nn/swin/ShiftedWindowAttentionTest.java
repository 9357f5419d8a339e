package org.umedpt.nn.swin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The v1 attention module's fused path ({@code Ops.windowAttention}) against its unfused op chain
 * on the same weights: output, input gradient and every parameter gradient, on maps that need
 * padding and a shift; and attention dropout in training still takes the unfused path.
 */
class ShiftedWindowAttentionTest {
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    /** The same module, but always on the unfused chain. */
    static final class Unfused extends ShiftedWindowAttention {
        Unfused(int dim, int ws, int shift, int heads, Rng rng) {
            super(dim, ws, shift, heads, 0f, 0f, rng);
        }

        @Override
        protected Tensor attention(Graph g, Tensor qkvOut, Tensor bias, Tensor mask, Rng rng) {
            return unfusedAttention(g, qkvOut, bias, mask, rng);
        }
    }

    /** Output, then d(input), then each parameter's gradient, of L = Σ out·seed. */
    private static Map<String, float[]> run(ShiftedWindowAttention m, Tensor x) {
        m.zeroGrad();
        x.setGrad(null);
        Map<String, float[]> r = new LinkedHashMap<>();
        try (Graph g = new Graph(cpu, new Arena())) {
            Tensor y = m.forward(g, x, null);
            r.put("out", y.toArray());
            Tensor seed = Tensor.normal(new Rng(3), 0, 1, y.shape());
            g.backward(y, g.of(seed.data(), y.shape()));
        }
        r.put("grad.input", x.grad().toArray());
        m.namedParameters().forEach((name, p) -> r.put("grad." + name, p.grad().toArray()));
        return r;
    }

    @ParameterizedTest(name = "{0}x{1} ws={2} shift={3} heads={4}")
    @CsvSource({"5,6,3,1,2", "7,7,7,3,3", "9,4,4,2,1", "7,7,7,0,3"})
    void fusedMatchesUnfusedChain(int h, int w, int ws, int shift, int heads) {
        int dim = 6 * heads;
        ShiftedWindowAttention fused = new ShiftedWindowAttention(dim, ws, shift, heads, 0f, 0f, new Rng(1));
        ShiftedWindowAttention chain = new Unfused(dim, ws, shift, heads, new Rng(1));
        // O(1) weights and a non-trivial position bias, so every term matters
        Rng r = new Rng(2);
        fused.namedParameters().forEach((name, p) -> {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) d[i] += (float) (0.3 * r.nextGaussian());
        });
        chain.loadStateDict(fused.stateDict(), true);
        Tensor x = Tensor.normal(new Rng(4), 0, 1, 2, h, w, dim).requiresGrad(true);
        Map<String, float[]> a = run(fused, x), e = run(chain, x);
        e.forEach((what, expected) -> close(what, expected, a.get(what)));
    }

    private static void close(String what, float[] expected, float[] actual) {
        double scale = 0, worst = 0;
        int at = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= 1e-5 * scale)) {
            fail(String.format("%s[%d]: unfused %.8g fused %.8g (max diff %.3g, max |unfused| %.3g)", what, at, expected[at],
                    actual[at], worst, scale));
        }
    }

    @Test
    void attentionDropoutInTrainingUsesTheUnfusedPath() {
        ShiftedWindowAttention m = new ShiftedWindowAttention(8, 3, 1, 2, 0.5f, 0f, new Rng(1));
        Tensor x = Tensor.normal(new Rng(4), 0, 1, 1, 6, 6, 8);
        try (Graph g = new Graph(cpu, new Arena(), false)) {
            m.eval();
            float[] eval = m.forward(g, x, null).toArray();
            m.train(true);
            float[] train = m.forward(g, x, new Rng(5)).toArray();
            double diff = 0;
            for (int i = 0; i < eval.length; i++) diff = Math.max(diff, Math.abs(eval[i] - train[i]));
            assertTrue(diff > 1e-3, "attention dropout p = 0.5 in training changes the output (max diff " + diff + ")");
        }
    }
}

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * Inverted dropout: y = x · mask, mask = 1/(1−p) with probability 1−p, else 0, drawn from the
 * caller's seeded {@link Rng}. In evaluation ({@code training = false}) or with p = 0 it is the
 * identity and draws nothing. Backward: dx += dy · mask.
 */
public final class Dropout {
    private Dropout() {}

    public static Tensor apply(Graph g, Tensor x, float p, boolean training, Rng rng) {
        Checks.alive(x);
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        if (!training || p == 0f) return x;
        if (rng == null) throw new IllegalArgumentException("dropout: a seeded Rng is required in training");
        Tensor mask = g.empty(x.shape());
        g.backend().dropoutMask(mask, 1f - p, rng);
        Tensor y = g.empty(x.shape());
        g.backend().binary(y, BinaryOp.MUL, x, mask, x.size(), 1, false);
        return g.record("dropout", y,
                dy -> g.backend().binary(g.gradFor(x), BinaryOp.MUL, dy, mask, dy.size(), 1, true), x);
    }
}

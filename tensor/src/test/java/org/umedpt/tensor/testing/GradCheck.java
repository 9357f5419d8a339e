package org.umedpt.tensor.testing;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.memory.Arena;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks an op's analytic gradient against central finite differences.
 *
 * <p>The scalar checked is L = Σ y·r for a fixed random r (so every output element matters).
 * Analytic: one backward with seed r. Numeric: (L(x+ε) − L(x−ε)) / 2ε per input element, with L
 * accumulated in float64 over the float32 forward. Agreement is |a − n| ≤ atol + rtol·(|a| + |n|)
 * (relative error with an absolute floor, as DL4J's GradCheckUtil). Large inputs are checked on a
 * seeded sample of elements.
 */
public final class GradCheck {
    private final Backend backend;
    private double eps = 1e-2, rtol = 2e-2, atol = 2e-3;
    private int maxElements = 96;

    public GradCheck(Backend backend) {
        this.backend = backend;
    }

    public GradCheck eps(double v) { eps = v; return this; }

    public GradCheck tol(double rtol, double atol) { this.rtol = rtol; this.atol = atol; return this; }

    public GradCheck maxElements(int n) { maxElements = n; return this; }

    /** Runs the check; {@code inputs} are heap tensors marked requiresGrad, read by {@code f}. */
    public void check(String name, Function<Graph, Tensor> f, Tensor... inputs) {
        Arena arena = new Arena();
        float[] r;
        for (Tensor x : inputs) x.setGrad(null);
        float[][] analytic = new float[inputs.length][];
        try (Graph g = new Graph(backend, arena)) {
            Tensor y = f.apply(g);
            Rng rng = new Rng(1234);
            r = new float[y.size()];
            for (int i = 0; i < r.length; i++) r[i] = (float) (rng.nextGaussian());
            g.backward(y, g.of(r, y.shape()));
            for (int i = 0; i < inputs.length; i++) {
                analytic[i] = inputs[i].grad() == null ? new float[inputs[i].size()] : inputs[i].grad().toArray();
            }
        }
        Rng pick = new Rng(99);
        StringBuilder errors = new StringBuilder();
        int bad = 0;
        double worst = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            float[] xd = x.data();
            int n = x.size();
            int count = Math.min(n, maxElements);
            for (int c = 0; c < count; c++) {
                int e = n <= maxElements ? c : pick.nextInt(n);
                int at = x.offset() + e;
                float orig = xd[at];
                xd[at] = (float) (orig + eps);
                double lp = loss(f, arena, r);
                xd[at] = (float) (orig - eps);
                double lm = loss(f, arena, r);
                xd[at] = orig;
                double num = (lp - lm) / (2 * eps);
                double an = analytic[i][e];
                double err = Math.abs(an - num);
                double rel = err / (Math.abs(an) + Math.abs(num) + 1e-12);
                worst = Math.max(worst, Math.min(rel, err));
                if (err > atol + rtol * (Math.abs(an) + Math.abs(num))) {
                    if (bad++ < 8) {
                        errors.append(String.format("  input %d elem %d: analytic %.6g numeric %.6g (abs %.3g rel %.3g)%n",
                                i, e, an, num, err, rel));
                    }
                }
            }
        }
        if (bad > 0) fail(name + ": " + bad + " gradient mismatches (atol " + atol + ", rtol " + rtol + "):\n" + errors);
    }

    private double loss(Function<Graph, Tensor> f, Arena arena, float[] r) {
        try (Graph g = new Graph(backend, arena, false)) {
            float[] y = f.apply(g).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * r[i];
            return s;
        }
    }

    /** A heap tensor of N(0, 1)·scale values that requires grad. */
    public static Tensor input(Rng rng, float scale, int... shape) {
        return Tensor.normal(rng, 0f, scale, shape).requiresGrad(true);
    }
}

package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;

/**
 * LayerNorm over the last dim with optional affine (PyTorch's biased variance, eps inside the sqrt).
 *
 * <pre>
 *   x̂ = (x − μ)·rstd,  rstd = 1/√(σ² + eps),  y = x̂·w + b
 *   dx += rstd · (g − mean(g) − x̂·mean(g·x̂)),  g = dy·w
 *   dw += Σ_rows dy·x̂,   db += Σ_rows dy
 * </pre>
 */
public final class LayerNormOp {
    private LayerNormOp() {}

    /**
     * (x + r, LayerNorm(x + r)) from one kernel: Swin's residual add fused with the next norm. The
     * tape records an add and a norm on its output, so backward is the two ops' own. x, r (..., C)
     * of one shape; w, b (C) or null.
     */
    public static Tensor[] applyResidual(Graph g, Tensor x, Tensor r, Tensor w, Tensor b, float eps) {
        Checks.alive(x, r, w, b);
        Checks.rankAtLeast("addLayerNorm", "x", x, 1);
        if (!java.util.Arrays.equals(x.shape(), r.shape())) {
            throw new IllegalArgumentException("addLayerNorm: x " + x.describe() + " and residual " + r.describe() + " differ in shape");
        }
        int cols = x.dim(-1), rows = x.size() / Math.max(cols, 1);
        if (w != null) Checks.size("addLayerNorm", "weight", w, cols);
        if (b != null) Checks.size("addLayerNorm", "bias", b, cols);
        if (!(eps > 0)) throw new IllegalArgumentException("addLayerNorm: eps must be > 0, got " + eps);
        Tensor sum = g.empty(x.shape()), y = g.empty(x.shape());
        Tensor mean = g.empty(rows), rstd = g.empty(rows);
        g.backend().layerNormResidualForward(y, sum, mean, rstd, x, r, w, b, rows, cols, eps);
        Tensor s = g.record("add", sum, ds -> {
            if (r.requiresGrad()) g.backend().axpy(g.gradFor(r), 1f, ds);
            if (x.requiresGrad()) g.gradAsView(sum, x); // last: it may hand ds's block on to x
        }, x, r);
        Tensor out = g.record("layerNorm", y, dy -> g.backend().layerNormBackward(
                s.requiresGrad() ? g.gradFor(s) : null,
                w != null && w.requiresGrad() ? g.gradFor(w) : null,
                b != null && b.requiresGrad() ? g.gradFor(b) : null,
                dy, s, mean, rstd, w, rows, cols), s, w, b);
        return new Tensor[] {s, out};
    }

    /** x (..., C); w, b (C) or null. */
    public static Tensor apply(Graph g, Tensor x, Tensor w, Tensor b, float eps) {
        Checks.alive(x, w, b);
        Checks.rankAtLeast("layerNorm", "x", x, 1);
        int cols = x.dim(-1), rows = x.size() / Math.max(cols, 1);
        if (w != null) Checks.size("layerNorm", "weight", w, cols);
        if (b != null) Checks.size("layerNorm", "bias", b, cols);
        if (!(eps > 0)) throw new IllegalArgumentException("layerNorm: eps must be > 0, got " + eps);
        Tensor y = g.empty(x.shape());
        Tensor mean = g.empty(rows), rstd = g.empty(rows);
        g.backend().layerNormForward(y, mean, rstd, x, w, b, rows, cols, eps);
        return g.record("layerNorm", y, dy -> g.backend().layerNormBackward(
                x.requiresGrad() ? g.gradFor(x) : null,
                w != null && w.requiresGrad() ? g.gradFor(w) : null,
                b != null && b.requiresGrad() ? g.gradFor(b) : null,
                dy, x, mean, rstd, w, rows, cols), x, w, b);
    }
}

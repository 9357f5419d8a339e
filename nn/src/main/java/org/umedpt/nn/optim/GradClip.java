package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import java.util.Collection;

/** Clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_} (L2, coefficient max/(norm + 1e-6)). */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients so their joint L2 norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(Backend backend, Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGradNorm: max norm must be > 0, got " + maxNorm);
        double sq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor squares = Tensor.zeros(g.size()), sum = Tensor.zeros(1);
            backend.unary(squares, UnaryOp.SQUARE, g, 0f);
            backend.sumRows(sum, squares, 1, g.size(), 1f);
            sq += sum.item();
        }
        double norm = Math.sqrt(sq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) if (p.grad() != null) backend.unary(p.grad(), UnaryOp.SCALE, p.grad(), (float) coef);
        }
        return norm;
    }
}

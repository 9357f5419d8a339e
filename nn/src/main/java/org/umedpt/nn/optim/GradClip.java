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
        // one sum of squares per gradient, all read at once (a device backend syncs once, not per parameter)
        int n = 0, largest = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            n++;
            largest = Math.max(largest, p.grad().size());
        }
        Tensor squares = Tensor.zeros(largest), sums = Tensor.zeros(n);
        int i = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor sq = squares.flatView(0, g.size());
            backend.unary(sq, UnaryOp.SQUARE, g, 0f);
            backend.sumRows(sums.flatView(i++, 1), sq, 1, g.size(), 1f);
        }
        double total = 0;
        for (float s : sums.toArray()) total += s;
        double norm = Math.sqrt(total);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) if (p.grad() != null) backend.unary(p.grad(), UnaryOp.SCALE, p.grad(), (float) coef);
        }
        return norm;
    }
}

package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import java.util.Map;

/**
 * SGD with momentum (optionally Nesterov) and L2 weight decay, as {@code torch.optim.SGD}
 * (dampening 0): d = g + wd·p;  buf = d on the first step, else μ·buf + d;
 * p ← p − lr·(nesterov ? d + μ·buf : buf).
 */
public final class Sgd extends AbstractOptimizer {
    private final float momentum, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buf, scratch;

    public Sgd(Backend backend, Map<String, Tensor> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        super("SGD", backend, params, lr);
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0) || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("SGD: need lr, momentum, weight_decay >= 0 and momentum > 0 for Nesterov; got lr " + lr
                    + ", momentum " + momentum + ", weight_decay " + weightDecay + ", nesterov " + nesterov);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buf = zerosLikeParams();
        this.scratch = zerosLikeParams();
    }

    @Override
    public void step() {
        steps++;
        params.forEach((name, p) -> {
            if (p.grad() == null) return;
            Tensor d = scratch.get(name), b = buf.get(name);
            backend.copy(d, p.grad());
            if (weightDecay != 0) backend.axpy(d, weightDecay, p);
            if (momentum != 0) {
                if (steps == 1) {
                    backend.copy(b, d);
                } else {
                    backend.unary(b, UnaryOp.SCALE, b, momentum);
                    backend.axpy(b, 1f, d);
                }
                if (nesterov) backend.axpy(d, momentum, b);
                else backend.copy(d, b);
            }
            backend.axpy(p, -lr, d);
        });
    }

    @Override
    protected Map<String, Map<String, Tensor>> buffers() {
        return Map.of("momentum_buffer", buf);
    }
}

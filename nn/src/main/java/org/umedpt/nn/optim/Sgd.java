package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum (optionally Nesterov) and L2 weight decay, as {@code torch.optim.SGD}
 * (dampening 0): d = g + wd·p;  buf = d on the first step, else μ·buf + d;
 * p ← p − lr·(nesterov ? d + μ·buf : buf).
 */
public final class Sgd implements Optimizer {
    private final Backend backend;
    private final ParameterSet ps;
    private final float momentum, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buf = new LinkedHashMap<>(), scratch = new LinkedHashMap<>();
    private float lr;
    private long steps;

    public Sgd(Backend backend, Map<String, Tensor> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0) || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("SGD: need lr, momentum, weight_decay >= 0 and momentum > 0 for Nesterov; got lr " + lr
                    + ", momentum " + momentum + ", weight_decay " + weightDecay + ", nesterov " + nesterov);
        }
        this.backend = backend;
        this.ps = new ParameterSet(params);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        ps.params.forEach((k, t) -> {
            buf.put(k, Tensor.zeros(t.shape()));
            scratch.put(k, Tensor.zeros(t.shape()));
        });
    }

    @Override
    public void step() {
        steps++;
        ps.params.forEach((name, p) -> {
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
    public void zeroGrad() {
        ps.zeroGrad();
    }

    @Override
    public float lr() {
        return lr;
    }

    @Override
    public void setLr(float lr) {
        this.lr = lr;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", Tensor.scalar(steps));
        buf.forEach((k, t) -> s.put("momentum_buffer." + k, t.copyToHeap()));
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long st = ParameterSet.readSteps("SGD", state);
        buf.forEach((k, t) -> ParameterSet.copyInto("SGD", state, "momentum_buffer." + k, t));
        steps = st;
    }
}

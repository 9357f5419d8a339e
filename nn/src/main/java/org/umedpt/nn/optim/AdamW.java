package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay, step for step PyTorch's {@code torch.optim.AdamW}
 * (defaults here: lr 1e-4, betas 0.9/0.999, eps 1e-8, weight decay 1e-2, as the method uses).
 * Weight decay applies to matrices and convolution kernels only: norms, biases, position-bias
 * tables and logit scales are exempt (unless {@code noDecay} says otherwise).
 */
public final class AdamW implements Optimizer {
    private final Backend backend;
    private final ParameterSet ps;
    private final Set<String> noDecay;
    private final Map<String, Tensor> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private final double beta1, beta2;
    private final float eps, weightDecay;
    private float lr;
    private long steps;

    public AdamW(Backend backend, Map<String, Tensor> params) {
        this(backend, params, 1e-4f, 0.9, 0.999, 1e-8f, 1e-2f, null);
    }

    /** @param noDecay names exempt from weight decay; null = the default rule (see class doc) */
    public AdamW(Backend backend, Map<String, Tensor> params, float lr, double beta1, double beta2, float eps, float weightDecay,
                 Set<String> noDecay) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: need lr >= 0, betas in [0, 1), eps > 0, weight_decay >= 0; got lr " + lr
                    + ", betas " + beta1 + "/" + beta2 + ", eps " + eps + ", weight_decay " + weightDecay);
        }
        this.backend = backend;
        this.ps = new ParameterSet(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        Set<String> nd = new java.util.HashSet<>();
        ps.params.forEach((name, t) -> {
            if (noDecay != null ? noDecay.contains(name) : !ParameterSet.decays(name, t)) nd.add(name);
            m.put(name, Tensor.zeros(t.shape()));
            v.put(name, Tensor.zeros(t.shape()));
        });
        this.noDecay = nd;
    }

    @Override
    public void step() {
        steps++;
        float bc1 = (float) (1 - Math.pow(beta1, steps)), bc2 = (float) (1 - Math.pow(beta2, steps));
        ps.params.forEach((name, p) -> {
            if (p.grad() == null) return;
            backend.adamWStep(p, p.grad(), m.get(name), v.get(name), lr, beta1, beta2, eps,
                    noDecay.contains(name) ? 0f : weightDecay, bc1, bc2);
        });
    }

    /** True when {@code name} receives weight decay. */
    public boolean decays(String name) {
        return ps.params.containsKey(name) && !noDecay.contains(name);
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
        m.forEach((k, t) -> s.put("exp_avg." + k, t.copyToHeap()));
        v.forEach((k, t) -> s.put("exp_avg_sq." + k, t.copyToHeap()));
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long st = ParameterSet.readSteps("AdamW", state);
        m.forEach((k, t) -> ParameterSet.copyInto("AdamW", state, "exp_avg." + k, t));
        v.forEach((k, t) -> ParameterSet.copyInto("AdamW", state, "exp_avg_sq." + k, t));
        steps = st;
    }
}

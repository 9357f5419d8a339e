package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay, step for step PyTorch's {@code torch.optim.AdamW}
 * (defaults here: lr 1e-4, betas 0.9/0.999, eps 1e-8, weight decay 1e-2, as the method uses).
 * Weight decay applies to matrices and convolution kernels only: norms, biases, position-bias
 * tables and logit scales are exempt (unless {@code noDecay} says otherwise).
 */
public final class AdamW extends AbstractOptimizer {
    private final Set<String> noDecay = new HashSet<>();
    private final Map<String, Tensor> m, v;
    private final double beta1, beta2;
    private final float eps, weightDecay;

    public AdamW(Backend backend, Map<String, Tensor> params) {
        this(backend, params, 1e-4f, 0.9, 0.999, 1e-8f, 1e-2f, null);
    }

    /** @param noDecay names exempt from weight decay; null = the default rule (see class doc) */
    public AdamW(Backend backend, Map<String, Tensor> params, float lr, double beta1, double beta2, float eps, float weightDecay,
                 Set<String> noDecay) {
        super("AdamW", backend, params, lr);
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: need lr >= 0, betas in [0, 1), eps > 0, weight_decay >= 0; got lr " + lr
                    + ", betas " + beta1 + "/" + beta2 + ", eps " + eps + ", weight_decay " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.params.forEach((name, t) -> {
            if (noDecay != null ? noDecay.contains(name) : !decaysByDefault(name, t)) this.noDecay.add(name);
        });
        this.m = zerosLikeParams();
        this.v = zerosLikeParams();
    }

    /** The default rule: matrices and kernels decay; 1-D tensors, position-bias tables and logit scales do not. */
    static boolean decaysByDefault(String name, Tensor t) {
        return t.rank() > 1 && !name.endsWith("relative_position_bias_table") && !name.endsWith("logit_scale");
    }

    @Override
    public void step() {
        steps++;
        float bc1 = (float) (1 - Math.pow(beta1, steps)), bc2 = (float) (1 - Math.pow(beta2, steps));
        List<String> names = new ArrayList<>();
        params.forEach((name, p) -> {
            if (p.grad() != null) names.add(name);
        });
        int t = names.size();
        Tensor[] ps = new Tensor[t], gs = new Tensor[t], ms = new Tensor[t], vs = new Tensor[t];
        float[] wd = new float[t];
        for (int i = 0; i < t; i++) {
            String name = names.get(i);
            ps[i] = params.get(name);
            gs[i] = ps[i].grad();
            ms[i] = m.get(name);
            vs[i] = v.get(name);
            wd[i] = noDecay.contains(name) ? 0f : weightDecay;
        }
        backend.adamWStepAll(ps, gs, ms, vs, lr, beta1, beta2, eps, wd, bc1, bc2); // one launch on a device
    }

    /** True when {@code name} receives weight decay. */
    public boolean decays(String name) {
        return params.containsKey(name) && !noDecay.contains(name);
    }

    @Override
    protected Map<String, Map<String, Tensor>> buffers() {
        Map<String, Map<String, Tensor>> b = new LinkedHashMap<>();
        b.put("exp_avg", m);
        b.put("exp_avg_sq", v);
        return b;
    }
}

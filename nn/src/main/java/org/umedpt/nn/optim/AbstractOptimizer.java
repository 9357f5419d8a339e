package org.umedpt.nn.optim;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every optimizer shares: the named parameters, the learning rate, the step count, gradient
 * zeroing, and the (de)serialisation of per-parameter state buffers under {@code <buffer>.<param>}
 * plus {@code step}. Subclasses implement the update and name their buffers.
 */
abstract class AbstractOptimizer implements Optimizer {
    protected final Backend backend;
    protected final Map<String, Tensor> params;
    private final String name;
    protected float lr;
    protected long steps;

    AbstractOptimizer(String name, Backend backend, Map<String, Tensor> params, float lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(name + ": no parameters given");
        this.name = name;
        this.backend = backend;
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    /** The per-parameter state buffers, by buffer name (e.g. "exp_avg") then parameter name. */
    protected abstract Map<String, Map<String, Tensor>> buffers();

    @Override
    public void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g != null) backend.fill(g, 0f); // on the backend: a gradient on a device stays there
        }
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
        buffers().forEach((buf, byParam) -> byParam.forEach((p, t) -> s.put(buf + "." + p, t.copyToHeap())));
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        Tensor st = state.get("step");
        if (st == null) throw new IllegalArgumentException(name + ": optimizer state has no 'step'");
        buffers().forEach((buf, byParam) -> byParam.forEach((p, dst) -> {
            String key = buf + "." + p;
            Tensor src = state.get(key);
            if (src == null) throw new IllegalArgumentException(name + ": optimizer state has no '" + key + "'");
            if (!Shape.equal(src.shape(), dst.shape())) {
                throw new IllegalArgumentException(name + ": optimizer state '" + key + "' is " + Shape.str(src.shape()) + ", expected "
                        + Shape.str(dst.shape()));
            }
            System.arraycopy(src.toArray(), 0, dst.data(), dst.offset(), dst.size());
        }));
        steps = (long) st.item();
    }

    /** A zero buffer per parameter. */
    protected Map<String, Tensor> zerosLikeParams() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        params.forEach((k, t) -> m.put(k, Tensor.zeros(t.shape())));
        return m;
    }
}

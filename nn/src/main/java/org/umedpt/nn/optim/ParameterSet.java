package org.umedpt.nn.optim;

import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named parameters an optimizer updates, plus shared helpers: gradient zeroing and the state
 * (de)serialisation checks. The default weight-decay rule exempts what timm and the Swin authors
 * exempt: 1-D tensors (norm weights, biases), relative position bias tables and logit scales.
 */
final class ParameterSet {

    final Map<String, Tensor> params;

    ParameterSet(Map<String, Tensor> params) {
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer: no parameters given");
        this.params = new LinkedHashMap<>(params);
    }

    /** True when {@code name} gets weight decay under the default rule. */
    static boolean decays(String name, Tensor t) {
        return t.rank() > 1 && !name.endsWith("relative_position_bias_table") && !name.endsWith("logit_scale");
    }

    void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g != null) Arrays.fill(g.data(), g.offset(), g.offset() + g.size(), 0f);
        }
    }

    static void copyInto(String what, Map<String, Tensor> state, String key, Tensor dst) {
        Tensor src = state.get(key);
        if (src == null) throw new IllegalArgumentException(what + ": optimizer state has no '" + key + "'");
        if (!Shape.equal(src.shape(), dst.shape())) {
            throw new IllegalArgumentException(what + ": optimizer state '" + key + "' is " + Shape.str(src.shape()) + ", expected "
                    + Shape.str(dst.shape()));
        }
        System.arraycopy(src.data(), src.offset(), dst.data(), dst.offset(), dst.size());
    }

    static long readSteps(String what, Map<String, Tensor> state) {
        Tensor s = state.get("step");
        if (s == null) throw new IllegalArgumentException(what + ": optimizer state has no 'step'");
        return (long) s.item();
    }
}

package org.umedpt.nn;

import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the model tree: named parameters (heap tensors that require grad), named buffers
 * (constants saved with the weights, as PyTorch's persistent buffers) and named children. Dotted
 * names follow the tree, so a Swin built here has torchvision's names
 * ({@code features.1.0.attn.qkv.weight}) and its weights map onto torchvision's by name.
 *
 * <p>Forward methods are not part of this class: each module has the signature its inputs need,
 * always taking the {@code Graph} to record on (and an {@code Rng} where it draws randomness).
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter (marked requiresGrad) under {@code name}. */
    protected final Tensor param(String name, Tensor value) {
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    /** Registers a constant saved with the weights (e.g. a relative position index). */
    protected final Tensor buffer(String name, Tensor value) {
        buffers.put(name, value);
        return value;
    }

    protected final <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    public boolean training() {
        return training;
    }

    /** Sets train (dropout, stochastic depth active) or eval mode on this module and all children. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public Module eval() {
        return train(false);
    }

    /** Parameters by dotted name, in registration order. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /** Parameters and buffers by dotted name: what a checkpoint holds. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withBuffers) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collect(prefix + k + ".", out, withBuffers));
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.size();
        return n;
    }

    /** Clears every parameter's gradient (the next backward allocates fresh zeros). */
    public void zeroGrad() {
        for (Tensor t : namedParameters().values()) {
            if (t.grad() != null) java.util.Arrays.fill(t.grad().data(), t.grad().offset(), t.grad().offset() + t.size(), 0f);
        }
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers by name.
     * Strict: every key must match in name and shape, and all problems — missing keys, unexpected
     * keys, shape mismatches — are reported together in one {@link IllegalArgumentException}.
     * Non-strict: keys this module lacks are ignored, and missing keys keep their current values;
     * shape mismatches are still errors.
     *
     * @return the names that were loaded
     */
    public List<String> loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> mine = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>(), loaded = new ArrayList<>();
        for (var e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Shape.equal(src.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": file " + Shape.str(src.shape()) + " vs model " + Shape.str(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) if (!mine.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("cannot load weights:");
            if (!missing.isEmpty()) sb.append("\n  missing keys (").append(missing.size()).append("): ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
            if (!mismatched.isEmpty()) sb.append("\n  shape mismatches (").append(mismatched.size()).append("): ").append(mismatched);
            if (strict) sb.append("\n---> HINT: to load only the matching part (e.g. an encoder without its head), load non-strict");
            throw new IllegalArgumentException(sb.toString());
        }
        for (var e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            System.arraycopy(src.toArray(), 0, dst.data(), dst.offset(), dst.size());
            loaded.add(e.getKey());
        }
        return Collections.unmodifiableList(loaded);
    }
}

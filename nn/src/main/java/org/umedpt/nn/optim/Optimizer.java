package org.umedpt.nn.optim;

import org.umedpt.tensor.Tensor;

import java.util.Map;

/**
 * An optimizer over named parameters. {@link #step()} applies one update from the parameters'
 * accumulated {@code grad()} (parameters without a gradient are skipped); {@link #state()} and
 * {@link #loadState} carry everything needed to resume exactly (moments, step count).
 */
public interface Optimizer {
    void step();

    /** Zeroes every parameter's gradient buffer. */
    void zeroGrad();

    float lr();

    /** Sets the learning rate (schedules call this before each step). */
    void setLr(float lr);

    /** Number of steps taken. */
    long steps();

    /** The optimizer state by name (copies), for checkpoints. */
    Map<String, Tensor> state();

    /** Restores a state returned by {@link #state()}; names and shapes must match. */
    void loadState(Map<String, Tensor> state);
}

package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Sample;

import java.util.List;

/**
 * Where the trainer gets one task's batches: {@link TaskSampler} (decodes on the caller's thread)
 * or {@link Prefetcher} (decodes ahead on loader threads). Either way the batch sequence is a
 * function of the seed only, and {@link #state()} is the position of the next batch
 * {@link #next} will return, so a checkpoint resumes exactly.
 */
public interface BatchSource extends AutoCloseable {
    List<Sample> next(int batchSize);

    String state();

    void restore(String state);

    @Override
    default void close() {}
}

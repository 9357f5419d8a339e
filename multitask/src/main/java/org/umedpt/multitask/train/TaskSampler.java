package org.umedpt.multitask.train;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws batches from one dataset: a seeded shuffle per epoch; when the data runs out it reshuffles
 * and starts again, so small datasets are oversampled relative to large ones. Its whole state is
 * (epoch, position, generator state), saved with checkpoints.
 */
public final class TaskSampler {
    private final Dataset data;
    private final Rng rng;
    private int[] order;
    private int position;
    private int epoch;

    public TaskSampler(Dataset data, long seed) {
        if (data.size() == 0) throw new IllegalArgumentException("dataset " + data.name() + " is empty");
        this.data = data;
        this.rng = new Rng(seed);
        reshuffle();
    }

    private void reshuffle() {
        order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        position = 0;
    }

    public List<Sample> next(int batchSize) {
        List<Sample> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            if (position == order.length) {
                epoch++;
                reshuffle();
            }
            batch.add(data.get(order[position++]));
        }
        return batch;
    }

    public int epoch() {
        return epoch;
    }
}

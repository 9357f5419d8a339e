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
public final class TaskSampler implements BatchSource {
    private final Dataset data;
    private final Rng rng;
    private int[] order;
    private int position;
    private int epoch;
    private long shuffleState; // generator state the current epoch's order was drawn from

    public TaskSampler(Dataset data, long seed) {
        if (data.size() == 0) throw new IllegalArgumentException("dataset " + data.name() + " is empty");
        this.data = data;
        this.rng = new Rng(seed);
        reshuffle();
    }

    private void reshuffle() {
        shuffleState = rng.state();
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

    /** One planned sample: dataset index and draw (the epoch it belongs to). */
    public record Draw(int index, long draw) {}

    @Override
    public List<Sample> next(int batchSize) {
        List<Sample> batch = new ArrayList<>(batchSize);
        for (Draw d : nextDraws(batchSize)) batch.add(data.get(d.index(), d.draw()));
        return batch;
    }

    /** The next batch's samples without decoding them (advances the sampler as {@link #next} does). */
    public List<Draw> nextDraws(int batchSize) {
        List<Draw> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            if (position == order.length) {
                epoch++;
                reshuffle();
            }
            batch.add(new Draw(order[position++], epoch));
        }
        return batch;
    }

    public int epoch() {
        return epoch;
    }

    /** "epoch:position:state" — enough to continue exactly where this sampler is. */
    @Override
    public String state() {
        return epoch + ":" + position + ":" + shuffleState;
    }

    /** Continues from a {@link #state()}. */
    @Override
    public void restore(String state) {
        String[] p = state.split(":");
        if (p.length != 3) throw new IllegalArgumentException("sampler state '" + state + "': expected epoch:position:state");
        rng.restore(Long.parseLong(p[2]));
        reshuffle();
        epoch = Integer.parseInt(p[0]);
        position = Integer.parseInt(p[1]);
        if (position < 0 || position > order.length) {
            throw new IllegalArgumentException("sampler state '" + state + "': position outside the dataset of " + order.length);
        }
    }
}

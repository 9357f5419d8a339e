package org.umedpt.multitask.data;

import org.umedpt.multitask.InputException;
import org.umedpt.tensor.Rng;

import java.util.List;

/**
 * One split of a real task: its items, decoded on demand (only the item list is held, so a large
 * dataset costs memory per item, not per pixel, beyond what a {@link DecodeCache} budget keeps),
 * then transformed to the task's input size. When
 * {@code augment} is on, draw {@code d} of index {@code i} uses a generator seeded from
 * (seed, i, d), so an epoch's augmentations differ from the last one's but never depend on
 * which thread decodes or when.
 */
public final class RealDataset implements Dataset {
    private final String name;
    private final List<Item> items;
    private final Decoder decoder;
    private final Transforms transforms;
    private final boolean augment;
    private final long seed;
    private final DecodeCache.Slots cache;

    public RealDataset(String name, List<Item> items, Decoder decoder, Transforms transforms, boolean augment, long seed) {
        this(name, items, decoder, transforms, augment, seed, new DecodeCache(0));
    }

    /** @param cache decoded examples kept up to its budget (shared by the run's datasets) */
    public RealDataset(String name, List<Item> items, Decoder decoder, Transforms transforms, boolean augment, long seed, DecodeCache cache) {
        this.name = name;
        this.items = List.copyOf(items);
        this.decoder = decoder;
        this.transforms = augment ? transforms : transforms.evaluation();
        this.augment = augment;
        this.seed = seed;
        this.cache = cache.slots(this.items.size());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public Sample get(int index) {
        return get(index, 0);
    }

    @Override
    public Sample get(int index, long draw) {
        if (index < 0 || index >= items.size()) throw new IllegalArgumentException(name + ": index " + index + " out of [0, " + items.size() + ")");
        Rng rng = augment ? new Rng(mix(seed, index, draw)) : null;
        try {
            return transforms.apply(cache.get(index, () -> decoder.decode(items.get(index))), rng);
        } catch (InputException e) { // a bad file: say which task it belongs to (other failures are bugs, as they are)
            throw new InputException("task " + name + ": " + e.getMessage(), e);
        }
    }

    /** The undecoded item behind {@code index} (for reports and tests). */
    public Item item(int index) {
        return items.get(index);
    }

    public List<Item> items() {
        return items;
    }

    @Override
    public int height() {
        return transforms.height();
    }

    @Override
    public int width() {
        return transforms.width();
    }

    static long mix(long seed, long index, long draw) {
        long h = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + draw * 0x165667B19E3779F9L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}

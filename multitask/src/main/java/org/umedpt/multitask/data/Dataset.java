package org.umedpt.multitask.data;

/** A finite, indexable source of samples of one task. Implementations are deterministic per index. */
public interface Dataset {
    String name();

    int size();

    /** Sample {@code index} in [0, size()). */
    Sample get(int index);

    /**
     * Draw {@code draw} of sample {@code index} (the sampler passes its epoch): datasets with random
     * augmentation vary it per draw; the default ignores it.
     */
    default Sample get(int index, long draw) {
        return get(index);
    }

    int height();

    int width();
}

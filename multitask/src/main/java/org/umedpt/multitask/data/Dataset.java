package org.umedpt.multitask.data;

/** A finite, indexable source of samples of one task. Implementations are deterministic per index. */
public interface Dataset {
    String name();

    int size();

    /** Sample {@code index} in [0, size()). */
    Sample get(int index);

    int height();

    int width();
}

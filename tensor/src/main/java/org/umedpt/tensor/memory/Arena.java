package org.umedpt.tensor.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A bump allocator of float memory for everything one {@code Graph} creates: activations, saved
 * tensors and intermediate gradients. {@link #reset()} frees all of it in O(1) by moving the bump
 * pointer back to zero and bumping the generation, so the next graph reuses the same memory.
 *
 * <p>Memory is one {@code float[]} chunk. When a graph needs more than the chunk holds, extra
 * chunks are allocated for the rest of that graph; at the next reset they are dropped and the main
 * chunk is regrown to the high-water mark, so from then on a graph of the same size runs in one
 * chunk with no allocation at all. This is what keeps multi-task memory flat: the footprint is the
 * largest single graph, not the sum over graphs.
 *
 * <p>Not thread-safe: one arena serves one graph at a time (ggml's context, llm.c's single
 * activation allocation). Parameters, their gradients and optimizer state never come from here.
 */
public final class Arena {
    /** Chunks grow to a multiple of this many floats (64 KiB), and allocations are 16-float aligned. */
    private static final int GRANULE = 16;
    private static final int MIN_CHUNK = 16 * 1024;

    private float[] chunk;
    private int top;
    private final List<float[]> overflow = new ArrayList<>();
    /** Blocks given back with {@link #free} before the reset, by size: reused by equal-size requests. */
    private final Map<Integer, ArrayDeque<Block>> freeBySize = new HashMap<>();
    private long overflowFloats;
    private long inUseFloats;
    private long highWaterFloats;
    private long allocations;
    private int generation;
    private boolean claimed;

    public Arena() {
        this(0);
    }

    /** @param initialFloats capacity to reserve up front (0 = grow on first use) */
    public Arena(long initialFloats) {
        if (initialFloats < 0 || initialFloats > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("Arena: initial capacity out of range: " + initialFloats);
        }
        this.chunk = new float[(int) Math.max(initialFloats, 0)];
    }

    /** A slice of arena memory: {@code length} (aligned) floats of {@code array} starting at {@code offset}. */
    public record Block(float[] array, int offset, int length) {}

    /**
     * Allocates {@code n} floats. The memory is not cleared: callers that need zeros fill it.
     *
     * @throws IllegalArgumentException if n is negative or larger than a Java array can hold
     */
    public Block allocate(long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("Arena.allocate: size out of range: " + n + " floats");
        }
        int aligned = (int) ((n + GRANULE - 1) / GRANULE * GRANULE);
        allocations++;
        inUseFloats += aligned;
        highWaterFloats = Math.max(highWaterFloats, inUseFloats);
        ArrayDeque<Block> free = freeBySize.get(aligned);
        if (free != null && !free.isEmpty()) return free.pop();
        if (chunk.length - top >= aligned) {
            Block b = new Block(chunk, top, aligned);
            top += aligned;
            return b;
        }
        // Does not fit: serve from a private overflow array; reset() folds it into the main chunk.
        float[] extra = new float[Math.max(aligned, 1)];
        overflow.add(extra);
        overflowFloats += aligned;
        return new Block(extra, 0, aligned);
    }

    /**
     * Gives a block back before the reset, for reuse by a later allocation of the same size. The
     * graph does this for intermediate gradients once backward has consumed them; the caller
     * guarantees nothing reads the block again.
     */
    public void free(Block b) {
        inUseFloats -= b.length();
        freeBySize.computeIfAbsent(b.length(), k -> new ArrayDeque<>()).push(b);
    }

    /**
     * Frees everything allocated since the last reset and invalidates the tensors that used it
     * (their generation no longer matches). O(1) unless the last graph overflowed the chunk, in which
     * case the chunk is regrown once to the high-water mark.
     */
    public void reset() {
        if (!overflow.isEmpty()) {
            long want = Math.max(highWaterFloats, MIN_CHUNK);
            want = Math.min((want + 16383) / 16384 * 16384, Integer.MAX_VALUE - 64);
            chunk = new float[(int) want];
            overflow.clear();
            overflowFloats = 0;
        }
        freeBySize.clear();
        top = 0;
        inUseFloats = 0;
        generation++;
    }

    /** Incremented at every reset; a tensor from an older generation is dead. */
    public int generation() {
        return generation;
    }

    public long bytesInUse() {
        return inUseFloats * Float.BYTES;
    }

    /** The most bytes ever in use at once, across all graphs since creation (or {@link #resetHighWater()}). */
    public long highWaterBytes() {
        return highWaterFloats * Float.BYTES;
    }

    /** Bytes the arena holds from the JVM heap right now (main chunk plus overflow chunks). */
    public long reservedBytes() {
        return ((long) chunk.length + overflowFloats) * Float.BYTES;
    }

    /** Number of allocations since creation. */
    public long allocationCount() {
        return allocations;
    }

    public void resetHighWater() {
        highWaterFloats = inUseFloats;
    }

    /** Marks the arena as owned by an open graph; a second open graph on it is a lifecycle error. */
    public void claim(String owner) {
        if (claimed) {
            throw new IllegalStateException("Arena is already used by an open graph; close it before opening " + owner);
        }
        claimed = true;
    }

    public void release() {
        claimed = false;
    }

    @Override
    public String toString() {
        return "Arena(gen=" + generation + ", inUse=" + bytesInUse() + "B, highWater=" + highWaterBytes()
                + "B, reserved=" + reservedBytes() + "B, allocations=" + allocations + ")";
    }
}

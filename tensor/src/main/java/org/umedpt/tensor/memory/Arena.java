package org.umedpt.tensor.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bump allocator of float memory for everything one {@code Graph} creates: activations, saved
 * tensors and intermediate gradients. {@link #reset()} frees all of it in O(1) by moving the bump
 * pointer back to the start and bumping the generation, so the next graph reuses the same memory.
 *
 * <p>Memory is a list of {@code float[]} chunks that only grows: a request goes to the first chunk
 * with room for it (first fit), and a new chunk is allocated only when none has (chunk sizes double from
 * 4 MiB to 64 MiB, so at most one chunk's worth of memory is reserved beyond the need; a larger request gets a chunk of its own size). Graphs of the same shape
 * allocate in the same order, so after the first one no chunk is ever allocated again. This is what
 * keeps multi-task memory flat: the footprint is the largest single graph, not the sum over graphs.
 * Chunks are bounded so that the JVM never needs one huge contiguous array (a 2 GB array can fail
 * in a fragmented heap that has plenty of free space).
 *
 * <p>Within a graph, {@link #free} hands a block back for reuse (best fit, the remainder kept for
 * later requests); the graph frees intermediate gradients during backward, and ops free their
 * temporaries.
 *
 * <p><b>Poison mode</b> fills every block handed back — by {@link #free} and by {@link #reset} —
 * with NaN, so that a read of dead or never-written memory shows up as NaN in a result instead of
 * stale numbers that happen to look right. It is on when the JVM runs with assertions enabled
 * ({@code -ea}, as the tests do), or with {@code new Arena(true)}.
 *
 * <p>Not thread-safe: one arena serves one graph at a time (ggml's context, llm.c's single
 * activation allocation). Parameters, their gradients and optimizer state never come from here.
 */
public final class Arena {
    /** Allocations are 16 floats (64 bytes) apart from {@link Alignment#FIRST}: cache-line aligned where the VM aligns arrays. */
    private static final int GRANULE = 16;
    private static final int FIRST_CHUNK = 1 << 20, MAX_CHUNK = 1 << 24; // floats: 4 MiB, 64 MiB

    private final List<float[]> chunks = new ArrayList<>();
    private int[] tops = new int[8]; // bump pointer of each chunk; blocks start at Alignment.FIRST
    /**
     * Blocks given back with {@link #free} before the reset, by size. A request takes the smallest
     * one that fits (best fit) and returns the rest of it to this map.
     */
    private final TreeMap<Integer, ArrayDeque<Block>> freeBySize = new TreeMap<>();
    private long inUseFloats;
    private long highWaterFloats;
    private long allocations;
    private int generation;
    private boolean claimed;
    private final boolean poison;

    /** Poison mode where assertions are enabled ({@code -ea}). */
    private static final boolean POISON_BY_DEFAULT = assertionsEnabled();

    @SuppressWarnings({"AssertWithSideEffects", "ConstantConditions"})
    private static boolean assertionsEnabled() {
        boolean on = false;
        assert on = true;
        return on;
    }

    /** An arena, in poison mode when assertions are enabled. */
    public Arena() {
        this(POISON_BY_DEFAULT);
    }

    /** @param poison fill freed memory with NaN (a debug mode; costs a pass over freed memory) */
    public Arena(boolean poison) {
        this.poison = poison;
    }

    public boolean poisons() {
        return poison;
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
        Map.Entry<Integer, ArrayDeque<Block>> fit = freeBySize.ceilingEntry(aligned);
        if (fit != null) {
            Block f = fit.getValue().pop();
            if (fit.getValue().isEmpty()) freeBySize.remove(fit.getKey());
            if (f.length() > aligned) giveBack(new Block(f.array(), f.offset() + aligned, f.length() - aligned));
            return new Block(f.array(), f.offset(), aligned);
        }
        // first fit over the chunks: a large request that skips a chunk leaves its tail to later,
        // smaller ones (with a single "current" chunk, tails were lost: 444 MiB held for a 277 MiB peak)
        int c = 0;
        while (c < chunks.size() && chunks.get(c).length - tops[c] < aligned) c++;
        if (c == chunks.size()) {
            int size = chunks.isEmpty() ? FIRST_CHUNK : Math.min(MAX_CHUNK, 2 * chunks.get(chunks.size() - 1).length);
            chunks.add(new float[Alignment.FIRST + Math.max(size, aligned)]);
            if (tops.length < chunks.size()) tops = java.util.Arrays.copyOf(tops, 2 * tops.length);
            tops[c] = Alignment.FIRST;
        }
        Block b = new Block(chunks.get(c), tops[c], aligned);
        tops[c] += aligned;
        return b;
    }

    /**
     * Gives a block back before the reset, for reuse by a later allocation of the same size. The
     * caller guarantees nothing reads the block again.
     */
    public void free(Block b) {
        inUseFloats -= b.length();
        if (poison) java.util.Arrays.fill(b.array(), b.offset(), b.offset() + b.length(), Float.NaN);
        giveBack(b);
    }

    private void giveBack(Block b) {
        freeBySize.computeIfAbsent(b.length(), k -> new ArrayDeque<>()).push(b);
    }

    /** Frees everything allocated since the last reset and invalidates its tensors. O(1) (outside poison mode). */
    public void reset() {
        if (poison) {
            for (int c = 0; c < chunks.size(); c++) java.util.Arrays.fill(chunks.get(c), 0, tops[c], Float.NaN);
        }
        freeBySize.clear();
        java.util.Arrays.fill(tops, Alignment.FIRST);
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

    /** The most bytes ever in use at once, across all graphs since creation. */
    public long highWaterBytes() {
        return highWaterFloats * Float.BYTES;
    }

    /** Bytes the arena holds from the JVM heap (all chunks). */
    public long reservedBytes() {
        long n = 0;
        for (float[] c : chunks) n += c.length;
        return n * Float.BYTES;
    }

    /** Number of allocations since creation. */
    public long allocationCount() {
        return allocations;
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
                + "B, reserved=" + reservedBytes() + "B, chunks=" + chunks.size() + ", allocations=" + allocations + ")";
    }
}

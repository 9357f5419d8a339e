package org.umedpt.kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The device counterpart of {@code tensor.memory.Arena}, with its semantics: a bump pointer over one
 * device allocation, best-fit reuse of blocks freed before the reset (the rest of a block kept for
 * later requests), O(1) {@link #reset()} that bumps a generation, stale-use detection
 * ({@link #checkAlive}), bytes in use and the high-water mark.
 *
 * <p>It never allocates per request in steady state: a request that does not fit is served by an
 * overflow allocation for the rest of that generation, and at the next reset the main allocation is
 * regrown once to the high-water mark (rounded up to 2 MiB); graphs of the same shape then
 * allocate nothing. {@link #deviceAllocations()} counts the cuMemAlloc calls, so tests can assert it.
 *
 * <p>Not thread-safe: one arena serves one graph (or one op) at a time.
 */
public final class DeviceArena implements AutoCloseable {
    /** Allocations are 256-byte aligned (cuBLAS and vector loads like 16; 256 keeps blocks on cache-line pairs). */
    public static final long ALIGN = 256;
    private static final long GROW_ROUND = 2L << 20;

    /** A slice of device memory from generation {@code generation}. */
    public record Block(long ptr, long bytes, int generation) {}

    private final DeviceApi api;
    private long base;
    private long capacity;
    private long top;
    private final List<Long> overflow = new ArrayList<>();
    private final TreeMap<Long, ArrayDeque<Block>> freeBySize = new TreeMap<>();
    private long overflowBytes;
    private long inUse, highWater, allocations, deviceAllocations;
    private int generation;
    private boolean closed;

    /** Reserves {@code capacityBytes} of device memory (0: start empty, grow at the first reset). */
    public DeviceArena(DeviceApi api, long capacityBytes) {
        this.api = api;
        this.capacity = align(Math.max(0, capacityBytes));
        if (capacity > 0) {
            base = api.memAlloc(capacity);
            deviceAllocations++;
        }
    }

    private static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Allocates {@code bytes} (not cleared). */
    public Block allocate(long bytes) {
        checkOpen();
        if (bytes < 0) throw new IllegalArgumentException("DeviceArena.allocate: negative size " + bytes);
        long aligned = Math.max(ALIGN, align(bytes));
        allocations++;
        inUse += aligned;
        highWater = Math.max(highWater, inUse);
        Map.Entry<Long, ArrayDeque<Block>> fit = freeBySize.ceilingEntry(aligned);
        if (fit != null) {
            Block f = fit.getValue().pop();
            if (fit.getValue().isEmpty()) freeBySize.remove(fit.getKey());
            if (f.bytes() > aligned) giveBack(new Block(f.ptr() + aligned, f.bytes() - aligned, generation));
            return new Block(f.ptr(), aligned, generation);
        }
        if (top + aligned <= capacity) {
            Block b = new Block(base + top, aligned, generation);
            top += aligned;
            return b;
        }
        long ptr = api.memAlloc(aligned); // overflow until the next reset regrows the main allocation
        deviceAllocations++;
        overflow.add(ptr);
        overflowBytes += aligned;
        return new Block(ptr, aligned, generation);
    }

    /** Gives a block back before the reset, for reuse; the caller guarantees nothing reads it again. */
    public void free(Block b) {
        checkAlive(b);
        inUse -= b.bytes();
        giveBack(b);
    }

    private void giveBack(Block b) {
        freeBySize.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
    }

    /** Frees everything since the last reset in O(1) (plus freeing overflow, which only happens while growing). */
    public void reset() {
        checkOpen();
        freeBySize.clear();
        top = 0;
        inUse = 0;
        generation++;
        if (!overflow.isEmpty()) {
            for (long p : overflow) api.memFree(p);
            overflow.clear();
            overflowBytes = 0;
            long want = (highWater + GROW_ROUND - 1) / GROW_ROUND * GROW_ROUND;
            if (base != 0) api.memFree(base);
            base = api.memAlloc(want);
            deviceAllocations++;
            capacity = want;
        }
    }

    /** Throws if {@code b} came from an older generation (its graph or op has ended). */
    public void checkAlive(Block b) {
        if (b.generation() != generation) {
            throw new IllegalStateException("device block at 0x" + Long.toHexString(b.ptr()) + " (" + b.bytes() + " B) was allocated in "
                    + "device arena generation " + b.generation() + ", the arena is now at generation " + generation);
        }
    }

    public int generation() {
        return generation;
    }

    public long bytesInUse() {
        return inUse;
    }

    public long highWaterBytes() {
        return highWater;
    }

    /** Device bytes the arena holds: the main allocation plus any overflow. */
    public long reservedBytes() {
        return capacity + overflowBytes;
    }

    public long allocationCount() {
        return allocations;
    }

    /** cuMemAlloc calls made since creation. */
    public long deviceAllocations() {
        return deviceAllocations;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("DeviceArena is closed");
    }

    /** Frees the device memory. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (long p : overflow) api.memFree(p);
        overflow.clear();
        if (base != 0) api.memFree(base);
        base = 0;
    }

    @Override
    public String toString() {
        return "DeviceArena(gen=" + generation + ", inUse=" + inUse + "B, highWater=" + highWater + "B, capacity=" + capacity
                + "B, deviceAllocations=" + deviceAllocations + ")";
    }
}

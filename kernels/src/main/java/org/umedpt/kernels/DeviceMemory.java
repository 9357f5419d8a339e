package org.umedpt.kernels;

import org.umedpt.tensor.Storage;
import org.umedpt.tensor.Tensor;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where tensors live on the device, for one {@link CudaBackend}: each tensor's {@link Storage} gets a
 * device copy on first use and keeps it, so values cross PCIe only when host code reads or writes
 * them (a batch going up, a loss or a metric coming down).
 *
 * <ul>
 *   <li><b>Graph arenas are mirrored chunk for chunk</b>: a host arena chunk gets one device buffer of
 *       its size, and an arena tensor's device copy sits at its host offset. The device arena thus has
 *       the host arena's semantics with no second allocator: bump pointer, best-fit reuse of freed
 *       blocks, O(1) reset, stale-use detection (through the host tensor), high-water mark, flat
 *       memory across tasks. The host chunks are allocated but not written.</li>
 *   <li><b>Heap tensors</b> (parameters, gradients, optimizer state, batches) get a buffer from a
 *       caching pool by rounded size. When a storage (or an arena chunk) becomes unreachable, a
 *       {@link Cleaner} hands its buffer back to the pool; the backend's thread takes it up at the
 *       next request. Reuse is safe without events because all work is on one stream. Device memory
 *       is freed only by {@link #close()}: in steady state nothing is allocated.</li>
 *   <li><b>Small int tables</b> (permute and broadcast geometry) are uploaded once per distinct
 *       content and kept.</li>
 * </ul>
 *
 * <p>Not thread-safe (the backend's contract), except the hand-back from the cleaner.
 */
public final class DeviceMemory implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int MAX_TABLES = 4096;

    /** A storage's device copy: the device address of its window's first element. */
    private static final class Resident implements Storage.DeviceCopy {
        final DeviceMemory owner;
        final long ptr;

        Resident(DeviceMemory owner, long ptr) {
            this.owner = owner;
            this.ptr = ptr;
        }

        @Override
        public void download(Storage s) {
            owner.download(s, ptr);
        }
    }

    /**
     * Counters for stats and tests; {@code deviceFreeBytes}/{@code deviceTotalBytes} are cuMemGetInfo's
     * (the whole device: other processes, cuBLAS's workspace and the context included).
     */
    public record Stats(long deviceAllocations, long reservedBytes, long uploads, long uploadedBytes, long downloads,
                        long downloadedBytes, long deviceFreeBytes, long deviceTotalBytes) {}

    private final DeviceApi api;
    private final long stream;
    private final Map<float[], Long> chunks = new WeakHashMap<>(); // arrays hash by identity
    private final TreeMap<Long, ArrayDeque<Long>> pool = new TreeMap<>();
    private final ConcurrentLinkedQueue<long[]> handedBack = new ConcurrentLinkedQueue<>();
    private final List<WeakReference<Storage>> heapStorages = new ArrayList<>();
    private int pruneAt = 1024;
    private final LinkedHashMap<IntTable, Long> tables = new LinkedHashMap<>(16, 0.75f, true); // LRU; buffers of tableBytes(length)
    private final long[] scratchPtr = new long[3], scratchBytes = new long[3];
    private final List<Long> allocated = new ArrayList<>();
    private long reservedBytes, uploads, uploadedBytes, downloads, downloadedBytes;
    private boolean closed;

    DeviceMemory(DeviceApi api, long stream) {
        this.api = api;
        this.stream = stream;
    }

    // ------------------------------------------------------------ tensors

    /** The device address of an input: uploaded first if the host holds newer values. 0 for null. */
    long read(Tensor t) {
        if (t == null) return 0;
        Resident r = place(t);
        Storage s = t.storage();
        if (s.deviceStale()) upload(s, r.ptr);
        return address(t, r);
    }

    /**
     * The device address of an output. With {@code whole} the kernel overwrites all of {@code t}: if
     * t is its storage's whole window nothing is uploaded. Otherwise (accumulation, a partial write)
     * the device copy is brought up to date first. Either way the host copy is stale afterwards.
     */
    long write(Tensor t, boolean whole) {
        if (t == null) return 0;
        Resident r = place(t);
        Storage s = t.storage();
        if (s.deviceStale()) {
            if (whole && t.size() == s.length()) s.deviceSynced();
            else upload(s, r.ptr);
        }
        s.deviceWritten();
        return address(t, r);
    }

    /**
     * Uploads {@code values} once per distinct content; the buffer stays for later launches. Beyond
     * MAX_TABLES the least recently used table goes back to the pool — never one fetched by the
     * primitive asking now (those are the most recent), and queued launches that read it run before
     * any reuse (one stream).
     */
    long table(int[] values) {
        IntTable key = new IntTable(values.clone());
        Long p = tables.get(key);
        if (p != null) return p;
        if (tables.size() >= MAX_TABLES) {
            Map.Entry<IntTable, Long> eldest = tables.entrySet().iterator().next();
            tables.remove(eldest.getKey());
            giveBack(eldest.getValue(), tableBytes(eldest.getKey().values().length));
        }
        long ptr = take(tableBytes(values.length));
        api.copyToDevice(ptr, values, 0, values.length, stream);
        tables.put(key, ptr);
        return ptr;
    }

    /**
     * Uploads {@code values} into scratch slot 2, overwriting the previous upload: for per-call
     * values such as AdamW's decays (the copy is stream-ordered after the launches that read the
     * previous ones).
     */
    long perCall(float[] values) {
        long ptr = scratch(2, (long) values.length * Float.BYTES);
        api.copyToDevice(ptr, values, 0, values.length, stream);
        return ptr;
    }

    /**
     * Scratch buffer {@code slot} (0, 1: bf16 GEMM operands; 2: {@link #perCall}) of at least {@code bytes}, grown as needed and kept (a
     * smaller one goes back to the pool: work still queued on the stream uses it before any reuse).
     */
    long scratch(int slot, long bytes) {
        if (scratchBytes[slot] < bytes) {
            if (scratchPtr[slot] != 0) giveBack(scratchPtr[slot], scratchBytes[slot]);
            scratchBytes[slot] = bufferBytes((bytes + 3) / 4);
            scratchPtr[slot] = take(scratchBytes[slot]);
        }
        return scratchPtr[slot];
    }

    private static long tableBytes(int n) {
        return bufferBytes(n); // ints are 4 bytes, as floats
    }

    private record IntTable(int[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IntTable t && Arrays.equals(values, t.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    private static long address(Tensor t, Resident r) {
        return r.ptr + (long) (t.offset() - t.storage().base()) * Float.BYTES;
    }

    private Resident place(Tensor t) {
        if (closed) throw new IllegalStateException("CudaBackend is closed");
        t.checkAlive();
        Storage s = t.storage();
        if (s.device() instanceof Resident r && r.owner == this) return r;
        long ptr;
        if (s.inArena()) {
            ptr = chunk(s.array()) + (long) s.base() * Float.BYTES;
        } else {
            long bytes = bufferBytes(s.length());
            ptr = take(bytes);
            CLEANER.register(s, new HandBack(handedBack, ptr, bytes));
            heapStorages.add(new WeakReference<>(s));
            if (heapStorages.size() >= pruneAt) {
                heapStorages.removeIf(w -> w.get() == null);
                pruneAt = Math.max(1024, 2 * heapStorages.size());
            }
        }
        Resident r = new Resident(this, ptr);
        s.attach(r);
        return r;
    }

    private long chunk(float[] array) {
        Long p = chunks.get(array);
        if (p == null) {
            long bytes = bufferBytes(array.length);
            p = take(bytes);
            CLEANER.register(array, new HandBack(handedBack, p, bytes));
            chunks.put(array, p);
        }
        return p;
    }

    private synchronized void upload(Storage s, long ptr) {
        api.copyToDevice(ptr, s.array(), s.base(), s.length(), stream);
        s.deviceSynced();
        uploads++;
        uploadedBytes += (long) s.length() * Float.BYTES;
    }

    private synchronized void download(Storage s, long ptr) {
        if (closed) {
            throw new IllegalStateException("the values of a " + s.length() + "-element tensor are on a CUDA backend that has been "
                    + "closed; read them (toArray/copyToHeap) before closing the backend");
        }
        api.copyToHost(s.array(), s.base(), ptr, s.length(), stream);
        downloads++;
        downloadedBytes += (long) s.length() * Float.BYTES;
    }

    // ------------------------------------------------------------ the pool

    /** Sizes round up to 512 bytes below 1 MiB and to 2 MiB above, so that a few free lists serve all requests. */
    static long bufferBytes(long floats) {
        long bytes = Math.max(1, floats) * Float.BYTES;
        long unit = bytes < (1 << 20) ? 512 : 2L << 20;
        return (bytes + unit - 1) / unit * unit;
    }

    /**
     * Called first by every primitive: takes up the buffers the cleaner handed back. Only here, not
     * inside a primitive: the JIT may end a tensor argument's life after its last use in the
     * method, and its buffer must not serve another operand of the same, not yet launched, call.
     */
    void begin() {
        for (long[] b; (b = handedBack.poll()) != null; ) giveBack(b[0], b[1]);
    }

    private long take(long bytes) {
        ArrayDeque<Long> free = pool.get(bytes);
        if (free != null && !free.isEmpty()) return free.pop();
        long ptr = api.memAlloc(bytes);
        allocated.add(ptr);
        reservedBytes += bytes;
        return ptr;
    }

    private void giveBack(long ptr, long bytes) {
        if (!closed) pool.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(ptr);
    }

    /** The cleaner's action: must not refer to the storage it cleans. */
    private record HandBack(ConcurrentLinkedQueue<long[]> queue, long ptr, long bytes) implements Runnable {
        @Override
        public void run() {
            queue.add(new long[] {ptr, bytes});
        }
    }

    Stats stats() {
        long[] info = api.memGetInfo();
        return new Stats(allocated.size(), reservedBytes, uploads, uploadedBytes, downloads, downloadedBytes, info[0], info[1]);
    }

    /**
     * Downloads every live heap tensor whose newest values are on the device and detaches it (it is
     * usable on the host, or by another backend, afterwards), then frees all device memory. Arena
     * tensors of graphs still open lose their device values: reading one afterwards says so.
     */
    @Override
    public void close() {
        if (closed) return;
        RuntimeException first = null;
        try {
            for (WeakReference<Storage> w : heapStorages) { // each on its own: one failed download must not lose the others
                Storage s = w.get();
                try {
                    if (s != null && s.device() instanceof Resident r && r.owner == this) s.detach();
                } catch (RuntimeException e) {
                    if (first == null) first = e;
                    else first.addSuppressed(e);
                }
            }
        } finally {
            closed = true;
            heapStorages.clear();
            chunks.clear();
            tables.clear();
            pool.clear();
            handedBack.clear();
            for (long ptr : allocated) api.memFree(ptr);
            allocated.clear();
        }
        if (first != null) throw first;
    }
}

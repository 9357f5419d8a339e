package org.umedpt.kernels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link DeviceApi} on the host, for testing the backend's logic without a GPU: device memory is
 * emulated (allocations are float arrays at fake addresses, so copies round-trip and a wrong
 * pointer or size fails loudly), every call is appended to {@link #log} in order with its stream,
 * launches are recorded with their shapes and arguments, and a launch runs the Java emulation
 * registered for its kernel name, if any ({@link #emulate}). GEMM is emulated in cuBLAS's
 * column-major terms, so the row-major mapping of the caller is checked for real.
 *
 * <p>{@link #failNextLaunch} / {@link #failNextSync} inject errors.
 */
final class FakeDeviceApi implements DeviceApi {
    /** One recorded launch. */
    record Launch(String kernel, int[] grid, int[] block, int sharedBytes, long stream, Object[] args) {}

    /** An emulated kernel: gets the fake (to read and write memory) and the launch. */
    interface Emulation {
        void run(FakeDeviceApi dev, Launch l);
    }

    private static final long BASE = 0x7000_0000_0000L;
    private final TreeMap<Long, float[]> memory = new TreeMap<>();
    private long next = BASE;
    private long handles = 1;
    final Map<Long, String> modules = new HashMap<>();
    final Map<Long, String> functions = new HashMap<>();
    final Map<String, Emulation> emulations = new HashMap<>();
    final List<String> log = new ArrayList<>();
    final List<Launch> launches = new ArrayList<>();
    final Map<Long, Long> eventStream = new HashMap<>();
    long allocCalls, freeCalls, bytesInUse;
    long totalBytes = 80L << 30;
    int failNextLaunch, failNextSync;
    boolean closed;
    int closeCalls;

    FakeDeviceApi emulate(String kernel, Emulation e) {
        emulations.put(kernel, e);
        return this;
    }

    // ------------------------------------------------------------ memory emulation

    /** The allocation holding device address {@code ptr} and the float index of ptr inside it. */
    private Map.Entry<Long, float[]> find(long ptr, long floats) {
        Map.Entry<Long, float[]> e = memory.floorEntry(ptr);
        if (e == null || (ptr - e.getKey()) % 4 != 0 || (ptr - e.getKey()) / 4 + floats > e.getValue().length) {
            throw new IllegalStateException("fake device: " + floats + " floats at 0x" + Long.toHexString(ptr) + " are outside every allocation");
        }
        return e;
    }

    float get(long ptr, long index) {
        Map.Entry<Long, float[]> e = find(ptr + 4 * index, 1);
        return e.getValue()[(int) ((ptr + 4 * index - e.getKey()) / 4)];
    }

    void set(long ptr, long index, float v) {
        Map.Entry<Long, float[]> e = find(ptr + 4 * index, 1);
        e.getValue()[(int) ((ptr + 4 * index - e.getKey()) / 4)] = v;
    }

    int getInt(long ptr, long index) {
        return Float.floatToRawIntBits(get(ptr, index));
    }

    @Override
    public String deviceName() {
        return "fake device (sm_90)";
    }

    @Override
    public long[] memGetInfo() {
        return new long[] {totalBytes - bytesInUse, totalBytes};
    }

    @Override
    public long memAlloc(long bytes) {
        long ptr = next;
        long floats = (bytes + 3) / 4;
        float[] a = new float[(int) floats];
        java.util.Arrays.fill(a, Float.NaN); // device memory is not cleared: poison it
        memory.put(ptr, a);
        next += (bytes + 4095) / 4096 * 4096 + 4096;
        allocCalls++;
        bytesInUse += bytes;
        log.add("memAlloc " + bytes);
        return ptr;
    }

    @Override
    public void memFree(long devicePtr) {
        float[] a = memory.remove(devicePtr);
        if (a == null) throw new IllegalStateException("fake device: cuMemFree of 0x" + Long.toHexString(devicePtr) + ", not an allocation");
        freeCalls++;
        bytesInUse -= 4L * a.length;
        log.add("memFree");
    }

    @Override
    public void copyToDevice(long dst, float[] src, int offset, int count, long stream) {
        Map.Entry<Long, float[]> e = find(dst, count);
        System.arraycopy(src, offset, e.getValue(), (int) ((dst - e.getKey()) / 4), count);
        log.add("HtoD " + count + " stream " + stream);
    }

    @Override
    public void copyToDevice(long dst, int[] src, int offset, int count, long stream) {
        Map.Entry<Long, float[]> e = find(dst, count);
        for (int i = 0; i < count; i++) e.getValue()[(int) ((dst - e.getKey()) / 4) + i] = Float.intBitsToFloat(src[offset + i]);
        log.add("HtoD ints " + count + " stream " + stream);
    }

    @Override
    public void copyToHost(float[] dst, int offset, long src, int count, long stream) {
        Map.Entry<Long, float[]> e = find(src, count);
        System.arraycopy(e.getValue(), (int) ((src - e.getKey()) / 4), dst, offset, count);
        log.add("DtoH " + count + " stream " + stream);
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes, long stream) {
        int n = (int) (bytes / 4);
        float[] tmp = new float[n];
        Map.Entry<Long, float[]> s = find(src, n);
        System.arraycopy(s.getValue(), (int) ((src - s.getKey()) / 4), tmp, 0, n);
        Map.Entry<Long, float[]> d = find(dst, n);
        System.arraycopy(tmp, 0, d.getValue(), (int) ((dst - d.getKey()) / 4), n);
        log.add("DtoD " + n + " stream " + stream);
    }

    // ------------------------------------------------------------ modules, launches

    @Override
    public long moduleLoad(String name, byte[] image) {
        if (image.length < 16) throw new CudaException(200, "CUDA_ERROR_INVALID_IMAGE", "cuModuleLoadData", name);
        long h = handles++;
        modules.put(h, name);
        log.add("moduleLoad " + name);
        return h;
    }

    @Override
    public void moduleUnload(long module) {
        if (modules.remove(module) == null) throw new IllegalStateException("fake device: unload of unknown module " + module);
        log.add("moduleUnload");
    }

    @Override
    public long moduleGetFunction(long module, String kernel) {
        if (!modules.containsKey(module)) throw new IllegalStateException("fake device: unknown module " + module);
        long h = handles++;
        functions.put(h, kernel);
        log.add("getFunction " + kernel);
        return h;
    }

    @Override
    public void launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes, long stream,
                       Object[] args, String describe) {
        String name = functions.get(function);
        if (name == null) throw new IllegalStateException("fake device: launch of unknown function " + function);
        if (failNextLaunch != 0) {
            int code = failNextLaunch;
            failNextLaunch = 0;
            throw new CudaException(code, JavaCppDeviceApi.errorName(code), "cuLaunchKernel", describe);
        }
        Launch l = new Launch(name, new int[] {gridX, gridY, gridZ}, new int[] {blockX, blockY, blockZ}, sharedBytes, stream, args.clone());
        launches.add(l);
        log.add("launch " + name + " stream " + stream);
        Emulation e = emulations.get(name);
        if (e != null) e.run(this, l);
    }

    // ------------------------------------------------------------ streams, events

    @Override
    public long streamCreate() {
        long h = handles++;
        log.add("streamCreate " + h);
        return h;
    }

    @Override
    public void streamSynchronize(long stream) {
        log.add("streamSynchronize " + stream);
        if (failNextSync != 0) {
            int code = failNextSync;
            failNextSync = 0;
            throw new CudaException(code, JavaCppDeviceApi.errorName(code), "cuStreamSynchronize", "");
        }
    }

    @Override
    public void streamDestroy(long stream) {
        log.add("streamDestroy " + stream);
    }

    @Override
    public long eventCreate() {
        return handles++;
    }

    @Override
    public void eventRecord(long event, long stream) {
        eventStream.put(event, stream);
        log.add("eventRecord " + event + " stream " + stream);
    }

    @Override
    public void streamWaitEvent(long stream, long event) {
        log.add("streamWaitEvent " + stream + " " + event);
    }

    @Override
    public void eventSynchronize(long event) {
        if (!eventStream.containsKey(event)) throw new IllegalStateException("fake device: synchronize on an unrecorded event");
        log.add("eventSynchronize " + event);
    }

    @Override
    public float eventElapsedMs(long start, long end) {
        if (!eventStream.containsKey(start) || !eventStream.containsKey(end)) throw new IllegalStateException("fake device: unrecorded event");
        return 1.5f;
    }

    @Override
    public void eventDestroy(long event) {
        log.add("eventDestroy " + event);
    }

    @Override
    public void synchronize() {
        log.add("synchronize");
    }

    /** Column-major cuBLAS GEMM on the emulated memory, in double. */
    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
                                   int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch, GemmPrecision precision,
                                   long stream) {
        if (precision == GemmPrecision.BF16) throw new UnsupportedOperationException("fake device: bf16 GEMM (the shim device runs it)");
        log.add("gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb
                + " ldc=" + ldc + " batch=" + batch + " stream " + stream);
        for (int p = 0; p < batch; p++) {
            long ao = p * strideA, bo = p * strideB, co = p * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        float av = transA ? get(a, ao + l + (long) i * lda) : get(a, ao + i + (long) l * lda);
                        float bv = transB ? get(b, bo + j + (long) l * ldb) : get(b, bo + l + (long) j * ldb);
                        s += (double) av * bv;
                    }
                    long ci = co + i + (long) j * ldc;
                    double old = beta == 0 ? 0 : get(c, ci);
                    set(c, ci, (float) (alpha * s + beta * old));
                }
            }
        }
    }

    @Override
    public void close() {
        closeCalls++;
        closed = true;
    }

    /** Runs a per-element emulation over [0, n) (grid-stride kernels). */
    static void forEach(int n, Consumer<Integer> body) {
        for (int i = 0; i < n; i++) body.accept(i);
    }
}

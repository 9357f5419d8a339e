package org.umedpt.kernels;

import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link DeviceApi} whose kernels are the real ones: {@code shim_device.cpp} (every .cu of
 * src/main/cuda compiled by g++ with the CUDA-on-threads shim) loaded as a shared library through
 * the JDK 17 foreign-function API. Device memory is native host memory; GEMM is shim_gemm
 * (cuBLAS's column-major contract in plain loops). With it, CudaBackend runs end to end on the CPU:
 * residency, launch shapes, argument order and every kernel, against the CPU backend.
 */
final class ShimDeviceApi implements DeviceApi {
    private final ResourceScope scope = ResourceScope.newSharedScope();
    private final Map<Long, MemorySegment> memory = new HashMap<>();
    private final Map<Long, String> functions = new HashMap<>();
    private final MethodHandle launch, gemm;
    private long handles = 1;
    long launches;

    ShimDeviceApi(Path library) {
        System.load(library.toAbsolutePath().toString());
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        CLinker c = CLinker.getInstance();
        launch = c.downcallHandle(lookup.lookup("shim_launch").orElseThrow(),
                MethodType.methodType(int.class, MemoryAddress.class, int.class, int.class, int.class, int.class, int.class, int.class,
                        long.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT,
                        CLinker.C_INT, CLinker.C_INT, CLinker.C_LONG, CLinker.C_POINTER, CLinker.C_INT));
        gemm = c.downcallHandle(lookup.lookup("shim_gemm").orElseThrow(),
                MethodType.methodType(void.class, int.class, int.class, int.class, int.class, int.class, float.class, MemoryAddress.class,
                        int.class, long.class, MemoryAddress.class, int.class, long.class, float.class, MemoryAddress.class, int.class,
                        long.class, int.class, int.class),
                FunctionDescriptor.ofVoid(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_FLOAT,
                        CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG_LONG, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG_LONG,
                        CLinker.C_FLOAT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG_LONG, CLinker.C_INT, CLinker.C_INT));
    }

    private MemorySegment at(long ptr, long bytes) {
        return MemoryAddress.ofLong(ptr).asSegment(bytes, ResourceScope.globalScope());
    }

    @Override
    public String deviceName() {
        return "CUDA shim on host threads";
    }

    @Override
    public long[] memGetInfo() {
        return new long[] {1L << 34, 1L << 34};
    }

    @Override
    public long memAlloc(long bytes) {
        MemorySegment s = MemorySegment.allocateNative(Math.max(bytes, 4), 256, scope);
        s.fill((byte) 0x7f); // poisoned: reads of unwritten memory show up
        long p = s.address().toRawLongValue();
        memory.put(p, s);
        return p;
    }

    @Override
    public void memFree(long devicePtr) {
        if (memory.remove(devicePtr) == null) throw new IllegalStateException("shim device: free of 0x" + Long.toHexString(devicePtr));
        // the shared scope frees everything at close; the block is simply forgotten here
    }

    @Override
    public void copyToDevice(long dst, float[] src, int offset, int count, long stream) {
        if (count == 0) return;
        at(dst, 4L * count).copyFrom(MemorySegment.ofArray(src).asSlice(4L * offset, 4L * count));
    }

    @Override
    public void copyToDevice(long dst, int[] src, int offset, int count, long stream) {
        if (count == 0) return;
        at(dst, 4L * count).copyFrom(MemorySegment.ofArray(src).asSlice(4L * offset, 4L * count));
    }

    @Override
    public void copyToHost(float[] dst, int offset, long src, int count, long stream) {
        if (count == 0) return;
        MemorySegment.ofArray(dst).asSlice(4L * offset, 4L * count).copyFrom(at(src, 4L * count));
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes, long stream) {
        if (bytes == 0) return;
        at(dst, bytes).copyFrom(at(src, bytes));
    }

    @Override
    public long moduleLoad(String name, byte[] image) {
        return handles++;
    }

    @Override
    public void moduleUnload(long module) {}

    @Override
    public long moduleGetFunction(long module, String kernel) {
        long h = handles++;
        functions.put(h, kernel);
        return h;
    }

    @Override
    public void launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes, long stream,
                       Object[] args, String describe) {
        try (ResourceScope s = ResourceScope.newConfinedScope()) {
            MemorySegment name = CLinker.toCString(functions.get(function), s);
            MemorySegment packed = MemorySegment.allocateNative(8L * Math.max(args.length, 1), 8, s);
            for (int i = 0; i < args.length; i++) {
                long v = args[i] instanceof Long l ? l : args[i] instanceof Integer n ? n : Float.floatToRawIntBits((Float) args[i]) & 0xffffffffL;
                MemoryAccess.setLongAtIndex(packed, i, v);
            }
            int rc = (int) launch.invokeExact(name.address(), gridX, gridY, gridZ, blockX, blockY, blockZ, (long) sharedBytes,
                    packed.address(), args.length);
            if (rc != 0) throw new CudaException(rc == -1 ? 500 : 1, rc == -1 ? "CUDA_ERROR_NOT_FOUND" : "CUDA_ERROR_INVALID_VALUE",
                    "shim_launch", describe);
            launches++;
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("shim_launch failed: " + describe, t);
        }
    }

    @Override
    public long streamCreate() {
        return handles++;
    }

    @Override
    public void streamSynchronize(long stream) {}

    @Override
    public void streamDestroy(long stream) {}

    @Override
    public long eventCreate() {
        return handles++;
    }

    @Override
    public void eventRecord(long event, long stream) {}

    @Override
    public void streamWaitEvent(long stream, long event) {}

    @Override
    public void eventSynchronize(long event) {}

    @Override
    public float eventElapsedMs(long start, long end) {
        return 0;
    }

    @Override
    public void eventDestroy(long event) {}

    @Override
    public void synchronize() {}

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
                                   int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch, GemmPrecision precision,
                                   long stream) {
        try {
            gemm.invokeExact(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, MemoryAddress.ofLong(a), lda, strideA, MemoryAddress.ofLong(b), ldb,
                    strideB, beta, MemoryAddress.ofLong(c), ldc, strideC, batch, precision == GemmPrecision.BF16 ? 1 : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("shim_gemm failed", t);
        }
    }

    @Override
    public void close() {
        memory.clear();
        if (scope.isAlive()) scope.close(); // frees every allocation; no launch is running

    }
}

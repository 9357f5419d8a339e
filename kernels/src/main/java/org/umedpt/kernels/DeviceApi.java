package org.umedpt.kernels;

/**
 * The driver and cuBLAS calls the CUDA backend uses, and nothing more: the seam between the
 * engine's logic (tested against a fake) and JavaCPP ({@link JavaCppDeviceApi}). Handles
 * (modules, functions, streams, events) are opaque longs; device pointers are {@code CUdeviceptr}
 * values. Every method checks its status and throws {@link CudaException} on failure.
 *
 * <p>All calls act on one device, through its primary context (so kernels and cuBLAS share it),
 * which the implementation retains when it is created and releases in {@link #close()}.
 */
public interface DeviceApi extends AutoCloseable {

    /** The device's name and compute capability, e.g. {@code NVIDIA H200 (sm_90)}. */
    String deviceName();

    /** {@code [free, total]} bytes of device memory (cuMemGetInfo). */
    long[] memGetInfo();

    long memAlloc(long bytes);

    void memFree(long devicePtr);

    /**
     * Copies {@code count} floats from {@code src[offset…]} to the device, on {@code stream}: after the
     * stream's earlier work, and complete when this returns (the host array may change at once).
     */
    void copyToDevice(long dst, float[] src, int offset, int count, long stream);

    void copyToDevice(long dst, int[] src, int offset, int count, long stream);

    /** Copies {@code count} floats from the device into {@code dst[offset…]} on {@code stream}, after its earlier work; waits for it. */
    void copyToHost(float[] dst, int offset, long src, int count, long stream);

    void copyDeviceToDevice(long dst, long src, long bytes, long stream);

    /** Loads a fatbin (or cubin/PTX) image; {@code name} only labels errors. */
    long moduleLoad(String name, byte[] image);

    void moduleUnload(long module);

    long moduleGetFunction(long module, String kernel);

    /**
     * cuLaunchKernel. {@code args} are the packed kernel parameters in order; {@code describe} names
     * the kernel, grid and block for the error message.
     */
    void launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes, long stream,
                Object[] args, String describe);

    long streamCreate();

    void streamSynchronize(long stream);

    void streamDestroy(long stream);

    long eventCreate();

    void eventRecord(long event, long stream);

    void streamWaitEvent(long stream, long event);

    void eventSynchronize(long event);

    /** Milliseconds between two recorded, completed events. */
    float eventElapsedMs(long start, long end);

    void eventDestroy(long event);

    /** Waits for all work on the device (cuCtxSynchronize). */
    void synchronize();

    /**
     * cuBLAS strided-batched GEMM in cuBLAS's column-major terms (the row-major mapping is done by
     * the caller): {@code C_i = alpha·op(A_i)·op(B_i) + beta·C_i}, C fp32. A and B are fp32, or bf16
     * (2-byte elements, same element strides) with {@link GemmPrecision#BF16}; TF32 selects
     * CUBLAS_COMPUTE_32F_FAST_TF32 (tensor cores), the others CUBLAS_COMPUTE_32F.
     */
    void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
                            int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch, GemmPrecision precision, long stream);

    /** Releases the cuBLAS handle and the primary context. Idempotent. */
    @Override
    void close();
}

package org.umedpt.kernels;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link DeviceApi} over JavaCPP's CUDA 13 presets ({@code org.bytedeco:cuda}): the driver API on the
 * device's primary context, and cuBLAS (created on the first GEMM, on the same context and stream).
 * The only class that imports {@code org.bytedeco}; {@link #open} is the only place JavaCPP loads.
 *
 * <p>Host copies go through one pinned staging buffer (cuMemAllocHost), grown as needed; they are
 * synchronized, since host code may read a device tensor from any thread (a download).
 */
public final class JavaCppDeviceApi implements DeviceApi {
    private static final System.Logger LOG = System.getLogger(JavaCppDeviceApi.class.getName());
    /** CUDA_ERROR_NO_DEVICE and CUDA_ERROR_NOT_INITIALIZED… named without calling the driver (which may be a stub). */
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(0, "CUDA_SUCCESS"),
            Map.entry(1, "CUDA_ERROR_INVALID_VALUE"), Map.entry(2, "CUDA_ERROR_OUT_OF_MEMORY"), Map.entry(3, "CUDA_ERROR_NOT_INITIALIZED"),
            Map.entry(4, "CUDA_ERROR_DEINITIALIZED"), Map.entry(35, "CUDA_ERROR_STUB_LIBRARY"), Map.entry(46, "CUDA_ERROR_DEVICE_UNAVAILABLE"),
            Map.entry(100, "CUDA_ERROR_NO_DEVICE"), Map.entry(101, "CUDA_ERROR_INVALID_DEVICE"), Map.entry(200, "CUDA_ERROR_INVALID_IMAGE"),
            Map.entry(201, "CUDA_ERROR_INVALID_CONTEXT"), Map.entry(209, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
            Map.entry(218, "CUDA_ERROR_INVALID_PTX"), Map.entry(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
            Map.entry(400, "CUDA_ERROR_INVALID_HANDLE"), Map.entry(500, "CUDA_ERROR_NOT_FOUND"), Map.entry(700, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"), Map.entry(702, "CUDA_ERROR_LAUNCH_TIMEOUT"),
            Map.entry(719, "CUDA_ERROR_LAUNCH_FAILED"), Map.entry(999, "CUDA_ERROR_UNKNOWN"));
    private static final int NO_DEVICE = 100;

    /** A JavaCPP pointer to an address we hold as a long (device pointers, driver handles). */
    private static final class Raw extends Pointer {
        Raw(long a) {
            address = a;
        }
    }

    private final int device;
    private final CUctx_st context;
    private final String name;
    private cublasContext blas;
    private Pointer pinned;
    private long pinnedBytes;
    private boolean closed;

    private JavaCppDeviceApi(int device, CUctx_st context, String name) {
        this.device = device;
        this.context = context;
        this.name = name;
        this.current = Thread.currentThread();
    }

    /**
     * Loads the presets, initialises the driver and retains device {@code ordinal}'s primary context.
     *
     * @throws CudaUnavailableException when a library is missing or there is no device
     */
    public static JavaCppDeviceApi open(int ordinal) {
        try {
            Loader.load(cudart.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw CudaUnavailableException.missingLibrary(missingLibrary(e, "libcuda.so.1 or libcudart.so.13"), e);
        }
        int r = cudart.cuInit(0);
        if (r == NO_DEVICE) throw CudaUnavailableException.noDevice("cuInit returned CUDA_ERROR_NO_DEVICE (100)");
        check(r, "cuInit", "");
        int[] count = new int[1];
        check(cudart.cuDeviceGetCount(count), "cuDeviceGetCount", "");
        if (count[0] == 0) throw CudaUnavailableException.noDevice("cuDeviceGetCount returned 0");
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new IllegalArgumentException("CUDA device " + ordinal + " does not exist: " + count[0] + " device(s) visible");
        }
        int[] dev = new int[1];
        check(cudart.cuDeviceGet(dev, ordinal), "cuDeviceGet", "device " + ordinal);
        byte[] nameBytes = new byte[256];
        check(cudart.cuDeviceGetName(nameBytes, nameBytes.length, dev[0]), "cuDeviceGetName", "");
        int[] major = new int[1], minor = new int[1];
        check(cudart.cuDeviceGetAttribute(major, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev[0]), "cuDeviceGetAttribute", "");
        check(cudart.cuDeviceGetAttribute(minor, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev[0]), "cuDeviceGetAttribute", "");
        CUctx_st ctx = new CUctx_st();
        check(cudart.cuDevicePrimaryCtxRetain(ctx, dev[0]), "cuDevicePrimaryCtxRetain", "device " + ordinal);
        check(cudart.cuCtxSetCurrent(ctx), "cuCtxSetCurrent", "");
        String n = new String(nameBytes, 0, indexOfZero(nameBytes)) + " (sm_" + major[0] + minor[0] + ")";
        LOG.log(System.Logger.Level.DEBUG, "CUDA device {0}: {1}", ordinal, n);
        return new JavaCppDeviceApi(dev[0], ctx, n);
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return i;
        return b.length;
    }

    private static final Pattern SONAME = Pattern.compile("(lib(?!jni)[A-Za-z0-9_+-]+\\.so(\\.[0-9]+)*)");

    /** The first non-JNI soname any message in the chain mentions, else {@code fallback}. */
    static String missingLibrary(Throwable t, String fallback) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() == null) continue;
            Matcher m = SONAME.matcher(c.getMessage());
            if (m.find()) return m.group(1);
        }
        return fallback;
    }

    static String errorName(int code) {
        String n = NAMES.get(code);
        if (n != null) return n;
        try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorName(code, out) == 0 && out.get(0) != null) return out.getString(0);
        } catch (RuntimeException ignored) {
            // fall through: an unnamed code
        }
        return "CUDA_ERROR_" + code;
    }

    static void check(int status, String call, String context) {
        if (status != 0) throw new CudaException(status, errorName(status), call, context);
    }

    private static void checkBlas(int status, String call, String context) {
        if (status != 0) throw new CudaException(status, "CUBLAS_STATUS_" + status, call, context);
    }

    private Thread current;

    /**
     * Checks the API is open and makes the primary context current on the calling thread (a CUDA
     * context is current per thread; the backend may be driven from a thread other than the one that
     * opened it). One comparison when the thread does not change.
     */
    private void checkOpen() {
        if (closed) throw new IllegalStateException("JavaCppDeviceApi is closed");
        if (Thread.currentThread() != current) {
            check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent", "");
            current = Thread.currentThread();
        }
    }

    @Override
    public String deviceName() {
        return name;
    }

    @Override
    public long[] memGetInfo() {
        checkOpen();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudart.cuMemGetInfo(free, total), "cuMemGetInfo", "");
            return new long[] {free.get(), total.get()};
        }
    }

    @Override
    public long memAlloc(long bytes) {
        checkOpen();
        long[] p = new long[1];
        check(cudart.cuMemAlloc(p, Math.max(bytes, 1)), "cuMemAlloc", bytes + " bytes");
        return p[0];
    }

    @Override
    public void memFree(long devicePtr) {
        checkOpen();
        check(cudart.cuMemFree(devicePtr), "cuMemFree", "0x" + Long.toHexString(devicePtr));
    }

    private Pointer staging(long bytes) {
        if (pinnedBytes < bytes) {
            if (pinned != null) check(cudart.cuMemFreeHost(pinned), "cuMemFreeHost", "");
            long grow = Math.max(bytes, Math.min(2 * pinnedBytes, 1L << 30));
            Pointer p = new Pointer();
            check(cudart.cuMemAllocHost(p, grow), "cuMemAllocHost", grow + " bytes");
            pinned = p;
            pinnedBytes = grow;
        }
        return pinned;
    }

    @Override
    public synchronized void copyToDevice(long dst, float[] src, int offset, int count, long stream) {
        checkOpen();
        if (count == 0) return;
        long bytes = (long) count * Float.BYTES;
        FloatPointer h = new FloatPointer(staging(bytes)).capacity(count);
        h.put(src, offset, count);
        CUstream_st s = new CUstream_st(new Raw(stream));
        check(cudart.cuMemcpyHtoDAsync(dst, h, bytes, s), "cuMemcpyHtoDAsync", bytes + " bytes");
        check(cudart.cuStreamSynchronize(s), "cuStreamSynchronize", "after cuMemcpyHtoDAsync"); // the staging buffer is reused
    }

    @Override
    public synchronized void copyToDevice(long dst, int[] src, int offset, int count, long stream) {
        checkOpen();
        if (count == 0) return;
        long bytes = (long) count * Integer.BYTES;
        IntPointer h = new IntPointer(staging(bytes)).capacity(count);
        h.put(src, offset, count);
        CUstream_st s = new CUstream_st(new Raw(stream));
        check(cudart.cuMemcpyHtoDAsync(dst, h, bytes, s), "cuMemcpyHtoDAsync", bytes + " bytes");
        check(cudart.cuStreamSynchronize(s), "cuStreamSynchronize", "after cuMemcpyHtoDAsync");
    }

    @Override
    public synchronized void copyToHost(float[] dst, int offset, long src, int count, long stream) {
        checkOpen();
        if (count == 0) return;
        long bytes = (long) count * Float.BYTES;
        FloatPointer h = new FloatPointer(staging(bytes)).capacity(count);
        CUstream_st s = new CUstream_st(new Raw(stream));
        check(cudart.cuMemcpyDtoHAsync(h, src, bytes, s), "cuMemcpyDtoHAsync", bytes + " bytes");
        check(cudart.cuStreamSynchronize(s), "cuStreamSynchronize", "after cuMemcpyDtoHAsync");
        h.get(dst, offset, count);
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes, long stream) {
        checkOpen();
        if (bytes == 0) return;
        check(cudart.cuMemcpyDtoDAsync(dst, src, bytes, new CUstream_st(new Raw(stream))), "cuMemcpyDtoDAsync", bytes + " bytes");
    }

    @Override
    public long moduleLoad(String moduleName, byte[] image) {
        checkOpen();
        CUmod_st m = new CUmod_st();
        try (BytePointer img = new BytePointer(image.length + 1)) {
            img.put(image, 0, image.length);
            check(cudart.cuModuleLoadData(m, img), "cuModuleLoadData", moduleName + ".fatbin (" + image.length + " bytes) on " + name);
        }
        return m.address();
    }

    @Override
    public void moduleUnload(long module) {
        checkOpen();
        check(cudart.cuModuleUnload(new CUmod_st(new Raw(module))), "cuModuleUnload", "");
    }

    @Override
    public long moduleGetFunction(long module, String kernel) {
        checkOpen();
        CUfunc_st f = new CUfunc_st();
        check(cudart.cuModuleGetFunction(f, new CUmod_st(new Raw(module)), kernel), "cuModuleGetFunction", "kernel " + kernel);
        return f.address();
    }

    @Override
    public void launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes, long stream,
                       Object[] args, String describe) {
        checkOpen();
        try (PointerScope scope = new PointerScope()) {
            PointerPointer<Pointer> params = new PointerPointer<>(args.length);
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                Pointer v;
                if (a instanceof Long l) v = new LongPointer(1).put(l);
                else if (a instanceof Integer n) v = new IntPointer(1).put(n);
                else if (a instanceof Float f) v = new FloatPointer(1).put(f);
                else throw new IllegalArgumentException(describe + ": parameter " + i + " of type " + a.getClass());
                params.put(i, v);
            }
            check(cudart.cuLaunchKernel(new CUfunc_st(new Raw(function)), gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                    new CUstream_st(new Raw(stream)), params, null), "cuLaunchKernel", describe);
        }
    }

    @Override
    public long streamCreate() {
        checkOpen();
        CUstream_st s = new CUstream_st();
        check(cudart.cuStreamCreate(s, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate", "");
        return s.address();
    }

    @Override
    public void streamSynchronize(long stream) {
        checkOpen();
        check(cudart.cuStreamSynchronize(new CUstream_st(new Raw(stream))), "cuStreamSynchronize", "");
    }

    @Override
    public void streamDestroy(long stream) {
        checkOpen();
        check(cudart.cuStreamDestroy(new CUstream_st(new Raw(stream))), "cuStreamDestroy", "");
    }

    @Override
    public long eventCreate() {
        checkOpen();
        CUevent_st e = new CUevent_st();
        check(cudart.cuEventCreate(e, cudart.CU_EVENT_DEFAULT), "cuEventCreate", "");
        return e.address();
    }

    @Override
    public void eventRecord(long event, long stream) {
        checkOpen();
        check(cudart.cuEventRecord(new CUevent_st(new Raw(event)), new CUstream_st(new Raw(stream))), "cuEventRecord", "");
    }

    @Override
    public void streamWaitEvent(long stream, long event) {
        checkOpen();
        check(cudart.cuStreamWaitEvent(new CUstream_st(new Raw(stream)), new CUevent_st(new Raw(event)), 0), "cuStreamWaitEvent", "");
    }

    @Override
    public void eventSynchronize(long event) {
        checkOpen();
        check(cudart.cuEventSynchronize(new CUevent_st(new Raw(event))), "cuEventSynchronize", "");
    }

    @Override
    public float eventElapsedMs(long start, long end) {
        checkOpen();
        float[] ms = new float[1];
        check(cudart.cuEventElapsedTime(ms, new CUevent_st(new Raw(start)), new CUevent_st(new Raw(end))), "cuEventElapsedTime", "");
        return ms[0];
    }

    @Override
    public void eventDestroy(long event) {
        checkOpen();
        check(cudart.cuEventDestroy(new CUevent_st(new Raw(event))), "cuEventDestroy", "");
    }

    @Override
    public void synchronize() {
        checkOpen();
        check(cudart.cuCtxSynchronize(), "cuCtxSynchronize", "");
    }

    private cublasContext blas(long stream) {
        if (blas == null) {
            try {
                Loader.load(cublas.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                throw CudaUnavailableException.missingLibrary(missingLibrary(e, "libcublas.so.13 or libcublasLt.so.13"), e);
            }
            cublasContext h = new cublasContext();
            checkBlas(cublas.cublasCreate_v2(h), "cublasCreate", "");
            blas = h;
        }
        checkBlas(cublas.cublasSetStream_v2(blas, new CUstream_st(new Raw(stream))), "cublasSetStream", "");
        return blas;
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
                                   int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch, GemmPrecision precision,
                                   long stream) {
        checkOpen();
        cublasContext h = blas(stream);
        try (FloatPointer al = new FloatPointer(1).put(alpha); FloatPointer be = new FloatPointer(1).put(beta)) {
            int compute = precision == GemmPrecision.TF32 ? cublas.CUBLAS_COMPUTE_32F_FAST_TF32 : cublas.CUBLAS_COMPUTE_32F;
            int in = precision == GemmPrecision.BF16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_32F;
            checkBlas(cublas.cublasGemmStridedBatchedEx(h, transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                    transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, m, n, k, al, new Raw(a), in, lda, strideA, new Raw(b),
                    in, ldb, strideB, be, new Raw(c), cudart.CUDA_R_32F, ldc, strideC, batch, compute,
                    cublas.CUBLAS_GEMM_DEFAULT), "cublasGemmStridedBatchedEx",
                    "m=" + m + " n=" + n + " k=" + k + " batch=" + batch + " " + precision.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (blas != null) cublas.cublasDestroy_v2(blas);
        if (pinned != null) cudart.cuMemFreeHost(pinned);
        check(cudart.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease", "");
    }
}

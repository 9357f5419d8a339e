package org.umedpt.kernels;

import org.umedpt.kernels.launch.AttentionKernels;
import org.umedpt.kernels.launch.ElementwiseKernels;
import org.umedpt.kernels.launch.Im2colKernels;
import org.umedpt.kernels.launch.LayerNormKernels;
import org.umedpt.kernels.launch.LayoutKernels;
import org.umedpt.kernels.launch.PoolKernels;
import org.umedpt.kernels.launch.ReduceKernels;
import org.umedpt.kernels.launch.ResizeKernels;
import org.umedpt.kernels.launch.SoftmaxKernels;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Backend} on a CUDA device: cuBLAS for GEMM, the kernels of {@code kernels/src/main/cuda}
 * for the rest, with CpuBackend's semantics (the parity reference).
 *
 * <p><b>Staging.</b> Tensors still live in Java arrays (the {@code Tensor} class has no device
 * storage yet), so each primitive uploads its inputs into a device scratch arena, launches, and
 * downloads its outputs; the scratch arena resets after every primitive, and after the first call
 * of the largest size it allocates nothing more. This is correct but bounded by PCIe copies: it
 * checks every kernel against the CPU on real shapes, and it is the thin layer to replace when
 * tensors get device storage (then each method keeps its launcher call and loses its copies).
 *
 * <p>One primitive runs on the CPU backend ({@link #CPU_FALLBACK}): the dropout mask, whose random
 * stream must be the CPU's {@link Rng} (a device generator would give other masks). Fused window
 * attention runs {@code attention.cu}, except the backward of Swin v2's cosine form (no kernel yet)
 * and a backward without a qkv gradient, which go to the CPU. Its dbias is summed with
 * {@code atomicAdd}: not bit-stable from run to run on a GPU, unlike the CPU's.
 *
 * <p>Not thread-safe: one caller drives a backend at a time.
 */
public final class CudaBackend implements Backend {
    /** The primitives that still run on the CPU. */
    public static final List<String> CPU_FALLBACK = List.of("dropoutMask");

    private final CudaContext ctx;
    private final DeviceApi api;
    private final DeviceArena scratch;
    private final CpuBackend cpu;
    private final boolean tf32;
    private boolean closed;

    /**
     * @param ctx  the device (the backend owns it and closes it)
     * @param tf32 use TF32 tensor cores for GEMM (PyTorch's {@code allow_tf32}); off: exact fp32
     */
    public CudaBackend(CudaContext ctx, boolean tf32) {
        this.ctx = ctx;
        this.api = ctx.api();
        this.scratch = new DeviceArena(api, 0);
        this.cpu = new CpuBackend(1);
        this.tf32 = tf32;
    }

    /** Opens device {@code ordinal} through JavaCPP. */
    public static CudaBackend open(int ordinal, boolean tf32, boolean syncAfterLaunch) {
        return new CudaBackend(new CudaContext(JavaCppDeviceApi.open(ordinal), syncAfterLaunch), tf32);
    }

    public CudaContext context() {
        return ctx;
    }

    /** The per-primitive device scratch arena (stats: high water, device allocations). */
    public DeviceArena scratch() {
        return scratch;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int threads() {
        return 1;
    }

    // ------------------------------------------------------------ staging

    /**
     * The device copies of one primitive's tensors. Tensors are keyed by their array and offset, so
     * an output that is also an input ({@code out may be x}) has one device copy.
     */
    private final class Staged implements AutoCloseable {
        private final Map<float[], Map<Integer, Long>> copies = new IdentityHashMap<>();
        private final List<Tensor> writeBack = new ArrayList<>();
        private final List<Long> writeBackPtr = new ArrayList<>();

        private Long known(Tensor t) {
            Map<Integer, Long> m = copies.get(t.data());
            return m == null ? null : m.get(t.offset());
        }

        private long place(Tensor t, boolean upload) {
            Long p = known(t);
            if (p != null) return p;
            long ptr = scratch.allocate((long) t.size() * Float.BYTES).ptr();
            if (upload) api.copyToDevice(ptr, t.data(), t.offset(), t.size(), ctx.stream());
            copies.computeIfAbsent(t.data(), k -> new java.util.HashMap<>()).put(t.offset(), ptr);
            return ptr;
        }

        /** An input (0 for null). */
        long in(Tensor t) {
            return t == null ? 0 : place(t, true);
        }

        /** An output the kernel overwrites fully: not uploaded, downloaded at the end. */
        long out(Tensor t) {
            if (t == null) return 0;
            long p = place(t, false);
            addWriteBack(t, p);
            return p;
        }

        /** An output the kernel reads or only partly writes (accumulate, +=): uploaded and downloaded. */
        long inOut(Tensor t) {
            if (t == null) return 0;
            long p = place(t, true);
            addWriteBack(t, p);
            return p;
        }

        private void addWriteBack(Tensor t, long p) {
            for (Tensor w : writeBack) if (w.data() == t.data() && w.offset() == t.offset()) return;
            writeBack.add(t);
            writeBackPtr.add(p);
        }

        long ints(int[] values) {
            long ptr = scratch.allocate((long) values.length * Integer.BYTES).ptr();
            api.copyToDevice(ptr, values, 0, values.length, ctx.stream());
            return ptr;
        }

        @Override
        public void close() {
            try {
                for (int i = 0; i < writeBack.size(); i++) {
                    Tensor t = writeBack.get(i);
                    api.copyToHost(t.data(), t.offset(), writeBackPtr.get(i), t.size(), ctx.stream());
                }
            } finally {
                scratch.reset();
            }
        }
    }

    private Staged stage() {
        if (closed) throw new IllegalStateException("CudaBackend is closed");
        return new Staged();
    }

    // ------------------------------------------------------------ memory

    @Override
    public void fill(Tensor out, float value) {
        if (out.size() == 0) return;
        try (Staged s = stage()) {
            ElementwiseKernels.fill(ctx, s.out(out), value, out.size());
        }
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long src = s.in(x);
            long dst = s.out(out);
            if (dst != src) api.copyDeviceToDevice(dst, src, (long) x.size() * Float.BYTES, ctx.stream());
        }
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ElementwiseKernels.axpy(ctx, s.inOut(y), alpha, xp, x.size());
        }
    }

    @Override
    public void dropoutMask(Tensor mask, float keep, Rng rng) {
        cpu.dropoutMask(mask, keep, rng);
    }

    // ------------------------------------------------------------ GEMM

    /**
     * Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: cuBLAS gets B first, the sizes
     * (n, m, k) and each matrix's row length as its leading dimension.
     */
    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, int batch, int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                     long strideA, long strideB, long strideC) {
        if (batch == 0 || m == 0 || n == 0) return;
        try (Staged s = stage()) {
            long ap = s.in(a), bp = s.in(b);
            long cp = beta == 0 ? s.out(c) : s.inOut(c);
            if (k == 0) { // cuBLAS leaves C untouched for k = 0 only when beta = 1; be explicit
                if (beta == 0) ElementwiseKernels.fill(ctx, cp, 0f, c.size());
                else ElementwiseKernels.forward(ctx, cp, UnaryOp.SCALE, cp, c.size(), beta);
                return;
            }
            int lda = transA ? m : k, ldb = transB ? k : n;
            api.gemmStridedBatched(transB, transA, n, m, k, alpha, bp, ldb, strideB, ap, lda, strideA, beta, cp, n, strideC, batch, tf32,
                    ctx.stream());
        }
    }

    // ------------------------------------------------------------ elementwise

    @Override
    public void unary(Tensor out, UnaryOp op, Tensor x, float p) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ElementwiseKernels.forward(ctx, s.out(out), op, xp, x.size(), p);
        }
    }

    @Override
    public void unaryBackward(Tensor dX, UnaryOp op, Tensor x, Tensor y, Tensor dY, float p) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x), yp = op.backwardUsesOutput() ? s.in(y) : 0, gp = s.in(dY);
            ElementwiseKernels.backward(ctx, s.inOut(dX), op, xp, yp, gp, x.size(), p);
        }
    }

    @Override
    public void binary(Tensor out, BinaryOp op, Tensor a, Tensor b, int mid, int inner, boolean accumulate) {
        if (a.size() == 0) return;
        try (Staged s = stage()) {
            long ap = s.in(a), bp = s.in(b);
            long op2 = accumulate ? s.inOut(out) : s.out(out);
            ElementwiseKernels.binary(ctx, op2, op, ap, bp, a.size(), mid, inner, accumulate);
        }
    }

    /**
     * NumPy broadcasting in general: out, contiguous over {@code dims}, (=|+=) a[Σ idx·strideA] op
     * b[Σ idx·strideB]; a stride of 0 repeats an operand.
     */
    @Override
    public void binaryStrided(Tensor out, BinaryOp op, Tensor a, Tensor b, int[] dims, int[] strideA, int[] strideB, boolean accumulate) {
        int n = 1;
        for (int d : dims) n *= d;
        if (n == 0) return;
        try (Staged s = stage()) {
            long ap = s.in(a), bp = s.in(b), dp = s.ints(ElementwiseKernels.stridedDims(dims, strideA, strideB));
            long op2 = accumulate ? s.inOut(out) : s.out(out);
            ElementwiseKernels.binaryStrided(ctx, op2, op, ap, bp, dp, n, accumulate);
        }
    }

    @Override
    public void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate) {
        if (mid == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ReduceKernels.reduceToMid(ctx, accumulate ? s.inOut(out) : s.out(out), xp, outer, mid, inner, accumulate);
        }
    }

    // ------------------------------------------------------------ rows

    @Override
    public void sumRows(Tensor out, Tensor x, int rows, int cols, float scale) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ReduceKernels.sumRows(ctx, s.out(out), xp, rows, cols, scale);
        }
    }

    @Override
    public void maxRows(Tensor out, Tensor argmax, Tensor x, int rows, int cols) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ReduceKernels.maxRows(ctx, s.out(out), s.out(argmax), xp, rows, cols);
        }
    }

    @Override
    public void gatherRows(Tensor out, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x), ip = s.in(idx);
            ReduceKernels.gatherRows(ctx, s.out(out), xp, ip, rows, cols, ignoreIndex);
        }
    }

    @Override
    public void scatterRows(Tensor dX, Tensor idx, Tensor dY, int rows, int cols, int ignoreIndex) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long ip = s.in(idx), gp = s.in(dY);
            ReduceKernels.scatterRows(ctx, s.inOut(dX), ip, gp, rows, cols, ignoreIndex);
        }
    }

    @Override
    public void softmaxForward(Tensor y, Tensor x, int rows, int cols, boolean log) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            SoftmaxKernels.forward(ctx, s.out(y), xp, rows, cols, log);
        }
    }

    @Override
    public void softmaxBackward(Tensor dX, Tensor y, Tensor dY, int rows, int cols, boolean log) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long yp = s.in(y), gp = s.in(dY);
            SoftmaxKernels.backward(ctx, s.inOut(dX), yp, gp, rows, cols, log);
        }
    }

    @Override
    public void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x), wp = s.in(w), bp = s.in(b);
            LayerNormKernels.forward(ctx, s.out(y), s.out(mean), s.out(rstd), xp, wp, bp, rows, cols, eps);
        }
    }

    @Override
    public void layerNormBackward(Tensor dX, Tensor dW, Tensor dB, Tensor dY, Tensor x, Tensor mean, Tensor rstd, Tensor w, int rows,
                                  int cols) {
        if (rows == 0) return;
        try (Staged s = stage()) {
            long gp = s.in(dY), xp = s.in(x), mp = s.in(mean), rp = s.in(rstd), wp = s.in(w);
            LayerNormKernels.backward(ctx, s.inOut(dX), s.inOut(dW), s.inOut(dB), gp, xp, mp, rp, wp, rows, cols);
        }
    }

    // ------------------------------------------------------------ attention

    @Override
    public void windowAttentionForward(Tensor o, Tensor p, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int windows, int tokens,
                                       int heads, int headDim, int maskWindows, float scale) {
        if (windows == 0) return;
        try (Staged s = stage()) {
            long qp = s.in(qkv), bp = s.in(bias), mp = mask == null ? 0 : s.in(mask), tp = tau == null ? 0 : s.in(tau);
            AttentionKernels.forward(ctx, s.out(o), s.out(p), qp, bp, mp, tp, windows, heads, tokens, headDim, maskWindows, scale);
        }
    }

    @Override
    public void windowAttentionBackward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor dS, Tensor dO, Tensor p, Tensor qkv, Tensor tau,
                                        int windows, int tokens, int heads, int headDim, float scale) {
        // the kernel is Swin v1's and always writes d(qkv): the cosine form and a qkv without
        // gradient stay on the CPU (dS is scratch either way: the kernel keeps it in shared memory)
        if (tau != null || dQkv == null) {
            cpu.windowAttentionBackward(dQkv, dBias, dTau, dS, dO, p, qkv, tau, windows, tokens, heads, headDim, scale);
            return;
        }
        if (windows == 0) return;
        try (Staged s = stage()) {
            long gp = s.in(dO), pp = s.in(p), qp = s.in(qkv);
            AttentionKernels.backward(ctx, s.inOut(dQkv), dBias == null ? 0 : s.inOut(dBias), gp, pp, qp, windows, heads, tokens, headDim, scale);
        }
    }

    // ------------------------------------------------------------ layout

    @Override
    public void permute(Tensor out, Tensor x, int[] shape, int[] perm, boolean accumulate) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x), dims = s.ints(LayoutKernels.permuteDims(shape, perm));
            LayoutKernels.permute(ctx, accumulate ? s.inOut(out) : s.out(out), xp, dims, x.size(), accumulate);
        }
    }

    @Override
    public void copyBlock(Tensor dst, int dstAxis, int dstStart, Tensor src, int srcAxis, int srcStart, int outer, int len, int inner,
                          boolean accumulate) {
        if ((long) outer * len * inner == 0) return;
        try (Staged s = stage()) {
            long sp = s.in(src);
            // the rest of dst keeps its values: always uploaded
            LayoutKernels.copyBlock(ctx, s.inOut(dst), dstAxis, dstStart, sp, srcAxis, srcStart, outer, len, inner, accumulate);
        }
    }

    @Override
    public void roll(Tensor out, Tensor x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            LayoutKernels.roll(ctx, accumulate ? s.inOut(out) : s.out(out), xp, b, h, w, c, shiftH, shiftW, accumulate);
        }
    }

    @Override
    public void indexSelectRows(Tensor out, Tensor table, Tensor idx, int cols) {
        if (idx.size() == 0) return;
        try (Staged s = stage()) {
            long tp = s.in(table), ip = s.in(idx);
            // out may be larger than idx.size·cols: its other elements keep their values
            long op = out.size() == idx.size() * cols ? s.out(out) : s.inOut(out);
            LayoutKernels.indexSelectRows(ctx, op, tp, ip, idx.size(), cols);
        }
    }

    @Override
    public void indexAddRows(Tensor dTable, Tensor idx, Tensor dY, int cols) {
        if (idx.size() == 0) return;
        try (Staged s = stage()) {
            long ip = s.in(idx), gp = s.in(dY);
            LayoutKernels.indexAddRows(ctx, s.inOut(dTable), ip, gp, idx.size(), cols);
        }
    }

    // ------------------------------------------------------------ images

    @Override
    public void im2col(Tensor cols, Tensor x, ConvGeometry g, int ld, int colOffset) {
        if (x.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            // the columns outside [colOffset, colOffset + n·oh·ow) belong to other maps: keep them
            boolean whole = colOffset == 0 && ld == g.n() * g.oh() * g.ow() && cols.size() == g.patchSize() * ld;
            Im2colKernels.im2col(ctx, whole ? s.out(cols) : s.inOut(cols), xp, g, ld, colOffset);
        }
    }

    @Override
    public void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int ld, int colOffset) {
        if (dX.size() == 0) return;
        try (Staged s = stage()) {
            long cp = s.in(dCols);
            Im2colKernels.col2im(ctx, s.inOut(dX), cp, g, ld, colOffset);
        }
    }

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g) {
        if (y.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            PoolKernels.maxForward(ctx, s.out(y), s.out(argmax), xp, g);
        }
    }

    @Override
    public void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g) {
        if (dX.size() == 0) return;
        try (Staged s = stage()) {
            long ap = s.in(argmax), gp = s.in(dY);
            PoolKernels.maxBackward(ctx, s.inOut(dX), ap, gp, g);
        }
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad) {
        if (y.size() == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            PoolKernels.avgForward(ctx, s.out(y), xp, g, countIncludePad);
        }
    }

    @Override
    public void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad) {
        if (dX.size() == 0) return;
        try (Staged s = stage()) {
            long gp = s.in(dY);
            PoolKernels.avgBackward(ctx, s.inOut(dX), gp, g, countIncludePad);
        }
    }

    @Override
    public void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        if ((long) planes * oh * ow == 0) return;
        try (Staged s = stage()) {
            long xp = s.in(x);
            ResizeKernels.forward(ctx, s.out(y), xp, planes, h, w, oh, ow, bilinear);
        }
    }

    @Override
    public void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        if ((long) planes * oh * ow == 0) return;
        try (Staged s = stage()) {
            long gp = s.in(dY);
            ResizeKernels.backward(ctx, s.inOut(dX), gp, planes, h, w, oh, ow, bilinear);
        }
    }

    // ------------------------------------------------------------ optimizers

    @Override
    public void adamWStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, double beta1, double beta2, float eps, float weightDecay,
                          float bc1, float bc2) {
        if (p.size() == 0) return;
        try (Staged s = stage()) {
            long gp = s.in(g);
            ElementwiseKernels.adamW(ctx, s.inOut(p), gp, s.inOut(m), s.inOut(v), p.size(), lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        }
    }

    /** Frees the scratch arena and closes the device. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            scratch.close();
            cpu.close();
        } finally {
            ctx.close();
        }
    }
}

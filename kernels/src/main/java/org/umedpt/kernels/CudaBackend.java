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
import org.umedpt.kernels.launch.WindowKernels;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.List;

/**
 * The {@link Backend} on a CUDA device: cuBLAS for GEMM, the kernels of {@code kernels/src/main/cuda}
 * for the rest, with CpuBackend's semantics (the parity reference).
 *
 * <p><b>Memory.</b> Tensors stay on the device between primitives ({@link DeviceMemory}): a
 * primitive asks for its inputs' device addresses (uploaded only if host code changed them since)
 * and its outputs' (marked newer than the host copy); host code that reads a tensor downloads it
 * then. All launches and copies are on one stream, so a primitive returns before its kernel ends.
 *
 * <p>One primitive runs on the CPU backend ({@link #CPU_FALLBACK}): the dropout mask, whose random
 * stream must be the CPU's {@link Rng} (a device generator would give other masks). Fused window
 * attention runs {@code attention.cu}, v1 and v2 (cosine) forward and backward; only a backward
 * without a qkv gradient goes to the CPU. Its dbias is summed with {@code atomicAdd}: not
 * bit-stable from run to run on a GPU, unlike the CPU's (dτ is: summed over windows in order).
 *
 * <p>Not thread-safe: one caller drives a backend at a time.
 */
public final class CudaBackend implements Backend {
    /** The primitives that still run on the CPU. */
    public static final List<String> CPU_FALLBACK = List.of("dropoutMask");

    private final CudaContext ctx;
    private final DeviceApi api;
    private final DeviceMemory mem;
    private final CpuBackend cpu;
    private final GemmPrecision precision;
    private boolean closed;

    /**
     * @param ctx  the device (the backend owns it and closes it)
     * @param tf32 use TF32 tensor cores for GEMM (PyTorch's {@code allow_tf32}); off: exact fp32
     */
    public CudaBackend(CudaContext ctx, boolean tf32) {
        this(ctx, tf32 ? GemmPrecision.TF32 : GemmPrecision.FP32);
    }

    /**
     * @param ctx       the device (the backend owns it and closes it)
     * @param precision how GEMMs multiply (everything else is fp32)
     */
    public CudaBackend(CudaContext ctx, GemmPrecision precision) {
        this.ctx = ctx;
        this.api = ctx.api();
        this.mem = new DeviceMemory(api, ctx.stream());
        this.cpu = new CpuBackend(1);
        this.precision = precision;
    }

    /** Opens device {@code ordinal} through JavaCPP. */
    public static CudaBackend open(int ordinal, GemmPrecision precision, boolean syncAfterLaunch) {
        return new CudaBackend(new CudaContext(JavaCppDeviceApi.open(ordinal), syncAfterLaunch), precision);
    }

    public GemmPrecision precision() {
        return precision;
    }

    public CudaContext context() {
        return ctx;
    }

    /** Device allocations, reserved bytes and host↔device traffic so far. */
    public DeviceMemory.Stats memoryStats() {
        return mem.stats();
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int threads() {
        return 1;
    }

    // ------------------------------------------------------------ memory

    @Override
    public void fill(Tensor out, float value) {
        mem.begin();
        if (out.size() == 0) return;
        ElementwiseKernels.fill(ctx, mem.write(out, true), value, out.size());
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        mem.begin();
        if (x.size() == 0) return;
        long src = mem.read(x);
        long dst = mem.write(out, true);
        if (dst != src) api.copyDeviceToDevice(dst, src, (long) x.size() * Float.BYTES, ctx.stream());
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x);
        ElementwiseKernels.axpy(ctx, mem.write(y, false), alpha, xp, x.size());
    }

    @Override
    public void dropoutMask(Tensor mask, float keep, Rng rng) {
        mem.begin();
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
        mem.begin();
        if (batch == 0 || m == 0 || n == 0) return;
        long ap = mem.read(a), bp = mem.read(b);
        long cp = beta == 0 ? mem.write(c, true) : mem.write(c, false);
        if (k == 0) { // cuBLAS leaves C untouched for k = 0 only when beta = 1; be explicit
            if (beta == 0) ElementwiseKernels.fill(ctx, cp, 0f, c.size());
            else ElementwiseKernels.forward(ctx, cp, UnaryOp.SCALE, cp, c.size(), beta);
            return;
        }
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (precision == GemmPrecision.BF16) { // bf16 copies of both operands, at the same element offsets
            long a16 = mem.scratch(0, (long) a.size() * 2), b16 = mem.scratch(1, (long) b.size() * 2);
            ElementwiseKernels.toBf16(ctx, a16, ap, a.size());
            ElementwiseKernels.toBf16(ctx, b16, bp, b.size());
            ap = a16;
            bp = b16;
        }
        api.gemmStridedBatched(transB, transA, n, m, k, alpha, bp, ldb, strideB, ap, lda, strideA, beta, cp, n, strideC, batch, precision,
                ctx.stream());
    }

    // ------------------------------------------------------------ elementwise

    @Override
    public void unary(Tensor out, UnaryOp op, Tensor x, float p) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x);
        ElementwiseKernels.forward(ctx, mem.write(out, true), op, xp, x.size(), p);
    }

    @Override
    public void unaryBackward(Tensor dX, UnaryOp op, Tensor x, Tensor y, Tensor dY, float p) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x), yp = op.backwardUsesOutput() ? mem.read(y) : 0, gp = mem.read(dY);
        ElementwiseKernels.backward(ctx, mem.write(dX, false), op, xp, yp, gp, x.size(), p);
    }

    @Override
    public void binary(Tensor out, BinaryOp op, Tensor a, Tensor b, int mid, int inner, boolean accumulate) {
        mem.begin();
        if (a.size() == 0) return;
        long ap = mem.read(a), bp = mem.read(b);
        long op2 = accumulate ? mem.write(out, false) : mem.write(out, true);
        ElementwiseKernels.binary(ctx, op2, op, ap, bp, a.size(), mid, inner, accumulate);
    }

    /**
     * NumPy broadcasting in general: out, contiguous over {@code dims}, (=|+=) a[Σ idx·strideA] op
     * b[Σ idx·strideB]; a stride of 0 repeats an operand.
     */
    @Override
    public void binaryStrided(Tensor out, BinaryOp op, Tensor a, Tensor b, int[] dims, int[] strideA, int[] strideB, boolean accumulate) {
        mem.begin();
        int n = 1;
        for (int d : dims) n *= d;
        if (n == 0) return;
        long ap = mem.read(a), bp = mem.read(b), dp = mem.table(ElementwiseKernels.stridedDims(dims, strideA, strideB));
        long op2 = accumulate ? mem.write(out, false) : mem.write(out, true);
        ElementwiseKernels.binaryStrided(ctx, op2, op, ap, bp, dp, n, accumulate);
    }

    @Override
    public void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate) {
        mem.begin();
        if (mid == 0) return;
        long xp = mem.read(x);
        ReduceKernels.reduceToMid(ctx, accumulate ? mem.write(out, false) : mem.write(out, true), xp, outer, mid, inner, accumulate);
    }

    // ------------------------------------------------------------ rows

    @Override
    public void sumRows(Tensor out, Tensor x, int rows, int cols, float scale) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x);
        ReduceKernels.sumRows(ctx, mem.write(out, true), xp, rows, cols, scale);
    }

    @Override
    public void maxRows(Tensor out, Tensor argmax, Tensor x, int rows, int cols) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x);
        ReduceKernels.maxRows(ctx, mem.write(out, true), mem.write(argmax, true), xp, rows, cols);
    }

    @Override
    public void gatherRows(Tensor out, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x), ip = mem.read(idx);
        ReduceKernels.gatherRows(ctx, mem.write(out, true), xp, ip, rows, cols, ignoreIndex);
    }

    @Override
    public void scatterRows(Tensor dX, Tensor idx, Tensor dY, int rows, int cols, int ignoreIndex) {
        mem.begin();
        if (rows == 0) return;
        long ip = mem.read(idx), gp = mem.read(dY);
        ReduceKernels.scatterRows(ctx, mem.write(dX, false), ip, gp, rows, cols, ignoreIndex);
    }

    @Override
    public void softmaxForward(Tensor y, Tensor x, int rows, int cols, boolean log) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x);
        SoftmaxKernels.forward(ctx, mem.write(y, true), xp, rows, cols, log);
    }

    @Override
    public void softmaxBackward(Tensor dX, Tensor y, Tensor dY, int rows, int cols, boolean log) {
        mem.begin();
        if (rows == 0) return;
        long yp = mem.read(y), gp = mem.read(dY);
        SoftmaxKernels.backward(ctx, mem.write(dX, false), yp, gp, rows, cols, log);
    }

    @Override
    public void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x), wp = mem.read(w), bp = mem.read(b);
        LayerNormKernels.forward(ctx, mem.write(y, true), mem.write(mean, true), mem.write(rstd, true), xp, wp, bp, rows, cols, eps);
    }

    @Override
    public void layerNormResidualForward(Tensor y, Tensor sum, Tensor mean, Tensor rstd, Tensor x, Tensor r, Tensor w, Tensor b, int rows,
                                         int cols, float eps) {
        mem.begin();
        if (rows == 0) return;
        long xp = mem.read(x), rp = mem.read(r), wp = mem.read(w), bp = mem.read(b);
        LayerNormKernels.residualForward(ctx, mem.write(y, true), mem.write(sum, true), mem.write(mean, true), mem.write(rstd, true), xp, rp, wp,
                bp, rows, cols, eps);
    }

    @Override
    public void layerNormBackward(Tensor dX, Tensor dW, Tensor dB, Tensor dY, Tensor x, Tensor mean, Tensor rstd, Tensor w, int rows,
                                  int cols) {
        mem.begin();
        if (rows == 0) return;
        long gp = mem.read(dY), xp = mem.read(x), mp = mem.read(mean), rp = mem.read(rstd), wp = mem.read(w);
        LayerNormKernels.backward(ctx, mem.write(dX, false), mem.write(dW, false), mem.write(dB, false), gp, xp, mp, rp, wp, rows, cols);
    }

    // ------------------------------------------------------------ attention

    @Override
    public void windowAttentionForward(Tensor o, Tensor p, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int windows, int tokens,
                                       int heads, int headDim, int maskWindows, float scale) {
        mem.begin();
        if (windows == 0) return;
        long qp = mem.read(qkv), bp = mem.read(bias), mp = mask == null ? 0 : mem.read(mask), tp = tau == null ? 0 : mem.read(tau);
        AttentionKernels.forward(ctx, mem.write(o, true), mem.write(p, true), qp, bp, mp, tp, windows, heads, tokens, headDim, maskWindows, scale);
    }

    @Override
    public void windowAttentionBackward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor tauTerms, Tensor dO, Tensor p, Tensor qkv, Tensor tau,
                                        int windows, int tokens, int heads, int headDim, float scale) {
        mem.begin();
        // the kernels always write d(qkv): a qkv without gradient (never the case in a model) stays on
        // the CPU. The kernels keep ds in shared memory; the cosine one leaves its per-(window, head)
        // dτ terms in tauTerms, summed over windows in a fixed order (a deterministic dτ)
        if (dQkv == null) {
            cpu.windowAttentionBackward(dQkv, dBias, dTau, tauTerms, dO, p, qkv, tau, windows, tokens, heads, headDim, scale);
            return;
        }
        if (windows == 0) return;
        if (tau != null) {
            long gp = mem.read(dO), pp = mem.read(p), qp = mem.read(qkv), tp = mem.read(tau);
            long terms = dTau == null ? 0 : mem.write(tauTerms, true);
            AttentionKernels.cosineBackward(ctx, mem.write(dQkv, false), dBias == null ? 0 : mem.write(dBias, false), terms, gp, pp, qp, tp,
                    windows, heads, tokens, headDim);
            if (dTau != null) ReduceKernels.reduceToMid(ctx, mem.write(dTau, false), terms, windows, heads, 1, true);
            return;
        }
        long gp = mem.read(dO), pp = mem.read(p), qp = mem.read(qkv);
        AttentionKernels.backward(ctx, mem.write(dQkv, false), dBias == null ? 0 : mem.write(dBias, false), gp, pp, qp, windows, heads, tokens, headDim, scale);
    }

    // ------------------------------------------------------------ layout

    @Override
    public void permute(Tensor out, Tensor x, int[] shape, int[] perm, boolean accumulate) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x), dims = mem.table(LayoutKernels.permuteDims(shape, perm));
        LayoutKernels.permute(ctx, accumulate ? mem.write(out, false) : mem.write(out, true), xp, dims, x.size(), accumulate);
    }

    @Override
    public void copyBlock(Tensor dst, int dstAxis, int dstStart, Tensor src, int srcAxis, int srcStart, int outer, int len, int inner,
                          boolean accumulate) {
        mem.begin();
        if ((long) outer * len * inner == 0) return;
        long sp = mem.read(src);
        // the rest of dst keeps its values: always uploaded
        LayoutKernels.copyBlock(ctx, mem.write(dst, false), dstAxis, dstStart, sp, srcAxis, srcStart, outer, len, inner, accumulate);
    }

    @Override
    public void roll(Tensor out, Tensor x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x);
        LayoutKernels.roll(ctx, accumulate ? mem.write(out, false) : mem.write(out, true), xp, b, h, w, c, shiftH, shiftW, accumulate);
    }

    @Override
    public void windowPartition(Tensor out, Tensor x, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                                boolean accumulate) {
        mem.begin();
        if (out.size() == 0) return;
        long xp = mem.read(x);
        WindowKernels.partition(ctx, mem.write(out, !accumulate), xp, b, h, w, c, window, shiftH, shiftW, padH, padW, accumulate);
    }

    @Override
    public void windowReverse(Tensor x, Tensor windows, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                              boolean accumulate) {
        mem.begin();
        if (x.size() == 0) return;
        long wp = mem.read(windows);
        WindowKernels.reverse(ctx, mem.write(x, !accumulate), wp, b, h, w, c, window, shiftH, shiftW, padH, padW, accumulate);
    }

    @Override
    public void indexSelectRows(Tensor out, Tensor table, Tensor idx, int cols) {
        mem.begin();
        if (idx.size() == 0) return;
        long tp = mem.read(table), ip = mem.read(idx);
        // out may be larger than idx.size·cols: its other elements keep their values
        long op = out.size() == idx.size() * cols ? mem.write(out, true) : mem.write(out, false);
        LayoutKernels.indexSelectRows(ctx, op, tp, ip, idx.size(), cols);
    }

    @Override
    public void indexAddRows(Tensor dTable, Tensor idx, Tensor dY, int cols) {
        mem.begin();
        if (idx.size() == 0) return;
        long ip = mem.read(idx), gp = mem.read(dY);
        LayoutKernels.indexAddRows(ctx, mem.write(dTable, false), ip, gp, idx.size(), cols);
    }

    // ------------------------------------------------------------ images

    @Override
    public void im2col(Tensor cols, Tensor x, ConvGeometry g, int ld, int colOffset) {
        mem.begin();
        if (x.size() == 0) return;
        long xp = mem.read(x);
        // the columns outside [colOffset, colOffset + n·oh·ow) belong to other maps: keep them
        boolean whole = colOffset == 0 && ld == g.n() * g.oh() * g.ow() && cols.size() == g.patchSize() * ld;
        Im2colKernels.im2col(ctx, whole ? mem.write(cols, true) : mem.write(cols, false), xp, g, ld, colOffset);
    }

    @Override
    public void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int ld, int colOffset) {
        mem.begin();
        if (dX.size() == 0) return;
        long cp = mem.read(dCols);
        Im2colKernels.col2im(ctx, mem.write(dX, false), cp, g, ld, colOffset);
    }

    @Override
    public void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g) {
        mem.begin();
        if (y.size() == 0) return;
        long xp = mem.read(x);
        PoolKernels.maxForward(ctx, mem.write(y, true), mem.write(argmax, true), xp, g);
    }

    @Override
    public void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g) {
        mem.begin();
        if (dX.size() == 0) return;
        long ap = mem.read(argmax), gp = mem.read(dY);
        PoolKernels.maxBackward(ctx, mem.write(dX, false), ap, gp, g);
    }

    @Override
    public void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad) {
        mem.begin();
        if (y.size() == 0) return;
        long xp = mem.read(x);
        PoolKernels.avgForward(ctx, mem.write(y, true), xp, g, countIncludePad);
    }

    @Override
    public void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad) {
        mem.begin();
        if (dX.size() == 0) return;
        long gp = mem.read(dY);
        PoolKernels.avgBackward(ctx, mem.write(dX, false), gp, g, countIncludePad);
    }

    @Override
    public void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        mem.begin();
        if ((long) planes * oh * ow == 0) return;
        long xp = mem.read(x);
        ResizeKernels.forward(ctx, mem.write(y, true), xp, planes, h, w, oh, ow, bilinear);
    }

    @Override
    public void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear) {
        mem.begin();
        if ((long) planes * oh * ow == 0) return;
        long gp = mem.read(dY);
        ResizeKernels.backward(ctx, mem.write(dX, false), gp, planes, h, w, oh, ow, bilinear);
    }

    // ------------------------------------------------------------ optimizers

    @Override
    public void adamWStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, double beta1, double beta2, float eps, float weightDecay,
                          float bc1, float bc2) {
        mem.begin();
        if (p.size() == 0) return;
        long gp = mem.read(g);
        ElementwiseKernels.adamW(ctx, mem.write(p, false), gp, mem.write(m, false), mem.write(v, false), p.size(), lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }

    /** Every parameter in one launch: the pointer and offset tables are cached by content (parameters never move); the decays follow lr. */
    @Override
    public void adamWStepAll(Tensor[] p, Tensor[] g, Tensor[] m, Tensor[] v, float lr, double beta1, double beta2, float eps,
                             float[] weightDecay, float bc1, float bc2) {
        mem.begin();
        int t = p.length;
        long[] pp = new long[t], gp = new long[t], mp = new long[t], vp = new long[t];
        int[] sizes = new int[t];
        float[] decay = new float[t];
        for (int i = 0; i < t; i++) {
            gp[i] = mem.read(g[i]);
            pp[i] = mem.write(p[i], false);
            mp[i] = mem.write(m[i], false);
            vp[i] = mem.write(v[i], false);
            sizes[i] = p[i].size();
            decay[i] = 1 - lr * weightDecay[i]; // as CpuBackend rounds it
        }
        int[] starts = ElementwiseKernels.starts(sizes);
        int n = starts[t];
        if (n == 0) return;
        long table = mem.table(ElementwiseKernels.pointerTable(pp, gp, mp, vp)), st = mem.table(starts), dc = mem.perCall(decay);
        ElementwiseKernels.adamWMulti(ctx, table, st, dc, n, t, lr, beta1, beta2, eps, bc1, bc2);
    }

    /**
     * Brings heap tensors whose newest values are on the device back to the host, frees device
     * memory and closes the device. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            mem.close();
        } finally {
            try {
                cpu.close();
            } finally {
                ctx.close();
            }
        }
    }
}

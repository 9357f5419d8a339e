package org.umedpt.kernels.launch;

import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.UnaryOp;

/** Launchers of {@code elementwise.cu}; arguments are device pointers and sizes, outputs first. */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    static final String FILE = "elementwise";
    public static final Kernel FILL = new Kernel(FILE, "fill_forward", "pfi");
    public static final Kernel AXPY = new Kernel(FILE, "axpy_forward", "pfpi");
    public static final Kernel UNARY = new Kernel(FILE, "unary_forward", "ppiif");
    public static final Kernel UNARY_BACKWARD = new Kernel(FILE, "unary_backward", "ppppiif");
    public static final Kernel BINARY = new Kernel(FILE, "binary_forward", "pppiiiii");
    public static final Kernel BINARY_STRIDED = new Kernel(FILE, "binary_strided", "ppppiii");
    public static final Kernel ADAMW = new Kernel(FILE, "adamw_step", "ppppiffffffff");
    public static final Kernel ADAMW_MULTI = new Kernel(FILE, "adamw_multi", "pppiifffffff");
    public static final Kernel TO_BF16 = new Kernel(FILE, "to_bf16", "ppi");

    /** out (n bf16 bit patterns) = x (n) rounded to nearest even: the bf16 GEMM's inputs. */
    public static void toBf16(Launcher l, long out, long x, int n) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(TO_BF16).ptr(out).ptr(x).i(n));
    }

    /** out[i] = value. out (n) */
    public static void fill(Launcher l, long out, float value, int n) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(FILL).ptr(out).f(value).i(n));
    }

    /** y += alpha·x. y, x (n) */
    public static void axpy(Launcher l, long y, float alpha, long x, int n) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(AXPY).ptr(y).f(alpha).ptr(x).i(n));
    }

    /** out = f(x, p). out, x (n); out may be x */
    public static void forward(Launcher l, long out, UnaryOp op, long x, int n, float p) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(UNARY).ptr(out).ptr(x).i(n).i(op.ordinal()).f(p));
    }

    /** dX += dY·f'(x, y). y may be 0 unless op.backwardUsesOutput() */
    public static void backward(Launcher l, long dX, UnaryOp op, long x, long y, long dY, int n, float p) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(UNARY_BACKWARD).ptr(dX).ptr(x).ptr(y).ptr(dY).i(n).i(op.ordinal()).f(p));
    }

    /** out[i] (=|+=) a[i] op b[(i / inner) mod mid]. a, out (n); b (mid) */
    public static void binary(Launcher l, long out, BinaryOp op, long a, long b, int n, int mid, int inner, boolean accumulate) {
        l.launch(LaunchConfig.elementwise(n),
                KernelArgs.of(BINARY).ptr(out).ptr(a).ptr(b).i(n).i(mid).i(inner).i(op.ordinal()).i(accumulate));
    }

    /** The binary_strided kernel's {@code dims} array: {@code [rank, dims…, strideA…, strideB…]}, to copy to the device. */
    public static int[] stridedDims(int[] dims, int[] strideA, int[] strideB) {
        if (dims.length > 8) throw new IllegalArgumentException("binaryStrided: rank " + dims.length + " above 8");
        int r = dims.length;
        int[] d = new int[1 + 3 * r];
        d[0] = r;
        System.arraycopy(dims, 0, d, 1, r);
        System.arraycopy(strideA, 0, d, 1 + r, r);
        System.arraycopy(strideB, 0, d, 1 + 2 * r, r);
        return d;
    }

    /** out (n, contiguous over dims) (=|+=) a[Σ idx·strideA] op b[Σ idx·strideB]; dims from {@link #stridedDims} on the device. */
    public static void binaryStrided(Launcher l, long out, BinaryOp op, long a, long b, long dims, int n, boolean accumulate) {
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(BINARY_STRIDED).ptr(out).ptr(a).ptr(b).ptr(dims).i(n).i(op.ordinal()).i(accumulate));
    }

    /** One AdamW step in place (see Backend.adamWStep); c1 = 1 − β1 and c2 = 1 − β2 are computed in double. */
    public static void adamW(Launcher l, long p, long g, long m, long v, int n, float lr, double beta1, double beta2, float eps,
                             float weightDecay, float bc1, float bc2) {
        float decay = 1 - lr * weightDecay, stepSize = lr / bc1, sqrtBc2 = (float) Math.sqrt(bc2);
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(ADAMW).ptr(p).ptr(g).ptr(m).ptr(v).i(n).f((float) beta1).f((float) beta2)
                .f((float) (1 - beta1)).f((float) (1 - beta2)).f(decay).f(stepSize).f(sqrtBc2).f(eps));
    }

    /**
     * The pointer table of {@link #adamWMulti} as ints (little-endian halves of each 64-bit device
     * pointer), to copy to the device: p of every tensor, then every g, m, v.
     */
    public static int[] pointerTable(long[] p, long[] g, long[] m, long[] v) {
        int t = p.length;
        int[] out = new int[8 * t];
        long[][] all = {p, g, m, v};
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < t; i++) {
                long a = all[k][i];
                out[2 * (k * t + i)] = (int) a;
                out[2 * (k * t + i) + 1] = (int) (a >>> 32);
            }
        }
        return out;
    }

    /** starts (T+1): element offsets of the tensors in their concatenation. */
    public static int[] starts(int[] sizes) {
        int[] s = new int[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) s[i + 1] = Math.addExact(s[i], sizes[i]);
        return s;
    }

    /**
     * AdamW over {@code count} tensors in one launch (the multi-tensor step): {@code table} from
     * {@link #pointerTable}, {@code starts} from {@link #starts} and {@code decay} (count floats,
     * each tensor's 1 − lr·wd) on the device; n = starts[count]. The adamWStepAll primitive.
     */
    public static void adamWMulti(Launcher l, long table, long starts, long decay, int n, int count, float lr, double beta1, double beta2,
                                  float eps, float bc1, float bc2) {
        float stepSize = lr / bc1, sqrtBc2 = (float) Math.sqrt(bc2);
        l.launch(LaunchConfig.elementwise(n), KernelArgs.of(ADAMW_MULTI).ptr(table).ptr(starts).ptr(decay).i(n).i(count).f((float) beta1)
                .f((float) beta2).f((float) (1 - beta1)).f((float) (1 - beta2)).f(stepSize).f(sqrtBc2).f(eps));
    }
}

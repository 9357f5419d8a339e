package org.umedpt.kernels.launch;

/**
 * Launcher of {@code attention.cu}: the fused window attention forward. Not a Backend primitive
 * yet (the CPU composes GEMMs and softmax); ready for the fused Swin block.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    static final String FILE = "attention";
    public static final Kernel FORWARD = new Kernel(FILE, "window_attention_forward", "pppppiiiiif");
    static final int WARPS = 4;

    /** Dynamic shared memory of a launch: k (n·(d+1)), v (n·d), and per warp a q row and a p row. */
    static int sharedBytes(int n, int d) {
        return Float.BYTES * (n * (2 * d + 1) + WARPS * (d + n));
    }

    /**
     * out (bw, n, heads, d) = softmax(q·kᵀ·scale + bias + mask)·v from qkv (bw, n, 3, heads, d);
     * bias (heads, n, n), mask (nw, n, n) and probs (bw, heads, n, n, written) may be 0.
     */
    public static void forward(Launcher l, long out, long probs, long qkv, long bias, long mask, int bw, int heads, int n, int d, int nw,
                               float scale) {
        LaunchConfig c = new LaunchConfig(bw * heads, 1, 1, 32 * WARPS, 1, 1, sharedBytes(n, d));
        l.launch(c, KernelArgs.of(FORWARD).ptr(out).ptr(probs).ptr(qkv).ptr(bias).ptr(mask).i(bw).i(heads).i(n).i(d).i(Math.max(nw, 1)).f(scale));
    }
}

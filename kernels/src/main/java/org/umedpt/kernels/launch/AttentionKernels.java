package org.umedpt.kernels.launch;

/**
 * Launchers of {@code attention.cu}: the fused window attention forward and backward (the
 * {@code windowAttentionForward/Backward} primitives), Swin v1's scaled dot product and v2's cosine form.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    static final String FILE = "attention";
    public static final Kernel FORWARD = new Kernel(FILE, "window_attention_forward", "ppppppiiiiif");
    public static final Kernel BACKWARD = new Kernel(FILE, "window_attention_backward", "pppppiiiif");
    public static final Kernel COSINE_BACKWARD = new Kernel(FILE, "window_attention_cosine_backward", "pppppppiiii");
    static final int WARPS = 4;

    /** The dynamic shared memory a launch gets without opting in to more (cuFuncSetAttribute). */
    static final int SHARED_LIMIT = 48 * 1024;

    /** {@code bytes}, or a clear error where the kernel keeps more than a block may have. */
    static int fits(int bytes, String what, int n, int d) {
        if (bytes > SHARED_LIMIT) {
            throw new IllegalArgumentException("window attention " + what + ": " + n + " tokens per window with head dim " + d + " needs "
                    + (bytes + 1023) / 1024 + " KB of shared memory per block, more than the " + SHARED_LIMIT / 1024
                    + " KB of a launch; the CUDA kernels take Swin's windows (7x7 for v1, 8x8 for v2) at head dim 32");
        }
        return bytes;
    }

    /** Dynamic shared memory of a launch: k (n·(d+1)), v (n·d), and per warp a q row and a p row. */
    static int sharedBytes(int n, int d) {
        return Float.BYTES * (n * (2 * d + 1) + WARPS * (d + n));
    }

    /** Dynamic shared memory of a backward launch: k and v (n·(d+1) each), ds (n·(n+1)), a dout row per warp. */
    static int backwardSharedBytes(int n, int d) {
        return Float.BYTES * (2 * n * (d + 1) + n * (n + 1) + WARPS * d);
    }

    /** Dynamic shared memory of a cosine backward launch: k̂ and v, ds, the row norms, per warp three rows and a partial. */
    static int cosineBackwardSharedBytes(int n, int d) {
        return Float.BYTES * (2 * n * (d + 1) + n * (n + 1) + 2 * n + WARPS * (3 * d + 1));
    }

    /**
     * out (bw, n, heads, d) = softmax(q·kᵀ·scale + bias + mask)·v from qkv (bw, n, 3, heads, d);
     * bias (heads, n, n), mask (nw, n, n) and probs (bw, heads, n, n, written) may be 0. With
     * {@code logitScale} (heads; exp of the clamped logit scale) it is Swin v2's cosine attention,
     * softmax(q̂·k̂ᵀ·logitScale[h] + bias + mask)·v, and {@code scale} is unused; 0 for v1.
     */
    public static void forward(Launcher l, long out, long probs, long qkv, long bias, long mask, long logitScale, int bw, int heads, int n,
                               int d, int nw, float scale) {
        LaunchConfig c = new LaunchConfig(bw * heads, 1, 1, 32 * WARPS, 1, 1, fits(sharedBytes(n, d), "forward", n, d));
        l.launch(c, KernelArgs.of(FORWARD).ptr(out).ptr(probs).ptr(qkv).ptr(bias).ptr(mask).ptr(logitScale).i(bw).i(heads).i(n).i(d)
                .i(Math.max(nw, 1)).f(scale));
    }

    /**
     * dqkv (bw, n, 3, heads, d) += the gradient of {@link #forward}'s output given dout (bw, n, heads, d)
     * and the forward's saved probs; dbias (heads, n, n) += its gradient (may be 0).
     */
    public static void backward(Launcher l, long dqkv, long dbias, long dout, long probs, long qkv, int bw, int heads, int n, int d,
                                float scale) {
        LaunchConfig c = new LaunchConfig(bw * heads, 1, 1, 32 * WARPS, 1, 1, fits(backwardSharedBytes(n, d), "backward", n, d));
        l.launch(c, KernelArgs.of(BACKWARD).ptr(dqkv).ptr(dbias).ptr(dout).ptr(probs).ptr(qkv).i(bw).i(heads).i(n).i(d).f(scale));
    }

    /**
     * The cosine form's backward: dqkv += the gradient given dout and the saved probs, dbias += its
     * gradient (may be 0), tauTerms (bw·heads, may be 0) = each (window, head)'s Σ ds ∘ q̂k̂ᵀ, to be
     * summed over windows into dτ by the caller; tau (heads) is the forward's logitScale.
     */
    public static void cosineBackward(Launcher l, long dqkv, long dbias, long tauTerms, long dout, long probs, long qkv, long tau, int bw,
                                      int heads, int n, int d) {
        LaunchConfig c = new LaunchConfig(bw * heads, 1, 1, 32 * WARPS, 1, 1, fits(cosineBackwardSharedBytes(n, d), "cosine backward", n, d));
        l.launch(c, KernelArgs.of(COSINE_BACKWARD).ptr(dqkv).ptr(dbias).ptr(tauTerms).ptr(dout).ptr(probs).ptr(qkv).ptr(tau).i(bw).i(heads)
                .i(n).i(d));
    }
}

package org.umedpt.tensor;

/**
 * The closed list of primitives every backend implements. Autograd ops ({@code tensor.autograd}) are
 * written once on top of these; a backend never sees a graph.
 *
 * <p>Conventions (llm.c order): outputs come first. A method whose output is a gradient named
 * {@code dX} <b>accumulates</b> ({@code +=}); every other output is <b>overwritten</b>, unless an
 * {@code accumulate} flag says otherwise. Shapes are passed explicitly as the kernel sees them
 * ({@code rows, cols} for last-dim ops; NCHW for images; {@code (outer, mid, inner)} for broadcasts),
 * and callers have validated them: backends do not re-check.
 *
 * <p>To add a primitive: justify it (an op that cannot be composed well from these), implement it in
 * every backend, and add it to the backend parity tests. See {@code package-info.java}.
 */
public interface Backend extends AutoCloseable {

    String name();

    /** Worker threads this backend uses. */
    int threads();

    // ------------------------------------------------------------ memory

    void fill(Tensor out, float value);

    /** out = x (same size). */
    void copy(Tensor out, Tensor x);

    /** y += alpha · x (same size). */
    void axpy(Tensor y, float alpha, Tensor x);

    /** Fills {@code mask} with 1/keep where a uniform draw is below {@code keep}, else 0 (inverted dropout). */
    void dropoutMask(Tensor mask, float keep, Rng rng);

    // ------------------------------------------------------------ GEMM

    /**
     * Batched strided GEMM: for each b in [0, batch),
     * {@code C_b = alpha · op(A_b) · op(B_b) + beta · C_b}, C_b (m, n), op(A_b) (m, k), op(B_b) (k, n),
     * where {@code op(X) = Xᵀ} when the flag is set (A then stored (k, m), B stored (n, k)).
     * {@code X_b} starts {@code b · strideX} elements into X; a stride of 0 broadcasts A or B.
     * With beta = 0, C is not read (NaNs in it do not propagate).
     */
    void gemm(Tensor c, Tensor a, Tensor b, int batch, int m, int n, int k, boolean transA, boolean transB,
              float alpha, float beta, long strideA, long strideB, long strideC);

    /**
     * The fully connected layer's product: {@code C = op(A)·op(B) + bias}, C (m, n), bias (n) added to
     * every row (or null). A backend may add the bias as the product's tiles are written instead of
     * in a second pass over C; the result equals {@code gemm} then {@code binary(ADD)}.
     */
    default void gemmBias(Tensor c, Tensor a, Tensor b, Tensor bias, int m, int n, int k, boolean transA, boolean transB) {
        gemm(c, a, b, 1, m, n, k, transA, transB, 1f, 0f, 0, 0, 0);
        if (bias != null) binary(c, BinaryOp.ADD, c, bias, n, 1, false);
    }

    // ------------------------------------------------------------ elementwise

    /** out = f(x) (out may be x). */
    void unary(Tensor out, UnaryOp op, Tensor x, float p);

    /** dX += dY · f'(x); y = f(x) is passed when {@link UnaryOp#backwardUsesOutput()}, else may be null. */
    void unaryBackward(Tensor dX, UnaryOp op, Tensor x, Tensor y, Tensor dY, float p);

    /**
     * out[i] (=|+=) a[i] op b[j], over {@code a}'s elements laid out as (outer, mid, inner) with
     * j = (i / inner) mod mid. Equal shapes: mid = size, inner = 1; scalar b: mid = 1;
     * last-dim vector: mid = C, inner = 1; per-channel of NCHW: mid = C, inner = H·W. out may be a.
     */
    void binary(Tensor out, BinaryOp op, Tensor a, Tensor b, int mid, int inner, boolean accumulate);

    /**
     * NumPy broadcasting in general: out, contiguous with the (merged) axes {@code dims}, (=|+=)
     * a[Σ idx·strideA] op b[Σ idx·strideB]; a stride of 0 repeats an operand along that axis (e.g.
     * (3, 1) + (1, 4): dims (3, 4), strideA (1, 0), strideB (0, 1)). For what {@link #binary}
     * cannot express: two-sided broadcasts and operands with gaps.
     */
    void binaryStrided(Tensor out, BinaryOp op, Tensor a, Tensor b, int[] dims, int[] strideA, int[] strideB, boolean accumulate);

    /** out[m] (=|+=) Σ over o, i of x[o, m, i] — the adjoint of a broadcast. */
    void reduceToMid(Tensor out, Tensor x, int outer, int mid, int inner, boolean accumulate);

    // ------------------------------------------------------------ rows (last dim)

    /** out[r] = scale · Σ_c x[r, c]. */
    void sumRows(Tensor out, Tensor x, int rows, int cols, float scale);

    /** out[r] = max_c x[r, c]; argmax[r] = its first index (as a float). */
    void maxRows(Tensor out, Tensor argmax, Tensor x, int rows, int cols);

    /** out[r] = x[r, idx[r]], or 0 where idx[r] == ignoreIndex. */
    void gatherRows(Tensor out, Tensor x, Tensor idx, int rows, int cols, int ignoreIndex);

    /** dX[r, idx[r]] += dY[r], skipping rows where idx[r] == ignoreIndex. */
    void scatterRows(Tensor dX, Tensor idx, Tensor dY, int rows, int cols, int ignoreIndex);

    /** Softmax (or log-softmax) of each row. */
    void softmaxForward(Tensor y, Tensor x, int rows, int cols, boolean log);

    /** dX += J(y)ᵀ dY for softmax (or log-softmax), from its output y. */
    void softmaxBackward(Tensor dX, Tensor y, Tensor dY, int rows, int cols, boolean log);

    /** y = (x − mean) · rstd · w + b per row; saves mean (rows) and rstd (rows). w, b may be null. */
    void layerNormForward(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int cols, float eps);

    /**
     * sum = x + r and y = LayerNorm(sum), exactly as {@link #binary} ADD then {@link #layerNormForward}
     * on sum, in one pass over the rows: Swin's residual add fused with the next norm. sum is written
     * (the residual stream goes on); mean, rstd saved as layerNormForward does; w, b may be null.
     */
    void layerNormResidualForward(Tensor y, Tensor sum, Tensor mean, Tensor rstd, Tensor x, Tensor r, Tensor w, Tensor b, int rows, int cols,
                                  float eps);

    /** dX, dW, dB += …; any of the three may be null when not needed. */
    void layerNormBackward(Tensor dX, Tensor dW, Tensor dB, Tensor dY, Tensor x, Tensor mean, Tensor rstd, Tensor w,
                           int rows, int cols);

    // ------------------------------------------------------------ attention

    /**
     * Fused Swin window attention, per window w &lt; windows and head h &lt; heads, with Q, K, V (N, hd)
     * the columns [s·C + h·hd, s·C + (h+1)·hd), s = 0, 1, 2, of qkv (windows, N, 3C), C = heads·hd:
     * <pre>
     *   S = (scale·Q)·Kᵀ + (mask[w mod maskWindows] + bias[h]);   P = softmax(S) by rows;   O = P·V
     * </pre>
     * o (windows, N, C) is overwritten with head h in columns [h·hd, (h+1)·hd) (the layout the output
     * projection reads); p (windows, heads, N, N) is overwritten with P (saved for backward);
     * bias (heads, N, N); mask (maskWindows, N, N) or null. With tau (heads) it is Swin v2's cosine
     * attention: Q and K rows are normalised (x / √max(‖x‖², 1e−24)) and tau[h] replaces scale.
     */
    void windowAttentionForward(Tensor o, Tensor p, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int windows, int tokens,
                                int heads, int headDim, int maskWindows, float scale);

    /**
     * The adjoint of {@link #windowAttentionForward}: dQkv (windows, N, 3C) += the Q, K, V gradients
     * in qkv's layout, dBias (heads, N, N) += Σ_w dS and, for the cosine variant, dTau (heads) +=
     * Σ dS ⊙ Q̂K̂ᵀ; any may be null (dS = P ⊙ (dP − rowsum(dP ⊙ P))). tauTerms (windows, heads) is
     * scratch for the per-(window, head) dτ terms, given where dTau is (else null). Results must not
     * depend on the thread count (dBias and dTau sum windows in a fixed order).
     */
    void windowAttentionBackward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor tauTerms, Tensor dO, Tensor p, Tensor qkv, Tensor tau,
                                 int windows, int tokens, int heads, int headDim, float scale);

    // ------------------------------------------------------------ layout

    /** out (=|+=) x permuted: out axis i is x axis perm[i]; {@code shape} is x's shape. */
    void permute(Tensor out, Tensor x, int[] shape, int[] perm, boolean accumulate);

    /**
     * Copies a block along one axis. Views dst as (outer, dstAxis, inner) and src as
     * (outer, srcAxis, inner); dst[o, dstStart + l, i] (=|+=) src[o, srcStart + l, i] for l < len.
     */
    void copyBlock(Tensor dst, int dstAxis, int dstStart, Tensor src, int srcAxis, int srcStart,
                   int outer, int len, int inner, boolean accumulate);

    /** Cyclic shift of a (b, h, w, c) tensor: out[:, (i+shiftH) mod h, (j+shiftW) mod w, :] (=|+=) x[:, i, j, :]. */
    void roll(Tensor out, Tensor x, int b, int h, int w, int c, int shiftH, int shiftW, boolean accumulate);

    /**
     * Swin's window partition fused with the padding and the cyclic shift (torchvision's pad, roll by
     * (−shiftH, −shiftW), partition in one copy): out (b·(padH/window)·(padW/window), window², c)
     * (=|+=) from x (b, h, w, c),
     * <pre>
     *   out[(bi, wi, wj), (ti, tj), ch] = x[bi, (wi·window + ti + shiftH) mod padH, (wj·window + tj + shiftW) mod padW, ch]
     * </pre>
     * and 0 where that row is ≥ h or that column ≥ w (padding). padH, padW are multiples of window,
     * ≥ h, w; 0 ≤ shift &lt; pad.
     */
    void windowPartition(Tensor out, Tensor x, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                         boolean accumulate);

    /**
     * The inverse of {@link #windowPartition} and its adjoint: x (b, h, w, c) (=|+=) the windows
     * put back, rolled by (+shiftH, +shiftW), padding cropped: x[bi, y, z, ch] = windows at padded
     * position ((y − shiftH) mod padH, (z − shiftW) mod padW).
     */
    void windowReverse(Tensor x, Tensor windows, int b, int h, int w, int c, int window, int shiftH, int shiftW, int padH, int padW,
                       boolean accumulate);

    /** out[r, :] = table[idx[r], :] for r < idx.size. */
    void indexSelectRows(Tensor out, Tensor table, Tensor idx, int cols);

    /** dTable[idx[r], :] += dY[r, :]. */
    void indexAddRows(Tensor dTable, Tensor idx, Tensor dY, int cols);

    // ------------------------------------------------------------ images (NCHW)

    /** cols (c·kh·kw, n·oh·ow) from x (n, c, h, w), zero padding. */
    default void im2col(Tensor cols, Tensor x, ConvGeometry g) {
        im2col(cols, x, g, g.n() * g.oh() * g.ow(), 0);
    }

    /**
     * im2col into the columns [colOffset, colOffset + n·oh·ow) of a wider matrix with {@code ld}
     * columns (several maps convolved by one GEMM).
     */
    void im2col(Tensor cols, Tensor x, ConvGeometry g, int ld, int colOffset);

    /** dX (n, c, h, w) += the adjoint of im2col applied to dCols. */
    default void col2im(Tensor dX, Tensor dCols, ConvGeometry g) {
        col2im(dX, dCols, g, g.n() * g.oh() * g.ow(), 0);
    }

    /** col2im from the columns [colOffset, colOffset + n·oh·ow) of a matrix with {@code ld} columns. */
    void col2im(Tensor dX, Tensor dCols, ConvGeometry g, int ld, int colOffset);

    /**
     * Whether {@link #conv2dForward} and {@link #conv2dBackward} convolve maps of this geometry to
     * {@code cout} channels directly. Where they do not, the convolution op composes {@link #im2col},
     * {@link #gemm} and {@link #col2im}, which every backend has. The CPU backend: 3×3 windows, stride
     * 1, padding 1.
     */
    default boolean convolvesDirectly(ConvGeometry g, int cout) {
        return false;
    }

    /**
     * A direct convolution of several maps by one weight, for geometries {@link #convolvesDirectly}
     * accepts: y = conv2d(x_l, w) + bias for each map l, x_l (n, c, h_l, w_l), w (cout, c, kh, kw),
     * bias (cout) or null; y holds the outputs (n, cout, oh_l, ow_l) one after another (overwritten).
     * The same values as im2col + GEMM, up to rounding.
     */
    default void conv2dForward(Tensor y, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias) {
        throw new UnsupportedOperationException(name() + ": no direct convolution");
    }

    /**
     * The adjoint of {@link #conv2dForward}: dX_l += its input gradients (a null dX_l is skipped) and
     * dW += its weight gradient (or null), from dY laid out as conv2dForward's y. The bias gradient
     * is the op's (a sum of dY). dW must not depend on the thread count.
     */
    default void conv2dBackward(Tensor[] dXs, Tensor dW, Tensor dY, Tensor[] xs, ConvGeometry[] geos, Tensor w) {
        throw new UnsupportedOperationException(name() + ": no direct convolution");
    }

    /** y (n, c, oh, ow) = window max; argmax holds the in-plane index h·w of each max (padding never wins). */
    void maxPoolForward(Tensor y, Tensor argmax, Tensor x, ConvGeometry g);

    void maxPoolBackward(Tensor dX, Tensor argmax, Tensor dY, ConvGeometry g);

    /** Window mean; with countIncludePad the divisor is kh·kw, else the number of in-bounds cells. */
    void avgPoolForward(Tensor y, Tensor x, ConvGeometry g, boolean countIncludePad);

    void avgPoolBackward(Tensor dX, Tensor dY, ConvGeometry g, boolean countIncludePad);

    /**
     * Resizes planes (planes, h, w) to (planes, oh, ow): bilinear with align_corners = false, or
     * nearest (source index floor(dst · h / oh)) — PyTorch's semantics for a given output size.
     */
    void resizeForward(Tensor y, Tensor x, int planes, int h, int w, int oh, int ow, boolean bilinear);

    void resizeBackward(Tensor dX, Tensor dY, int planes, int h, int w, int oh, int ow, boolean bilinear);

    // ------------------------------------------------------------ optimizers

    /**
     * One AdamW update of a parameter, in place (PyTorch's {@code torch.optim.AdamW}):
     * <pre>
     *   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
     *   p ← p − (lr / bc1) · m / (√v / √bc2 + eps),   bc_i = 1 − β_i^step
     * </pre>
     * The betas are doubles so that 1 − β is exact enough (1 − 0.999f is off by 1.3e−5 relative).
     */
    void adamWStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, double beta1, double beta2, float eps, float weightDecay,
                   float bc1, float bc2);

    /**
     * One AdamW step over several parameters (the multi-tensor step): for each i exactly
     * {@link #adamWStep}{@code (p[i], g[i], m[i], v[i], lr, beta1, beta2, eps, weightDecay[i], bc1, bc2)}.
     * A primitive because a device runs every parameter in one launch instead of one per parameter.
     */
    default void adamWStepAll(Tensor[] p, Tensor[] g, Tensor[] m, Tensor[] v, float lr, double beta1, double beta2, float eps,
                              float[] weightDecay, float bc1, float bc2) {
        for (int i = 0; i < p.length; i++) adamWStep(p[i], g[i], m[i], v[i], lr, beta1, beta2, eps, weightDecay[i], bc1, bc2);
    }

    /** Releases worker threads and native resources. Idempotent. */
    @Override
    void close();
}

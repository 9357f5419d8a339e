package org.umedpt.tensor;

import org.umedpt.tensor.autograd.BceWithLogits;
import org.umedpt.tensor.autograd.Broadcast;
import org.umedpt.tensor.autograd.Conv2dOp;
import org.umedpt.tensor.autograd.CrossEntropy;
import org.umedpt.tensor.autograd.Dropout;
import org.umedpt.tensor.autograd.LayerNormOp;
import org.umedpt.tensor.autograd.Layout;
import org.umedpt.tensor.autograd.MatMul;
import org.umedpt.tensor.autograd.Pool2d;
import org.umedpt.tensor.autograd.Reduce;
import org.umedpt.tensor.autograd.Reduction;
import org.umedpt.tensor.autograd.Resize;
import org.umedpt.tensor.autograd.SigmoidFocalLoss;
import org.umedpt.tensor.autograd.Softmax;
import org.umedpt.tensor.autograd.UnaryMap;
import org.umedpt.tensor.autograd.WindowAttention;

/**
 * The differentiable ops, as one static facade that only dispatches (EJML's {@code CommonOps}).
 * Each op's forward, backward and shape checks live together in one class of
 * {@code org.umedpt.tensor.autograd}. Every op takes the {@link Graph} it records on and allocates
 * its output from that graph's arena; inputs are never modified.
 */
public final class Ops {
    private Ops() {}

    // ---------------------------------------------------------------- arithmetic (broadcasting)

    public static Tensor add(Graph g, Tensor a, Tensor b) { return Broadcast.apply(g, BinaryOp.ADD, a, b); }

    public static Tensor sub(Graph g, Tensor a, Tensor b) { return Broadcast.apply(g, BinaryOp.SUB, a, b); }

    public static Tensor mul(Graph g, Tensor a, Tensor b) { return Broadcast.apply(g, BinaryOp.MUL, a, b); }

    public static Tensor div(Graph g, Tensor a, Tensor b) { return Broadcast.apply(g, BinaryOp.DIV, a, b); }

    public static Tensor add(Graph g, Tensor x, float s) { return UnaryMap.apply(g, UnaryOp.ADD_SCALAR, x, s); }

    public static Tensor mul(Graph g, Tensor x, float s) { return UnaryMap.apply(g, UnaryOp.SCALE, x, s); }

    public static Tensor neg(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.SCALE, x, -1f); }

    public static Tensor pow(Graph g, Tensor x, float p) { return UnaryMap.apply(g, UnaryOp.POW, x, p); }

    public static Tensor square(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.SQUARE, x, 0f); }

    public static Tensor reciprocal(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.RECIPROCAL, x, 0f); }

    /** max(x, min), gradient passed where x ≥ min (PyTorch's clamp_min). */
    public static Tensor clampMin(Graph g, Tensor x, float min) { return UnaryMap.apply(g, UnaryOp.CLAMP_MIN, x, min); }

    /** min(x, max), gradient passed where x ≤ max. */
    public static Tensor clampMax(Graph g, Tensor x, float max) { return UnaryMap.apply(g, UnaryOp.CLAMP_MAX, x, max); }

    // ---------------------------------------------------------------- elementwise functions

    public static Tensor exp(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.EXP, x, 0f); }

    public static Tensor log(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.LOG, x, 0f); }

    public static Tensor sqrt(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.SQRT, x, 0f); }

    public static Tensor tanh(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.TANH, x, 0f); }

    public static Tensor sigmoid(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.SIGMOID, x, 0f); }

    public static Tensor relu(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.RELU, x, 0f); }

    /** Exact GELU, x·Φ(x) (PyTorch's default {@code approximate='none'}). */
    public static Tensor gelu(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.GELU, x, 0f); }

    public static Tensor softplus(Graph g, Tensor x) { return UnaryMap.apply(g, UnaryOp.SOFTPLUS, x, 0f); }

    public static Tensor unary(Graph g, UnaryOp op, Tensor x, float p) { return UnaryMap.apply(g, op, x, p); }

    // ---------------------------------------------------------------- linear algebra

    /** a (..., m, k) · b (..., k, n); see {@link MatMul} for the batch rules. */
    public static Tensor matmul(Graph g, Tensor a, Tensor b) { return MatMul.apply(g, a, b, false, false); }

    public static Tensor matmul(Graph g, Tensor a, Tensor b, boolean transA, boolean transB) {
        return MatMul.apply(g, a, b, transA, transB);
    }

    /** x (..., in) · Wᵀ + b, with W (out, in) as PyTorch stores it; b (out) or null. */
    public static Tensor linear(Graph g, Tensor x, Tensor w, Tensor b) {
        return org.umedpt.tensor.autograd.LinearOp.apply(g, x, w, b);
    }

    /** linear(gelu(h), w, b) without keeping gelu(h) alive: backward recomputes it (a transformer MLP's second layer). */
    public static Tensor geluLinear(Graph g, Tensor h, Tensor w, Tensor b) {
        return org.umedpt.tensor.autograd.LinearOp.applyToGelu(g, h, w, b);
    }

    /**
     * Fused Swin window attention: qkv (B', N, 3C) → o (B', N, C) = softmax(scale·Q·Kᵀ + bias[h] +
     * mask[w mod nW])·V per window and head; bias (heads, N, N), mask (nW, N, N) or null. See
     * {@link WindowAttention}.
     */
    public static Tensor windowAttention(Graph g, Tensor qkv, Tensor bias, Tensor mask, int heads, float scale) {
        return WindowAttention.apply(g, qkv, bias, mask, heads, scale);
    }

    /**
     * Swin v2's fused cosine window attention: as {@link #windowAttention} with Q and K rows
     * normalised and tau (heads, the exponentiated clamped logit scale, may require grad) in place
     * of scale. See {@link WindowAttention}.
     */
    public static Tensor windowCosineAttention(Graph g, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int heads) {
        return WindowAttention.applyCosine(g, qkv, bias, mask, tau, heads);
    }

    // ---------------------------------------------------------------- reductions

    public static Tensor sum(Graph g, Tensor x) { return Reduce.all(g, x, false); }

    public static Tensor mean(Graph g, Tensor x) { return Reduce.all(g, x, true); }

    /** Σ over the last dim: (..., C) → (...). */
    public static Tensor sumLast(Graph g, Tensor x) { return Reduce.last(g, x, false); }

    public static Tensor meanLast(Graph g, Tensor x) { return Reduce.last(g, x, true); }

    public static Tensor maxLast(Graph g, Tensor x) { return Reduce.max(g, x); }

    // ---------------------------------------------------------------- layout

    public static Tensor reshape(Graph g, Tensor x, int... shape) { return Layout.reshape(g, x, shape); }

    public static Tensor permute(Graph g, Tensor x, int... perm) { return Layout.permute(g, x, perm); }

    public static Tensor concat(Graph g, int axis, Tensor... xs) { return Layout.concat(g, axis, xs); }

    public static Tensor slice(Graph g, Tensor x, int axis, int start, int end) { return Layout.slice(g, x, axis, start, end); }

    public static Tensor[] split(Graph g, Tensor x, int axis, int... sizes) { return Layout.split(g, x, axis, sizes); }

    public static Tensor roll(Graph g, Tensor x, int shiftH, int shiftW) { return Layout.roll(g, x, shiftH, shiftW); }

    public static Tensor windowPartition(Graph g, Tensor x, int window) { return Layout.windowPartition(g, x, window); }

    public static Tensor windowReverse(Graph g, Tensor windows, int window, int h, int w) {
        return Layout.windowReverse(g, windows, window, h, w);
    }

    /** Pad to (padH, padW), roll by (−shiftH, −shiftW) and partition, in one copy (Swin's shifted windows). */
    public static Tensor windowPartition(Graph g, Tensor x, int window, int shiftH, int shiftW, int padH, int padW) {
        return Layout.windowPartition(g, x, window, shiftH, shiftW, padH, padW);
    }

    /** The inverse: un-partition, roll by (+shiftH, +shiftW), crop to (h, w), in one copy. */
    public static Tensor windowReverse(Graph g, Tensor windows, int window, int h, int w, int shiftH, int shiftW, int padH, int padW) {
        return Layout.windowReverse(g, windows, window, h, w, shiftH, shiftW, padH, padW);
    }

    public static Tensor indexSelect(Graph g, Tensor table, Tensor idx) { return Layout.indexSelect(g, table, idx); }

    // ---------------------------------------------------------------- normalisation, regularisation

    public static Tensor softmax(Graph g, Tensor x) { return Softmax.apply(g, x, false); }

    public static Tensor logSoftmax(Graph g, Tensor x) { return Softmax.apply(g, x, true); }

    public static Tensor layerNorm(Graph g, Tensor x, Tensor w, Tensor b, float eps) { return LayerNormOp.apply(g, x, w, b, eps); }

    /** {x + r, layerNorm(x + r)} from one kernel (the residual add fused with the next norm). */
    public static Tensor[] addLayerNorm(Graph g, Tensor x, Tensor r, Tensor w, Tensor b, float eps) {
        return LayerNormOp.applyResidual(g, x, r, w, b, eps);
    }

    public static Tensor dropout(Graph g, Tensor x, float p, boolean training, Rng rng) {
        return Dropout.apply(g, x, p, training, rng);
    }

    // ---------------------------------------------------------------- images (NCHW)

    public static Tensor conv2d(Graph g, Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return Conv2dOp.apply(g, x, w, bias, stride, padding);
    }

    /**
     * One convolution applied to several maps (same batch and channels, any sizes — e.g. the levels
     * of a feature pyramid through a shared head) as one GEMM; the same values as a conv2d per map.
     */
    public static java.util.List<Tensor> conv2dShared(Graph g, java.util.List<Tensor> xs, Tensor w, Tensor bias, int stride, int padding) {
        Tensor flat = Conv2dOp.applyShared(g, xs.toArray(new Tensor[0]), w, bias, stride, padding);
        java.util.List<Tensor> out = new java.util.ArrayList<>(xs.size());
        int off = 0;
        for (Tensor x : xs) {
            ConvGeometry geo = ConvGeometry.of("conv2d", x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(2), w.dim(3), stride, padding);
            int oh = geo.oh(), ow = geo.ow(), len = x.dim(0) * w.dim(0) * oh * ow;
            out.add(xs.size() == 1 ? reshape(g, flat, x.dim(0), w.dim(0), oh, ow)
                    : reshape(g, slice(g, flat, 0, off, off + len), x.dim(0), w.dim(0), oh, ow));
            off += len;
        }
        return out;
    }

    public static Tensor maxPool2d(Graph g, Tensor x, int kernel, int stride, int padding) {
        return Pool2d.max(g, x, kernel, stride, padding);
    }

    public static Tensor avgPool2d(Graph g, Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        return Pool2d.avg(g, x, kernel, stride, padding, countIncludePad);
    }

    public static Tensor globalAvgPool(Graph g, Tensor x) { return Pool2d.globalAvg(g, x); }

    public static Tensor resizeBilinear(Graph g, Tensor x, int outH, int outW) { return Resize.apply(g, x, outH, outW, true); }

    public static Tensor resizeNearest(Graph g, Tensor x, int outH, int outW) { return Resize.apply(g, x, outH, outW, false); }

    // ---------------------------------------------------------------- losses

    /** {@code F.cross_entropy}: logits (..., C), targets (...) as integral floats, weight (C) or null. */
    public static Tensor crossEntropy(Graph g, Tensor logits, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        return CrossEntropy.apply(g, logits, target, weight, ignoreIndex, reduction);
    }

    public static Tensor crossEntropy(Graph g, Tensor logits, Tensor target) {
        return CrossEntropy.apply(g, logits, target, null, -100, Reduction.MEAN);
    }

    public static Tensor bceWithLogits(Graph g, Tensor x, Tensor target, Reduction reduction) {
        return BceWithLogits.apply(g, x, target, reduction);
    }

    /** {@code torchvision.ops.sigmoid_focal_loss}; alpha &lt; 0 disables the α weighting. */
    public static Tensor sigmoidFocalLoss(Graph g, Tensor x, Tensor target, float alpha, float gamma, Reduction reduction) {
        return SigmoidFocalLoss.apply(g, x, target, alpha, gamma, reduction);
    }
}

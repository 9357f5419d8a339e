package org.umedpt.tensor;

/**
 * The geometry of a 2-D sliding window over an NCHW tensor (convolution or pooling):
 * input (n, c, h, w), window kh×kw, stride, zero padding on every side, output oh×ow.
 */
public record ConvGeometry(int n, int c, int h, int w, int kh, int kw, int stride, int pad, int oh, int ow) {

    /** Derives the output size as PyTorch does: floor((h + 2·pad − kh) / stride) + 1. */
    public static ConvGeometry of(String op, int n, int c, int h, int w, int kh, int kw, int stride, int pad) {
        if (kh <= 0 || kw <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException(op + ": bad window: kernel " + kh + "x" + kw + ", stride " + stride + ", padding " + pad);
        }
        int oh = (h + 2 * pad - kh) / stride + 1;
        int ow = (w + 2 * pad - kw) / stride + 1;
        if (h + 2 * pad < kh || w + 2 * pad < kw) {
            throw new IllegalArgumentException(op + ": input " + h + "x" + w + " (padding " + pad + ") is smaller than the kernel "
                    + kh + "x" + kw);
        }
        return new ConvGeometry(n, c, h, w, kh, kw, stride, pad, oh, ow);
    }

    /** Rows of the im2col matrix: c·kh·kw. */
    public int patchSize() {
        return c * kh * kw;
    }
}

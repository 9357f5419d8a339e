package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;
import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The transforms of one task, applied alike to image, mask and boxes: a crop (random resized crop
 * when training and {@code cropScaleMin < 1}, else the whole image) resized to the task's input
 * size (bilinear with half-pixel centres for the image, nearest for the mask, scaled boxes);
 * horizontal and vertical flips; a random multiple of 90° (square inputs); brightness and contrast
 * jitter; then per-channel normalisation (x − mean) / std. Random choices come from the
 * {@link Rng} passed in, so a sample is a pure function of (seed, index, draw).
 * Reference: torchvision.transforms RandomResizedCrop.get_params, ColorJitter.
 *
 * @param cropScaleMin, cropScaleMax area fraction of the crop; ratio range is 3/4…4/3
 */
public record Transforms(int height, int width, double cropScaleMin, double cropScaleMax, double hflip, double vflip, boolean rot90,
                         double brightness, double contrast, float[] mean, float[] std) {

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f}, IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public Transforms {
        if (height < 1 || width < 1) throw new IllegalArgumentException("transforms: input size " + height + "×" + width + " must be positive");
        if (rot90 && height != width) throw new IllegalArgumentException("transforms: rot90 needs a square input size, got " + height + "×" + width);
    }

    /** Resize and normalise only (evaluation). */
    public Transforms evaluation() {
        return new Transforms(height, width, 1, 1, 0, 0, false, 0, 0, mean, std);
    }

    /** Boxes whose visible part is smaller than this (pixels, each side) after a crop are dropped. */
    static final float MIN_SIDE = 1f;

    public Sample apply(Decoded d, Rng rng) {
        int H = d.height(), W = d.width();
        double cy = 0, cx = 0, ch = H, cw = W;
        if (cropScaleMin < 1 && rng != null) {
            boolean found = false;
            for (int t = 0; t < 10 && !found; t++) {
                double area = H * (double) W * (cropScaleMin + (cropScaleMax - cropScaleMin) * rng.nextDouble());
                double logr = Math.log(3 / 4.0) + (Math.log(4 / 3.0) - Math.log(3 / 4.0)) * rng.nextDouble();
                double r = Math.exp(logr);
                int w = (int) Math.round(Math.sqrt(area * r)), h = (int) Math.round(Math.sqrt(area / r));
                if (w > 0 && h > 0 && w <= W && h <= H) {
                    cy = rng.nextInt(H - h + 1);
                    cx = rng.nextInt(W - w + 1);
                    ch = h;
                    cw = w;
                    found = true;
                }
            }
        }
        int oh = height, ow = width;
        float[] img = new float[3 * oh * ow];
        double sy = ch / oh, sx = cw / ow;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < oh; y++) {
                double fy = Math.max(0, Math.min(H - 1, cy + (y + 0.5) * sy - 0.5));
                int y0 = (int) fy, y1 = Math.min(H - 1, y0 + 1);
                double wy = fy - y0;
                for (int x = 0; x < ow; x++) {
                    double fx = Math.max(0, Math.min(W - 1, cx + (x + 0.5) * sx - 0.5));
                    int x0 = (int) fx, x1 = Math.min(W - 1, x0 + 1);
                    double wx = fx - x0;
                    int b = c * H * W;
                    double v = (1 - wy) * ((1 - wx) * d.image()[b + y0 * W + x0] + wx * d.image()[b + y0 * W + x1])
                            + wy * ((1 - wx) * d.image()[b + y1 * W + x0] + wx * d.image()[b + y1 * W + x1]);
                    img[(c * oh + y) * ow + x] = (float) v;
                }
            }
        }
        int[] mask = null;
        if (d.mask() != null) {
            mask = new int[oh * ow];
            for (int y = 0; y < oh; y++) {
                int iy = Math.min(H - 1, (int) Math.floor(cy + (y + 0.5) * sy));
                for (int x = 0; x < ow; x++) {
                    int ix = Math.min(W - 1, (int) Math.floor(cx + (x + 0.5) * sx));
                    mask[y * ow + x] = d.mask()[iy * W + ix];
                }
            }
        }
        List<Box> boxes = null;
        if (d.boxes() != null) {
            boxes = new ArrayList<>();
            for (Box b : d.boxes()) {
                float x1 = (float) Math.max(0, (b.x1() - cx) / sx), y1 = (float) Math.max(0, (b.y1() - cy) / sy);
                float x2 = (float) Math.min(ow, (b.x2() - cx) / sx), y2 = (float) Math.min(oh, (b.y2() - cy) / sy);
                if (x2 - x1 >= MIN_SIDE && y2 - y1 >= MIN_SIDE) boxes.add(Box.truth(x1, y1, x2, y2, b.label()));
            }
        }
        if (rng != null) {
            if (hflip > 0 && rng.nextDouble() < hflip) {
                flip(img, 3, oh, ow, true);
                if (mask != null) flipMask(mask, oh, ow, true);
                if (boxes != null) boxes = boxes.stream().map(b -> Box.truth(ow - b.x2(), b.y1(), ow - b.x1(), b.y2(), b.label())).toList();
            }
            if (vflip > 0 && rng.nextDouble() < vflip) {
                flip(img, 3, oh, ow, false);
                if (mask != null) flipMask(mask, oh, ow, false);
                if (boxes != null) boxes = boxes.stream().map(b -> Box.truth(b.x1(), oh - b.y2(), b.x2(), oh - b.y1(), b.label())).toList();
            }
            if (rot90) {
                int k = rng.nextInt(4);
                for (int i = 0; i < k; i++) {
                    img = rotate(img, 3, oh);
                    if (mask != null) mask = rotateMask(mask, oh);
                    // 90° counter-clockwise on an n×n image: (x, y) → (y, n − x)
                    if (boxes != null) boxes = boxes.stream().map(b -> Box.truth(b.y1(), oh - b.x2(), b.y2(), oh - b.x1(), b.label())).toList();
                }
            }
            if (brightness > 0 || contrast > 0) {
                double bf = 1 + brightness * (2 * rng.nextDouble() - 1), cf = 1 + contrast * (2 * rng.nextDouble() - 1);
                double mean = 0;
                for (float v : img) mean += v;
                mean = mean / img.length * bf;
                for (int i = 0; i < img.length; i++) {
                    double v = img[i] * bf;
                    v = (v - mean) * cf + mean;
                    img[i] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        int n = oh * ow;
        for (int c = 0; c < 3; c++) {
            float m = mean[c], s = std[c];
            for (int i = 0; i < n; i++) img[c * n + i] = (img[c * n + i] - m) / s;
        }
        return new Sample(img, oh, ow, d.label(), d.labels(), mask, boxes);
    }

    private static void flip(float[] a, int planes, int h, int w, boolean horizontal) {
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            if (horizontal) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w / 2; x++) {
                        int i = base + y * w + x, j = base + y * w + w - 1 - x;
                        float t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                    }
                }
            } else {
                for (int y = 0; y < h / 2; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = base + y * w + x, j = base + (h - 1 - y) * w + x;
                        float t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                    }
                }
            }
        }
    }

    private static void flipMask(int[] m, int h, int w, boolean horizontal) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) f[i] = m[i];
        flip(f, 1, h, w, horizontal);
        for (int i = 0; i < m.length; i++) m[i] = (int) f[i];
    }

    /** 90° counter-clockwise of n×n planes: out(y, x) = in(x, n − 1 − y). */
    private static float[] rotate(float[] a, int planes, int n) {
        float[] o = new float[a.length];
        for (int p = 0; p < planes; p++) {
            int b = p * n * n;
            for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) o[b + y * n + x] = a[b + x * n + (n - 1 - y)];
        }
        return o;
    }

    private static int[] rotateMask(int[] m, int n) {
        int[] o = new int[m.length];
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) o[y * n + x] = m[x * n + (n - 1 - y)];
        return o;
    }
}

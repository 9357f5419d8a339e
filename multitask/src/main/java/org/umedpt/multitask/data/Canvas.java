package org.umedpt.multitask.data;

import org.umedpt.tensor.Rng;

/**
 * A grayscale H×W float image to paint synthetic biomedical-like scenes on: filled ellipses,
 * Gaussian noise, box blur, sinusoidal texture. {@link #toSample} normalises it and repeats it on
 * three channels (as real grayscale modalities are fed to an RGB encoder).
 */
public final class Canvas {
    public final int h, w;
    public final float[] px;

    public Canvas(int h, int w, float background) {
        this.h = h;
        this.w = w;
        this.px = new float[h * w];
        java.util.Arrays.fill(px, background);
    }

    /** Adds {@code value} inside the ellipse (cy, cx, ry, rx, angle); marks {@code mask} with {@code label} if given. */
    public void ellipse(float cy, float cx, float ry, float rx, float angle, float value, int[] mask, int label) {
        float cos = (float) Math.cos(angle), sin = (float) Math.sin(angle);
        int r = (int) Math.ceil(Math.max(rx, ry)) + 1;
        for (int y = Math.max(0, (int) cy - r); y <= Math.min(h - 1, (int) cy + r); y++) {
            for (int x = Math.max(0, (int) cx - r); x <= Math.min(w - 1, (int) cx + r); x++) {
                float dy = y - cy, dx = x - cx;
                float u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
                if (u * u + v * v <= 1f) {
                    px[y * w + x] += value;
                    if (mask != null) mask[y * w + x] = label;
                }
            }
        }
    }

    public void noise(Rng rng, float std) {
        for (int i = 0; i < px.length; i++) px[i] += (float) (std * rng.nextGaussian());
    }

    /** Box blur of radius r (separable), edges clamped. */
    public void blur(int r) {
        float[] tmp = new float[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = -r; k <= r; k++) s += px[y * w + Math.min(w - 1, Math.max(0, x + k))];
                tmp[y * w + x] = s / (2 * r + 1);
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = -r; k <= r; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
                px[y * w + x] = s / (2 * r + 1);
            }
        }
    }

    /** Adds amplitude·sin(2π(fy·y + fx·x) + phase). */
    public void waves(float fy, float fx, float phase, float amplitude) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) px[y * w + x] += amplitude * (float) Math.sin(2 * Math.PI * (fy * y + fx * x) + phase);
        }
    }

    /** (x − 0.5) / 0.25 repeated on 3 channels. */
    public float[] toImage() {
        float[] img = new float[3 * h * w];
        for (int i = 0; i < px.length; i++) {
            float v = (px[i] - 0.5f) / 0.25f;
            img[i] = v;
            img[h * w + i] = v;
            img[2 * h * w + i] = v;
        }
        return img;
    }
}

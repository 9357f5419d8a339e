package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.data.io.Pixels;

import java.util.Map;

/**
 * Turns an {@link Item} into a {@link Decoded}: reads the image and maps its values to [0, 1] —
 * through the manifest's window (center, width) if set, else the file's own window (DICOM), else
 * the format's full scale (255, 65535), else the slice's min…max — and repeats gray on three
 * channels. Masks: each part's first channel; outlines filled if asked; values mapped to class ids
 * through {@code mapping} (a value not in it is an error naming the file); instance parts unioned
 * (the largest class id wins).
 */
public final class Decoder {
    private final double windowCenter, windowWidth;
    private final Map<Integer, Integer> mapping;

    /** @param windowCenter NaN = no manifest window */
    public Decoder(double windowCenter, double windowWidth, Map<Integer, Integer> mapping) {
        this.windowCenter = windowCenter;
        this.windowWidth = windowWidth;
        this.mapping = mapping;
    }

    public Decoded decode(Item it) {
        Pixels p = it.image().read();
        float[] img = intensities(p);
        int[] mask = null;
        if (it.mask() != null) {
            mask = new int[p.height() * p.width()];
            for (ImageRef part : it.mask().parts()) {
                Pixels m = part.read();
                if (m.height() != p.height() || m.width() != p.width()) {
                    throw new DataFormatException("image " + it.image() + " is " + p.width() + "×" + p.height() + " (w×h) but its mask " + part
                            + " is " + m.width() + "×" + m.height() + "; expected the same size");
                }
                int[] raw = new int[m.height() * m.width()];
                for (int i = 0; i < raw.length; i++) raw[i] = Math.round(m.data()[i]);
                if (it.mask().fillOutlines()) fill(raw, m.height(), m.width());
                for (int i = 0; i < raw.length; i++) {
                    Integer c = mapping.get(raw[i]);
                    if (c == null) {
                        throw new DataFormatException("mask " + part + ": pixel value " + raw[i] + " at (x " + (i % m.width()) + ", y " + (i / m.width())
                                + ") is not in the mask mapping " + mapping + " ---> HINT: add it under reader.mapping");
                    }
                    if (c > mask[i]) mask[i] = c;
                }
            }
        }
        return new Decoded(img, p.height(), p.width(), it.label(), it.labels(), mask, it.boxes());
    }

    private float[] intensities(Pixels p) {
        int n = p.height() * p.width();
        double lo, hi;
        double c = Double.isNaN(windowCenter) ? p.windowCenter() : windowCenter, w = Double.isNaN(windowCenter) ? p.windowWidth() : windowWidth;
        if (!Double.isNaN(c) && w > 0) {
            lo = c - w / 2;
            hi = c + w / 2;
        } else if (!Double.isNaN(p.maxValue())) {
            lo = 0;
            hi = p.maxValue();
        } else {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (float v : p.data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double scale = hi > lo ? 1 / (hi - lo) : 0;
        float[] out = new float[3 * n];
        for (int ch = 0; ch < 3; ch++) {
            int src = p.channels() == 1 ? 0 : ch;
            for (int i = 0; i < n; i++) {
                double v = (p.data()[src * n + i] - lo) * scale;
                out[ch * n + i] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return out;
    }

    /**
     * Fills closed outlines: pixels not reachable from the border without crossing a non-zero pixel
     * take the outline's value (4-connected flood fill of the outside).
     */
    static void fill(int[] m, int h, int w) {
        int value = 0;
        for (int v : m) value = Math.max(value, v);
        if (value == 0) return;
        boolean[] outside = new boolean[h * w];
        int[] queue = new int[h * w]; // each pixel enters at most once
        int head = 0, tail = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if ((y == 0 || x == 0 || y == h - 1 || x == w - 1) && m[i] == 0 && !outside[i]) {
                    outside[i] = true;
                    queue[tail++] = i;
                }
            }
        }
        while (head < tail) {
            int i = queue[head++], y = i / w, x = i - y * w;
            if (y > 0 && !outside[i - w] && m[i - w] == 0) { outside[i - w] = true; queue[tail++] = i - w; }
            if (y < h - 1 && !outside[i + w] && m[i + w] == 0) { outside[i + w] = true; queue[tail++] = i + w; }
            if (x > 0 && !outside[i - 1] && m[i - 1] == 0) { outside[i - 1] = true; queue[tail++] = i - 1; }
            if (x < w - 1 && !outside[i + 1] && m[i + 1] == 0) { outside[i + 1] = true; queue[tail++] = i + 1; }
        }
        for (int i = 0; i < m.length; i++) if (!outside[i]) m[i] = value;
    }
}

package org.umedpt.multitask.data;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Decoded examples kept in memory, up to a byte budget shared by all datasets of a run: the
 * budget fills first come, first kept, and nothing is evicted (with random sampling, a full cache
 * that keeps what it has hits as often as an LRU one, without churn). Decoding is the loaders'
 * main cost — a DSB image with its ~26 instance PNGs takes ~180 ms — while the decoded data of the
 * dev datasets fit in ~600 MB. Entries are compact but exact: an 8-bit image is kept as its bytes
 * (v = b / 255 reproduces the decoder's float bit for bit, checked per pixel), a gray image as one
 * plane, a mask of small ids as bytes; anything else as floats/ints. So a cached example is
 * identical to a freshly decoded one, and results never depend on what happened to be cached.
 */
public final class DecodeCache {
    private final long budget;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong hits = new AtomicLong(), misses = new AtomicLong();

    /** @param budgetBytes 0 = no caching */
    public DecodeCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    public long usedBytes() {
        return used.get();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    /** One dataset's slots. */
    final class Slots {
        private final AtomicReferenceArray<Compact> slots;

        Slots(int n) {
            slots = new AtomicReferenceArray<>(n);
        }

        Decoded get(int i, java.util.function.Supplier<Decoded> decode) {
            Compact c = slots.get(i);
            if (c != null) {
                hits.incrementAndGet();
                return c.expand();
            }
            misses.incrementAndGet();
            Decoded d = decode.get();
            if (budget <= 0) return d;
            Compact k = Compact.of(d);
            if (used.addAndGet(k.bytes()) <= budget) {
                if (!slots.compareAndSet(i, null, k)) used.addAndGet(-k.bytes()); // another loader got there first
                return k.expand(); // the same values either way (exact compaction); return the one future hits will return
            }
            used.addAndGet(-k.bytes());
            return d;
        }
    }

    Slots slots(int n) {
        return new Slots(n);
    }

    /** A compact, exact copy of a {@link Decoded}. */
    record Compact(int h, int w, int planes, byte[] img8, float[] imgF, byte[] mask8, int[] mask, Decoded meta) {
        static final double INV = 1.0 / 255;

        long bytes() {
            long b = 64;
            if (img8 != null) b += img8.length;
            if (imgF != null) b += 4L * imgF.length;
            if (mask8 != null) b += mask8.length;
            if (mask != null) b += 4L * mask.length;
            return b;
        }

        static Compact of(Decoded d) {
            int n = d.height() * d.width();
            float[] img = d.image();
            boolean gray = true;
            for (int i = 0; i < n && gray; i++) gray = img[i] == img[n + i] && img[i] == img[2 * n + i];
            int planes = gray ? 1 : 3;
            byte[] b8 = new byte[planes * n];
            boolean bytes = true;
            for (int i = 0; i < planes * n && bytes; i++) {
                long q = Math.round(img[i] * 255.0);
                bytes = q >= 0 && q <= 255 && (float) (q * INV) == img[i];
                b8[i] = (byte) q;
            }
            float[] f = bytes ? null : java.util.Arrays.copyOf(img, planes * n);
            byte[] m8 = null;
            int[] m = null;
            if (d.mask() != null) {
                boolean small = true;
                for (int v : d.mask()) small &= v >= -128 && v <= 127;
                if (small) {
                    m8 = new byte[n];
                    for (int i = 0; i < n; i++) m8[i] = (byte) d.mask()[i];
                } else m = d.mask().clone();
            }
            Decoded meta = new Decoded(null, d.height(), d.width(), d.label(), d.labels(), null, d.boxes());
            return new Compact(d.height(), d.width(), planes, bytes ? b8 : null, f, m8, m, meta);
        }

        Decoded expand() {
            int n = h * w;
            float[] img = new float[3 * n];
            for (int c = 0; c < 3; c++) {
                int src = planes == 1 ? 0 : c * n;
                if (img8 != null) for (int i = 0; i < n; i++) img[c * n + i] = (float) ((img8[src + i] & 0xFF) * INV);
                else System.arraycopy(imgF, src, img, c * n, n);
            }
            int[] mk = mask != null ? mask.clone() : null;
            if (mask8 != null) {
                mk = new int[n];
                for (int i = 0; i < n; i++) mk[i] = mask8[i];
            }
            return new Decoded(img, h, w, meta.label(), meta.labels(), mk, meta.boxes());
        }
    }
}

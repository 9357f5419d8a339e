package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Tensor;

/**
 * Direct 3×3 convolution (stride 1, padding 1) of {@link CpuBackend}: forward, and backward to the
 * input and the weights, with no column matrix. The reference is im2col + GEMM ({@link SpatialCpu},
 * {@link Gemm}), which it must match; background and measurements in {@code docs/DESIGN-NOTES.md}
 * ("Convolutions without im2col").
 *
 * <p><b>The band.</b> A map x (n, c, h, w) is copied, channel by channel, into one band of rows:
 * the n images side by side, each preceded by one zero column, with one zero row above and below
 * and zeros around ({@link Band}). In a band of width {@code width = n·(w + 1)} the 3×3 neighbours
 * of position q are q + (kh − 1)·width + (kw − 1), for every image and across image borders (the
 * zero column separates them, and the left neighbour of a row's first pixel is the previous row's
 * last zero). So tap (kh, kw) of input channel ci is the band shifted by a constant:
 * <pre>
 *   yBand[co, q] = Σ_{ci, t}  W[co, ci, t] · xBand[ci, q + tap(t)]        q over the h rows of the band
 * </pre>
 * a GEMM whose B operand is the band itself, read at K = c·9 shifted offsets (a "shifted-pointer"
 * implicit GEMM). The register tile is the GEMM's (MR output channels × NR positions); its B
 * vectors are unaligned loads from the band, with no packing. Positions in the zero columns are
 * computed and dropped: n·h of (n·(w + 1))·h, i.e. 1/(w + 1) more work, against im2col's 9-fold copy
 * of the input, written once and packed again.
 * <ul>
 *   <li>Backward to x is the same product with W transposed and its taps flipped, over the band of
 *       dY (zero in its gutters), added into dX.
 *   <li>Backward to W: dW[co, ci, t] = Σ_q dYBand[co, q] · xBand[ci, q + tap(t)], a sum of products
 *       of shifted band rows, vectorised along q: two output channels × nine taps in registers (one
 *       channel with 16 vector registers).
 * </ul>
 * Several maps (the levels of a pyramid) go through one call, each in its own band.
 *
 * <p>Not thread-safe: the bands and packed weights are a workspace reused across calls.
 */
final class ConvCpu {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = VectorMath.L;
    private static final int MR = Gemm.MR, NR = Gemm.NR;
    private static final boolean WIDE = MR == 8;
    /** Zeros after a band's last row: a tile reads up to NR, a weight-gradient sum up to L, positions past the output. */
    static final int SLACK = 64;
    /** Output positions per pass of the weight-gradient sums: the rows' chunks stay in L1/L2 across output channels. */
    private static final int CHUNK = 4096;

    /**
     * {@link CpuBackend} convolves in the band while cin·cout is below this, and by {@link WinogradCpu}
     * from here on. With few channels the band wins (its product needs no transforms, and the
     * GEMMs Winograd would run are too thin to be efficient); with many, Winograd's 16 multiplies
     * per 2×2 outputs (against 36) win. JMH {@code ConvBench}, 1 thread, batch 8, forward +
     * backward in ms, band against Winograd (each shape run both ways by moving this threshold):
     * 32→32 at 28² 3.5 / 5.0, 112→32 at 28² 11.0 / 12.0, 64→64 at 14² 3.3 / 3.2, 96→96 at 7²
     * 2.5 / 1.8, 192→64 at 14² 9.9 / 7.2, 128→128 at 14² 12.8 / 8.6.
     */
    static final int WINOGRAD_MIN_CHANNEL_PRODUCT = 64 * 64;

    /** Whether a cin → cout convolution goes to the band kernels (else to Winograd). */
    static boolean banded(int cin, int cout) {
        return (long) cin * cout < WINOGRAD_MIN_CHANNEL_PRODUCT;
    }

    /** The kernels' geometry: 3×3, stride 1, padding 1. */
    static boolean supports(ConvGeometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.stride() == 1 && g.pad() == 1;
    }

    /**
     * One map of n images (h, w) in the band layout: {@code width} = n·(w + 1) columns, rows 0 and
     * h + 1 zero, one zero before row 0 and {@code 1 + SLACK} after the last row; {@code plane}
     * floats per channel. Output position q in [0, outLen) is band index start + q: band row
     * 1 + q / width, column q mod width, image (q mod width) / (w + 1), pixel column
     * (q mod width) mod (w + 1) − 1 (−1: the zero column).
     */
    record Band(int n, int h, int w, int width, int plane, int start, int outLen) {
        static Band of(ConvGeometry g) {
            int width = g.n() * (g.w() + 1);
            return new Band(g.n(), g.h(), g.w(), width, 1 + (g.h() + 2) * width + 1 + SLACK, 1 + width, g.h() * width);
        }

        /** The band offset of tap t = kh·3 + kw. */
        int tap(int t) {
            return (t / 3 - 1) * width + (t % 3 - 1);
        }
    }

    private final Parallel par;
    private float[] xBand = new float[0], dyBand = new float[0], packed = new float[0];
    private final float[][] tiles;
    private final int[][] segments;

    ConvCpu(Parallel par) {
        this.par = par;
        this.tiles = new float[par.threads()][MR * NR];
        this.segments = new int[par.threads()][3 * NR];
    }

    // ================================================================ the primitives

    /** y (levels of (n, cout, h_l, w_l), one after another) = conv(x_l, w) + bias. */
    void forward(Tensor y, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias) {
        int cin = geos[0].c(), cout = w.dim(0);
        Band[] bands = bands(geos);
        int[] bandOff = new int[bands.length];
        xBand = toBands(xBand, bandOff, xs, bands, cin);
        packed = packWeights(packed, w.data(), w.offset(), cout, cin, false);
        products(levels(y, geos, cout), xBand, bandOff, bands, rowOffsets(bands, cin), packed, cout, cin * 9, bias, false);
    }

    /**
     * dX_l (n, cin, h_l, w_l) += the input gradient (null entries skipped), dW (cout, cin, 3, 3) +=
     * the weight gradient (or null), from dY laid out as {@link #forward}'s y.
     */
    void backward(Tensor[] dXs, Tensor dW, Tensor dY, Tensor[] xs, ConvGeometry[] geos, Tensor w) {
        int cin = geos[0].c(), cout = w.dim(0);
        Band[] bands = bands(geos);
        int[] yOff = new int[bands.length];
        dyBand = toBands(dyBand, yOff, levels(dY, geos, cout), bands, cout);
        if (dW != null) {
            int[] xOff = new int[bands.length];
            xBand = toBands(xBand, xOff, xs, bands, cin);
            filterGradient(dW.data(), dW.offset(), bands, xOff, yOff, cin, cout);
        }
        boolean anyX = false;
        for (Tensor d : dXs) anyX |= d != null;
        if (anyX) {
            packed = packWeights(packed, w.data(), w.offset(), cout, cin, true);
            products(dXs, dyBand, yOff, bands, rowOffsets(bands, cout), packed, cin, cout * 9, null, true);
        }
    }

    /** Views of the maps of a flat tensor holding, one after another, (n, c, h_l, w_l) for each geometry l. */
    static Tensor[] levels(Tensor flat, ConvGeometry[] geos, int c) {
        Tensor[] out = new Tensor[geos.length];
        for (int l = 0, off = 0; l < geos.length; l++) {
            int len = geos[l].n() * c * geos[l].h() * geos[l].w();
            out[l] = flat.flatView(off, len);
            off += len;
        }
        return out;
    }

    /** {@code a} if it holds n floats, else a new array of n (a workspace that only grows). */
    static float[] grow(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("conv2d: workspace of " + n + " floats is too large");
        return a.length >= n ? a : new float[(int) n];
    }

    private static Band[] bands(ConvGeometry[] geos) {
        Band[] b = new Band[geos.length];
        for (int l = 0; l < geos.length; l++) b[l] = Band.of(geos[l]);
        return b;
    }

    // ================================================================ bands

    /** Each map's channels into consecutive bands (offsets into {@code off}); grows and returns {@code band}. */
    private float[] toBands(float[] band, int[] off, Tensor[] maps, Band[] bands, int c) {
        long total = 0;
        for (int l = 0; l < bands.length; l++) {
            off[l] = (int) total;
            total += (long) c * bands[l].plane;
        }
        float[] out = grow(band, total);
        for (int l = 0; l < bands.length; l++) {
            Band b = bands[l];
            float[] x = maps[l].data();
            int xo = maps[l].offset(), bo = off[l];
            par.forRange(c, Math.max(1, (1 << 14) / b.plane), (part, from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    int p = bo + ch * b.plane;
                    java.util.Arrays.fill(out, p, p + b.plane, 0f);
                    for (int i = 0; i < b.n; i++) {
                        for (int r = 0; r < b.h; r++) {
                            System.arraycopy(x, xo + ((i * c + ch) * b.h + r) * b.w, out, p + b.start + r * b.width + i * (b.w + 1) + 1, b.w);
                        }
                    }
                }
            });
        }
        return out;
    }

    /** Per map, the band offset of each of the K = c·9 rows of the implicit B: channel·plane + tap. */
    private static int[][] rowOffsets(Band[] bands, int c) {
        int[][] off = new int[bands.length][c * 9];
        for (int l = 0; l < bands.length; l++) {
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < 9; t++) off[l][ch * 9 + t] = ch * bands[l].plane + bands[l].tap(t);
            }
        }
        return off;
    }

    // ================================================================ products (forward, backward to x)

    /**
     * W (cout, cin, 3, 3) into MR-row panels, p-major within a panel, rows past the last padded with 0:
     * as is (rows co, p = ci·9 + t) or, {@code adjoint}, transposed with the taps flipped (rows ci,
     * p = co·9 + t, value W[co, ci, 8 − t]) for the input gradient.
     */
    private static float[] packWeights(float[] buf, float[] w, int wo, int cout, int cin, boolean adjoint) {
        int rows = adjoint ? cin : cout, k = (adjoint ? cout : cin) * 9;
        int blocks = (rows + MR - 1) / MR;
        float[] out = grow(buf, (long) blocks * MR * k);
        for (int blk = 0; blk < blocks; blk++) {
            for (int p = 0; p < k; p++) {
                int dst = (blk * k + p) * MR;
                for (int r = 0; r < MR; r++) {
                    int row = blk * MR + r;
                    float v = 0f;
                    if (row < rows) {
                        v = adjoint ? w[wo + ((p / 9) * cin + row) * 9 + 8 - p % 9] : w[wo + row * k + p];
                    }
                    out[dst + r] = v;
                }
            }
        }
        return out;
    }

    /**
     * outs_l (n, rows, h, w) (= or +=) packed (rows × K) · the implicit B of band l, tile by tile:
     * parallel over the tiles of all maps, every row block per tile, so each thread writes disjoint
     * positions. Maps with a null output are skipped.
     */
    private void products(Tensor[] outs, float[] band, int[] bandOff, Band[] bands, int[][] taps, float[] a, int rows, int k, Tensor bias,
                          boolean accumulate) {
        int[] tileStart = new int[bands.length + 1];
        for (int l = 0; l < bands.length; l++) {
            tileStart[l + 1] = tileStart[l] + (outs[l] == null ? 0 : (bands[l].outLen + NR - 1) / NR);
        }
        int blocks = (rows + MR - 1) / MR;
        float[] bd = bias == null ? null : bias.data();
        int bo = bias == null ? 0 : bias.offset();
        par.forRange(tileStart[bands.length], 1, (part, from, to) -> {
            float[] tile = tiles[part];
            int[] seg = segments[part];
            for (int tIdx = from; tIdx < to; tIdx++) {
                int l = 0;
                while (tIdx >= tileStart[l + 1]) l++;
                Band b = bands[l];
                int q0 = (tIdx - tileStart[l]) * NR, nr = Math.min(NR, b.outLen - q0);
                int segs = segments(b, q0, nr, rows, seg);
                float[] od = outs[l].data();
                int oo = outs[l].offset(), plane = b.h * b.w;
                int bq = bandOff[l] + b.start + q0;
                for (int blk = 0; blk < blocks; blk++) {
                    if (WIDE) kernel8x3(k, a, blk * k * MR, band, bq, taps[l], tile);
                    else kernel6x2(k, a, blk * k * MR, band, bq, taps[l], tile);
                    int mr = Math.min(MR, rows - blk * MR);
                    for (int r = 0; r < mr; r++) {
                        int row = blk * MR + r;
                        writeRow(tile, r * NR, od, oo + row * plane, seg, segs, bd == null ? 0f : bd[bo + row], accumulate);
                    }
                }
            }
        });
    }

    /**
     * The pixel runs of output positions [q0, q0 + nr) of band b, as (tile column, length, index in
     * an (n, rows, h, w) tensor at row 0) triples in {@code seg}; returns how many.
     */
    private static int segments(Band b, int q0, int nr, int rows, int[] seg) {
        int count = 0, q = q0, end = q0 + nr;
        while (q < end) {
            int r = q / b.width, cb = q - r * b.width, img = cb / (b.w + 1), col = cb - img * (b.w + 1) - 1;
            if (col < 0) {
                q++;
                continue;
            }
            int len = Math.min(b.w - col, end - q);
            seg[3 * count] = q - q0;
            seg[3 * count + 1] = len;
            seg[3 * count + 2] = (img * rows * b.h + r) * b.w + col;
            count++;
            q += len;
        }
        return count;
    }

    /** One tile row into its pixel runs: out[base + dst + i] (= or +=) tile[t + col + i] (+ bias). */
    private static void writeRow(float[] tile, int t, float[] out, int base, int[] seg, int segs, float bias, boolean accumulate) {
        FloatVector bv = FloatVector.broadcast(S, bias);
        for (int s = 0; s < segs; s++) {
            int src = t + seg[3 * s], len = seg[3 * s + 1], dst = base + seg[3 * s + 2], i = 0;
            if (accumulate) {
                for (; i <= len - L; i += L) {
                    FloatVector.fromArray(S, tile, src + i).add(FloatVector.fromArray(S, out, dst + i)).intoArray(out, dst + i);
                }
                for (; i < len; i++) out[dst + i] += tile[src + i];
            } else {
                for (; i <= len - L; i += L) FloatVector.fromArray(S, tile, src + i).add(bv).intoArray(out, dst + i);
                for (; i < len; i++) out[dst + i] = tile[src + i] + bias;
            }
        }
    }

    /**
     * tile (MR × NR) = Σ_p a[ai + p·MR + r] · band[q + off[p] + j]: {@link Gemm#kernel8x3} with B
     * read from the band at each row's offset instead of from a packed panel.
     */
    static void kernel8x3(int k, float[] a, int ai, float[] band, int q, int[] off, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z, c0_2 = z;
        FloatVector c1_0 = z, c1_1 = z, c1_2 = z;
        FloatVector c2_0 = z, c2_1 = z, c2_2 = z;
        FloatVector c3_0 = z, c3_1 = z, c3_2 = z;
        FloatVector c4_0 = z, c4_1 = z, c4_2 = z;
        FloatVector c5_0 = z, c5_1 = z, c5_2 = z;
        FloatVector c6_0 = z, c6_1 = z, c6_2 = z;
        FloatVector c7_0 = z, c7_1 = z, c7_2 = z;
        FloatVector x;
        for (int p = 0; p < k; p++) {
            int pa = ai + p * 8, pb = q + off[p];
            FloatVector b0 = FloatVector.fromArray(S, band, pb);
            FloatVector b1 = FloatVector.fromArray(S, band, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, band, pb + 2 * L);
            x = FloatVector.broadcast(S, a[pa]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            c0_2 = b2.fma(x, c0_2);
            x = FloatVector.broadcast(S, a[pa + 1]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            c1_2 = b2.fma(x, c1_2);
            x = FloatVector.broadcast(S, a[pa + 2]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            c2_2 = b2.fma(x, c2_2);
            x = FloatVector.broadcast(S, a[pa + 3]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            c3_2 = b2.fma(x, c3_2);
            x = FloatVector.broadcast(S, a[pa + 4]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            c4_2 = b2.fma(x, c4_2);
            x = FloatVector.broadcast(S, a[pa + 5]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            c5_2 = b2.fma(x, c5_2);
            x = FloatVector.broadcast(S, a[pa + 6]);
            c6_0 = b0.fma(x, c6_0);
            c6_1 = b1.fma(x, c6_1);
            c6_2 = b2.fma(x, c6_2);
            x = FloatVector.broadcast(S, a[pa + 7]);
            c7_0 = b0.fma(x, c7_0);
            c7_1 = b1.fma(x, c7_1);
            c7_2 = b2.fma(x, c7_2);
        }
        c0_0.intoArray(tile, 0);
        c0_1.intoArray(tile, L);
        c0_2.intoArray(tile, 2 * L);
        c1_0.intoArray(tile, 3 * L);
        c1_1.intoArray(tile, 4 * L);
        c1_2.intoArray(tile, 5 * L);
        c2_0.intoArray(tile, 6 * L);
        c2_1.intoArray(tile, 7 * L);
        c2_2.intoArray(tile, 8 * L);
        c3_0.intoArray(tile, 9 * L);
        c3_1.intoArray(tile, 10 * L);
        c3_2.intoArray(tile, 11 * L);
        c4_0.intoArray(tile, 12 * L);
        c4_1.intoArray(tile, 13 * L);
        c4_2.intoArray(tile, 14 * L);
        c5_0.intoArray(tile, 15 * L);
        c5_1.intoArray(tile, 16 * L);
        c5_2.intoArray(tile, 17 * L);
        c6_0.intoArray(tile, 18 * L);
        c6_1.intoArray(tile, 19 * L);
        c6_2.intoArray(tile, 20 * L);
        c7_0.intoArray(tile, 21 * L);
        c7_1.intoArray(tile, 22 * L);
        c7_2.intoArray(tile, 23 * L);
    }

    /** {@link #kernel8x3}'s 6×2L form, for 16 vector registers (AVX2, SSE). */
    static void kernel6x2(int k, float[] a, int ai, float[] band, int q, int[] off, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector x;
        for (int p = 0; p < k; p++) {
            int pa = ai + p * 6, pb = q + off[p];
            FloatVector b0 = FloatVector.fromArray(S, band, pb);
            FloatVector b1 = FloatVector.fromArray(S, band, pb + L);
            x = FloatVector.broadcast(S, a[pa]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            x = FloatVector.broadcast(S, a[pa + 1]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            x = FloatVector.broadcast(S, a[pa + 2]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            x = FloatVector.broadcast(S, a[pa + 3]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            x = FloatVector.broadcast(S, a[pa + 4]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            x = FloatVector.broadcast(S, a[pa + 5]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
        }
        c0_0.intoArray(tile, 0);
        c0_1.intoArray(tile, L);
        c1_0.intoArray(tile, 2 * L);
        c1_1.intoArray(tile, 3 * L);
        c2_0.intoArray(tile, 4 * L);
        c2_1.intoArray(tile, 5 * L);
        c3_0.intoArray(tile, 6 * L);
        c3_1.intoArray(tile, 7 * L);
        c4_0.intoArray(tile, 8 * L);
        c4_1.intoArray(tile, 9 * L);
        c5_0.intoArray(tile, 10 * L);
        c5_1.intoArray(tile, 11 * L);
    }

    /** The scalar reference of {@link #kernel8x3} and {@link #kernel6x2}. */
    static void kernelScalar(int k, float[] a, int ai, float[] band, int q, int[] off, float[] tile) {
        java.util.Arrays.fill(tile, 0, MR * NR, 0f);
        for (int p = 0; p < k; p++) {
            for (int r = 0; r < MR; r++) {
                float ar = a[ai + p * MR + r];
                for (int j = 0; j < NR; j++) tile[r * NR + j] = Math.fma(ar, band[q + off[p] + j], tile[r * NR + j]);
            }
        }
    }

    // ================================================================ backward to the weights

    /**
     * dW[co, ci, t] += Σ_l Σ_q dyBand_l[co, q] · xBand_l[ci, q + tap_l(t)], over q in chunks of
     * {@link #CHUNK} (rounded up to whole vectors: the dY band is zero there). Parallel over ci: each
     * thread writes its own dW entries, in a fixed order, so the result does not depend on the
     * thread count.
     */
    private void filterGradient(float[] dW, int dWo, Band[] bands, int[] xOff, int[] yOff, int cin, int cout) {
        int rows = WIDE ? 2 : 1;
        par.forRange(cin, 1, (part, from, to) -> {
            for (int l = 0; l < bands.length; l++) {
                Band b = bands[l];
                int qEnd = (b.outLen + L - 1) / L * L;
                for (int q0 = 0; q0 < qEnd; q0 += CHUNK) {
                    int q1 = Math.min(qEnd, q0 + CHUNK);
                    for (int ci = from; ci < to; ci++) {
                        int x0 = xOff[l] + ci * b.plane + b.start - b.width - 1; // tap 0
                        for (int co = 0; co < cout; co += rows) {
                            int d0 = yOff[l] + co * b.plane + b.start, o = dWo + (co * cin + ci) * 9;
                            if (WIDE && co + 1 < cout) dot2x9(dW, o, o + cin * 9, dyBand, d0, d0 + b.plane, xBand, x0, b.width, q0, q1);
                            else dot1x9(dW, o, dyBand, d0, xBand, x0, b.width, q0, q1);
                        }
                    }
                }
            }
        });
    }

    /** dW[o0 + t] += Σ_q dy[d0 + q] · x[x0 + q + tapOffset(t)], q in [q0, q1) by whole vectors. */
    static void dot1x9(float[] dW, int o0, float[] dy, int d0, float[] x, int x0, int width, int q0, int q1) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0, s8 = s0;
        int x1 = x0 + width, x2 = x0 + 2 * width;
        for (int q = q0; q < q1; q += L) {
            FloatVector g = FloatVector.fromArray(S, dy, d0 + q);
            s0 = FloatVector.fromArray(S, x, x0 + q).fma(g, s0);
            s1 = FloatVector.fromArray(S, x, x0 + q + 1).fma(g, s1);
            s2 = FloatVector.fromArray(S, x, x0 + q + 2).fma(g, s2);
            s3 = FloatVector.fromArray(S, x, x1 + q).fma(g, s3);
            s4 = FloatVector.fromArray(S, x, x1 + q + 1).fma(g, s4);
            s5 = FloatVector.fromArray(S, x, x1 + q + 2).fma(g, s5);
            s6 = FloatVector.fromArray(S, x, x2 + q).fma(g, s6);
            s7 = FloatVector.fromArray(S, x, x2 + q + 1).fma(g, s7);
            s8 = FloatVector.fromArray(S, x, x2 + q + 2).fma(g, s8);
        }
        dW[o0] += s0.reduceLanes(VectorOperators.ADD);
        dW[o0 + 1] += s1.reduceLanes(VectorOperators.ADD);
        dW[o0 + 2] += s2.reduceLanes(VectorOperators.ADD);
        dW[o0 + 3] += s3.reduceLanes(VectorOperators.ADD);
        dW[o0 + 4] += s4.reduceLanes(VectorOperators.ADD);
        dW[o0 + 5] += s5.reduceLanes(VectorOperators.ADD);
        dW[o0 + 6] += s6.reduceLanes(VectorOperators.ADD);
        dW[o0 + 7] += s7.reduceLanes(VectorOperators.ADD);
        dW[o0 + 8] += s8.reduceLanes(VectorOperators.ADD);
    }

    /** {@link #dot1x9} for two dY rows at once (d0 into dW at o0, d1 at o1): each x load feeds two sums. */
    static void dot2x9(float[] dW, int o0, int o1, float[] dy, int d0, int d1, float[] x, int x0, int width, int q0, int q1) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0, s8 = s0;
        FloatVector u0 = s0, u1 = s0, u2 = s0, u3 = s0, u4 = s0, u5 = s0, u6 = s0, u7 = s0, u8 = s0;
        int x1 = x0 + width, x2 = x0 + 2 * width;
        FloatVector v;
        for (int q = q0; q < q1; q += L) {
            FloatVector g = FloatVector.fromArray(S, dy, d0 + q), h = FloatVector.fromArray(S, dy, d1 + q);
            v = FloatVector.fromArray(S, x, x0 + q);
            s0 = v.fma(g, s0);
            u0 = v.fma(h, u0);
            v = FloatVector.fromArray(S, x, x0 + q + 1);
            s1 = v.fma(g, s1);
            u1 = v.fma(h, u1);
            v = FloatVector.fromArray(S, x, x0 + q + 2);
            s2 = v.fma(g, s2);
            u2 = v.fma(h, u2);
            v = FloatVector.fromArray(S, x, x1 + q);
            s3 = v.fma(g, s3);
            u3 = v.fma(h, u3);
            v = FloatVector.fromArray(S, x, x1 + q + 1);
            s4 = v.fma(g, s4);
            u4 = v.fma(h, u4);
            v = FloatVector.fromArray(S, x, x1 + q + 2);
            s5 = v.fma(g, s5);
            u5 = v.fma(h, u5);
            v = FloatVector.fromArray(S, x, x2 + q);
            s6 = v.fma(g, s6);
            u6 = v.fma(h, u6);
            v = FloatVector.fromArray(S, x, x2 + q + 1);
            s7 = v.fma(g, s7);
            u7 = v.fma(h, u7);
            v = FloatVector.fromArray(S, x, x2 + q + 2);
            s8 = v.fma(g, s8);
            u8 = v.fma(h, u8);
        }
        dW[o0] += s0.reduceLanes(VectorOperators.ADD);
        dW[o0 + 1] += s1.reduceLanes(VectorOperators.ADD);
        dW[o0 + 2] += s2.reduceLanes(VectorOperators.ADD);
        dW[o0 + 3] += s3.reduceLanes(VectorOperators.ADD);
        dW[o0 + 4] += s4.reduceLanes(VectorOperators.ADD);
        dW[o0 + 5] += s5.reduceLanes(VectorOperators.ADD);
        dW[o0 + 6] += s6.reduceLanes(VectorOperators.ADD);
        dW[o0 + 7] += s7.reduceLanes(VectorOperators.ADD);
        dW[o0 + 8] += s8.reduceLanes(VectorOperators.ADD);
        dW[o1] += u0.reduceLanes(VectorOperators.ADD);
        dW[o1 + 1] += u1.reduceLanes(VectorOperators.ADD);
        dW[o1 + 2] += u2.reduceLanes(VectorOperators.ADD);
        dW[o1 + 3] += u3.reduceLanes(VectorOperators.ADD);
        dW[o1 + 4] += u4.reduceLanes(VectorOperators.ADD);
        dW[o1 + 5] += u5.reduceLanes(VectorOperators.ADD);
        dW[o1 + 6] += u6.reduceLanes(VectorOperators.ADD);
        dW[o1 + 7] += u7.reduceLanes(VectorOperators.ADD);
        dW[o1 + 8] += u8.reduceLanes(VectorOperators.ADD);
    }

    /** The scalar reference of {@link #dot1x9}. */
    static void dotScalar(float[] dW, int o0, float[] dy, int d0, float[] x, int x0, int width, int q0, int q1) {
        for (int t = 0; t < 9; t++) {
            int xt = x0 + (t / 3) * width + t % 3;
            float s = 0f;
            for (int q = q0; q < q1; q++) s = Math.fma(dy[d0 + q], x[xt + q], s);
            dW[o0 + t] += s;
        }
    }
}

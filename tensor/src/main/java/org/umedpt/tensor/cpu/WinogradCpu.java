package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.umedpt.tensor.ConvGeometry;
import org.umedpt.tensor.Tensor;

/**
 * 3×3 convolution (stride 1, padding 1) of {@link CpuBackend} by Winograd's minimal filtering
 * F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015): for the
 * convolutions with many channels ({@link ConvCpu#banded}: the detection neck, the decoder's first
 * two stages), where a direct convolution spends 36 multiplies per 2×2 outputs and channel pair and
 * this spends 16. The reference is im2col + GEMM, which it must match up to
 * rounding (the transforms add a few ulps); measurements in {@code docs/DESIGN-NOTES.md}.
 *
 * <p>Each map is cut into 2×2 output tiles, tile t reading the 4×4 input patch d_t around it
 * (zero outside). With, per channel pair,
 * <pre>
 *   U = G g Gᵀ (4×4 from the 3×3 filter g)      V_t = Bᵀ d_t B      Y_t = Aᵀ [Σ_ci U ⊙ V_t] A (2×2)
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
 * </pre>
 * the sum over input channels is, for each of the 16 positions ξ of the 4×4 transform, one GEMM
 * M_ξ (tiles × cout) = V_ξ (tiles × cin) · U_ξ (cin × cout). The backward passes are the adjoints:
 * <ul>
 *   <li>to x: the same algorithm on dY with the filter transposed and flipped;
 *   <li>to w: dW = Gᵀ [Σ_t (A dY_t Aᵀ) ⊙ V_t] G, i.e. per ξ the GEMM dŴ_ξ (cout × cin) =
 *       (A dY Aᵀ)_ξᵀ · V_ξ over the tiles, then 4×4 → 3×3.
 * </ul>
 * The transforms run in channels-last order (a tile's 16 inputs are rows of c floats), so every
 * transform is vector arithmetic across channels: the maps are first copied NCHW → NHWC (zero
 * border), the outputs back. Several maps (a pyramid's levels) share the GEMMs: their tiles are
 * rows of the same V_ξ.
 *
 * <p>Not thread-safe: the transformed tensors are a workspace reused across calls.
 */
final class WinogradCpu {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = VectorMath.L;
    /** Output channels per block of the filters' tap-major copy. */
    private static final int BLOCK = 16;

    private final Parallel par;
    private final Gemm.Workspace[] gemmWork;
    private float[] nhwc = new float[0], v = new float[0], u = new float[0], m = new float[0], g = new float[0], dyv = new float[0];

    WinogradCpu(Parallel par, Gemm.Workspace[] gemmWork) {
        this.par = par;
        this.gemmWork = gemmWork;
    }

    /** The 2×2 tiles of one map of n images (h, w): ty × tx per image, {@code first} the index of its first tile among all maps'. */
    record Tiles(int n, int h, int w, int ty, int tx, int first) {
        int count() {
            return n * ty * tx;
        }

        /** Row stride of this map's NHWC copy (n, 2·ty + 2·pad, 2·tx + 2·pad, c). */
        int rowStride(int pad, int c) {
            return (2 * tx + 2 * pad) * c;
        }

        /** Index in that copy of the top-left of tile i: its 4×4 input patch's (pad 1) or its 2×2 outputs' (pad 0). */
        int corner(int i, int pad, int c) {
            int img = i / (ty * tx), y = i / tx % ty, x = i % tx;
            return ((img * (2 * ty + 2 * pad) + 2 * y) * (2 * tx + 2 * pad) + 2 * x) * c;
        }
    }

    private static Tiles[] tiles(ConvGeometry[] geos) {
        Tiles[] t = new Tiles[geos.length];
        int first = 0;
        for (int l = 0; l < geos.length; l++) {
            ConvGeometry geo = geos[l];
            t[l] = new Tiles(geo.n(), geo.h(), geo.w(), (geo.h() + 1) / 2, (geo.w() + 1) / 2, first);
            first += t[l].count();
        }
        return t;
    }

    private static int total(Tiles[] t) {
        Tiles last = t[t.length - 1];
        return last.first() + last.count();
    }

    // ================================================================ the primitives

    void forward(Tensor y, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias) {
        int cin = geos[0].c(), cout = w.dim(0);
        Tiles[] tiles = tiles(geos);
        int t = total(tiles);
        filterTransform(w, cout, cin, false);
        inputTransform(toNhwc(xs, tiles, cin), tiles, cin);
        m = ConvCpu.grow(m, 16L * t * cout);
        Gemm.batched(par, gemmWork, v, 0, false, u, 0, false, m, 0, 16, t, cout, cin, 1f, 0f, (long) t * cin, (long) cin * cout,
                (long) t * cout);
        outputTransform(ConvCpu.levels(y, geos, cout), tiles, cout, bias, false);
    }

    void backward(Tensor[] dXs, Tensor dW, Tensor dY, Tensor[] xs, ConvGeometry[] geos, Tensor w) {
        int cin = geos[0].c(), cout = w.dim(0);
        Tiles[] tiles = tiles(geos);
        int t = total(tiles);
        int[] dyOff = toNhwc(ConvCpu.levels(dY, geos, cout), tiles, cout); // one copy of dY serves both gradients
        if (dW != null) gradientTransform(dyOff, tiles, cout);
        boolean anyX = false;
        for (Tensor d : dXs) anyX |= d != null;
        if (anyX) { // the forward algorithm on dY with the filter transposed and flipped
            filterTransform(w, cout, cin, true);
            inputTransform(dyOff, tiles, cout);
            m = ConvCpu.grow(m, 16L * t * cin);
            Gemm.batched(par, gemmWork, v, 0, false, u, 0, false, m, 0, 16, t, cin, cout, 1f, 0f, (long) t * cout, (long) cout * cin,
                    (long) t * cin);
            outputTransform(dXs, tiles, cin, null, true);
        }
        if (dW != null) {
            inputTransform(toNhwc(xs, tiles, cin), tiles, cin);
            m = ConvCpu.grow(m, 16L * cout * cin);
            // dŴ_ξ (cout × cin) = (A dY Aᵀ)_ξᵀ · V_ξ: A is stored (tiles × cout), i.e. transposed
            Gemm.batched(par, gemmWork, dyv, 0, true, v, 0, false, m, 0, 16, cout, cin, t, 1f, 0f, (long) t * cout, (long) t * cin,
                    (long) cout * cin);
            filterGradient(dW, cout, cin);
        }
    }

    // ================================================================ filters

    /**
     * u (16, r, c) = G g Gᵀ per filter, r the GEMM's inner dimension: forward r = ci, c = co, g =
     * w[co, ci]; {@code adjoint} r = co, c = ci, g = w[co, ci] flipped (the input gradient's filter).
     */
    private void filterTransform(Tensor w, int cout, int cin, boolean adjoint) {
        int r = adjoint ? cout : cin, c = adjoint ? cin : cout, rc = r * c;
        float[] wd = w.data();
        int wo = w.offset();
        g = ConvCpu.grow(g, 9L * rc);
        u = ConvCpu.grow(u, 16L * rc);
        float[] gd = g, ud = u;
        // g (9, r, c): tap-major, so that the transform is vector arithmetic along c. By blocks of
        // BLOCK along c: each write is a run of BLOCK floats, each of the BLOCK filters read in order.
        par.forRange((c + BLOCK - 1) / BLOCK, 1, (part, from, to) -> {
            for (int j0 = from * BLOCK; j0 < Math.min(c, to * BLOCK); j0 += BLOCK) {
                int j1 = Math.min(c, j0 + BLOCK);
                for (int i = 0; i < r; i++) {
                    for (int tap = 0; tap < 9; tap++) {
                        int dst = (tap * r + i) * c;
                        if (adjoint) { // r = co, c = ci, flipped taps
                            for (int j = j0; j < j1; j++) gd[dst + j] = wd[wo + (i * cin + j) * 9 + 8 - tap];
                        } else {
                            for (int j = j0; j < j1; j++) gd[dst + j] = wd[wo + (j * cin + i) * 9 + tap];
                        }
                    }
                }
            }
        });
        int vec = c / L * L;
        par.forRange(r, Math.max(1, 4096 / (16 * c)), (part, from, to) -> {
            for (int i = from; i < to; i++) {
                int j = 0;
                for (; j < vec; j += L) filterTransformVector(gd, ud, (long) i * c + j, rc);
                for (; j < c; j++) filterTransformScalar(gd, ud, i * c + j, rc);
            }
        });
    }

    /**
     * G g Gᵀ for L filters at once: g[tap·rc + o], u[ξ·rc + o]. Row by row of G, each row its own
     * small method: the whole transform in one method passed C2's inlining budget and ran boxed
     * (JFR allocation samples), as did the other transforms below.
     */
    private static void filterTransformVector(float[] g, float[] u, long o, int rc) {
        int b = (int) o;
        filterRow(g, u, b, rc, 0, 1f, 0f, 0f);
        filterRow(g, u, b, rc, 1, 0.5f, 0.5f, 0.5f);
        filterRow(g, u, b, rc, 2, 0.5f, -0.5f, 0.5f);
        filterRow(g, u, b, rc, 3, 0f, 0f, 1f);
    }

    /**
     * Row i of G g Gᵀ: q_kw = c0·g[0][kw] + c1·g[1][kw] + c2·g[2][kw] (G's row i), then along kw
     * q0, (q0 + q1 + q2)/2, (q0 − q1 + q2)/2, q2.
     */
    private static void filterRow(float[] g, float[] u, int b, int rc, int i, float c0, float c1, float c2) {
        FloatVector q0 = FloatVector.fromArray(S, g, b).mul(c0).add(FloatVector.fromArray(S, g, 3 * rc + b).mul(c1))
                .add(FloatVector.fromArray(S, g, 6 * rc + b).mul(c2));
        FloatVector q1 = FloatVector.fromArray(S, g, rc + b).mul(c0).add(FloatVector.fromArray(S, g, 4 * rc + b).mul(c1))
                .add(FloatVector.fromArray(S, g, 7 * rc + b).mul(c2));
        FloatVector q2 = FloatVector.fromArray(S, g, 2 * rc + b).mul(c0).add(FloatVector.fromArray(S, g, 5 * rc + b).mul(c1))
                .add(FloatVector.fromArray(S, g, 8 * rc + b).mul(c2));
        FloatVector t = q0.add(q2);
        q0.intoArray(u, (4 * i) * rc + b);
        t.add(q1).mul(0.5f).intoArray(u, (4 * i + 1) * rc + b);
        t.sub(q1).mul(0.5f).intoArray(u, (4 * i + 2) * rc + b);
        q2.intoArray(u, (4 * i + 3) * rc + b);
    }

    private static void filterTransformScalar(float[] g, float[] u, int o, int rc) {
        float[] q = new float[12];
        for (int kw = 0; kw < 3; kw++) {
            float g0 = g[kw * rc + o], g1 = g[(3 + kw) * rc + o], g2 = g[(6 + kw) * rc + o], s = g0 + g2;
            q[kw] = g0;
            q[3 + kw] = (s + g1) * 0.5f;
            q[6 + kw] = (s - g1) * 0.5f;
            q[9 + kw] = g2;
        }
        for (int i = 0; i < 4; i++) {
            float a = q[3 * i], b = q[3 * i + 1], c = q[3 * i + 2], s = a + c;
            u[(4 * i) * rc + o] = a;
            u[(4 * i + 1) * rc + o] = (s + b) * 0.5f;
            u[(4 * i + 2) * rc + o] = (s - b) * 0.5f;
            u[(4 * i + 3) * rc + o] = c;
        }
    }

    /**
     * dW (cout, cin, 3, 3) += Gᵀ dŴ G from m (16, cout, cin): along ξ's rows, then its columns, one
     * vector of input channels at a time; scattered into dW's tap-minor layout through g.
     */
    private void filterGradient(Tensor dW, int cout, int cin) {
        float[] md = m, dd = dW.data();
        int dOff = dW.offset(), rc = cout * cin;
        g = ConvCpu.grow(g, 9L * rc);
        float[] gd = g; // (cout, 9, cin)
        int vec = cin / L * L;
        par.forRange(cout, 1, (part, from, to) -> {
            float[] tmp = new float[12 * L];
            for (int co = from; co < to; co++) {
                int ci = 0;
                for (; ci < vec; ci += L) filterGradientVector(md, gd, co, ci, cin, rc, tmp);
                for (; ci < cin; ci++) filterGradientScalar(md, gd, co, ci, cin, rc);
                for (int c = 0; c < cin; c++) {
                    int dst = dOff + (co * cin + c) * 9;
                    for (int tap = 0; tap < 9; tap++) dd[dst + tap] += gd[(co * 9 + tap) * cin + c];
                }
            }
        });
    }

    /** Gᵀ dŴ G for L input channels, in two passes through {@code tmp} (12·L floats), as {@link #outputVector}. */
    private static void filterGradientVector(float[] m, float[] out, int co, int ci, int cin, int rc, float[] tmp) {
        int b = co * cin + ci;
        for (int j = 0; j < 4; j++) filterGradientColumn(m, b + j * rc, 4 * rc, tmp, j * L);
        for (int kh = 0; kh < 3; kh++) filterGradientRow(tmp, 4 * kh * L, out, (co * 9 + 3 * kh) * cin + ci, cin);
    }

    /** Gᵀ along rows for column j: z0 = m0 + (m1 + m2)/2, z1 = (m1 − m2)/2, z2 = (m1 + m2)/2 + m3 to tmp[t + 4L·k]. */
    private static void filterGradientColumn(float[] m, int o, int step, float[] tmp, int t) {
        FloatVector m0 = FloatVector.fromArray(S, m, o), m1 = FloatVector.fromArray(S, m, o + step);
        FloatVector m2 = FloatVector.fromArray(S, m, o + 2 * step), m3 = FloatVector.fromArray(S, m, o + 3 * step);
        FloatVector h = m1.add(m2).mul(0.5f);
        m0.add(h).intoArray(tmp, t);
        m1.sub(m2).mul(0.5f).intoArray(tmp, t + 4 * L);
        h.add(m3).intoArray(tmp, t + 8 * L);
    }

    /** G along columns for one kernel row: z0 + (z1 + z2)/2, (z1 − z2)/2, (z1 + z2)/2 + z3 to out[o], out[o + cin], out[o + 2·cin]. */
    private static void filterGradientRow(float[] tmp, int t, float[] out, int o, int cin) {
        FloatVector z0 = FloatVector.fromArray(S, tmp, t), z1 = FloatVector.fromArray(S, tmp, t + L);
        FloatVector z2 = FloatVector.fromArray(S, tmp, t + 2 * L), z3 = FloatVector.fromArray(S, tmp, t + 3 * L);
        FloatVector h = z1.add(z2).mul(0.5f);
        z0.add(h).intoArray(out, o);
        z1.sub(z2).mul(0.5f).intoArray(out, o + cin);
        h.add(z3).intoArray(out, o + 2 * cin);
    }

    private static void filterGradientScalar(float[] m, float[] out, int co, int ci, int cin, int rc) {
        int b = co * cin + ci;
        float[] z = new float[12];
        for (int j = 0; j < 4; j++) {
            float m0 = m[j * rc + b], m1 = m[(4 + j) * rc + b], m2 = m[(8 + j) * rc + b], m3 = m[(12 + j) * rc + b];
            float s = (m1 + m2) * 0.5f;
            z[j] = m0 + s;
            z[4 + j] = (m1 - m2) * 0.5f;
            z[8 + j] = s + m3;
        }
        for (int kh = 0; kh < 3; kh++) {
            float z0 = z[4 * kh], z1 = z[4 * kh + 1], z2 = z[4 * kh + 2], z3 = z[4 * kh + 3], s = (z1 + z2) * 0.5f;
            int o = (co * 9 + 3 * kh) * cin + ci;
            out[o] = z0 + s;
            out[o + cin] = (z1 - z2) * 0.5f;
            out[o + 2 * cin] = s + z3;
        }
    }

    // ================================================================ maps

    /**
     * Copies each map (n, c, h, w) into {@code nhwc} as (n, 2·ty + 2, 2·tx + 2, c), shifted by one
     * row and column, zero elsewhere (the border the 4×4 input patches read); returns each map's
     * offset there.
     */
    private int[] toNhwc(Tensor[] maps, Tiles[] tiles, int c) {
        int[] off = new int[tiles.length + 1];
        for (int l = 0; l < tiles.length; l++) {
            Tiles t = tiles[l];
            off[l + 1] = off[l] + t.n() * (2 * t.ty() + 2) * t.rowStride(1, c);
        }
        nhwc = ConvCpu.grow(nhwc, off[tiles.length]);
        float[] out = nhwc;
        for (int l = 0; l < tiles.length; l++) {
            Tiles t = tiles[l];
            float[] x = maps[l].data();
            int xo = maps[l].offset(), o = off[l], hp = 2 * t.ty() + 2, rs = t.rowStride(1, c);
            par.forRange(t.n() * hp, Math.max(1, 8192 / rs), (part, from, to) -> {
                java.util.Arrays.fill(out, o + from * rs, o + to * rs, 0f);
                for (int row = from; row < to; row++) {
                    int img = row / hp, y = row % hp - 1;
                    if (y < 0 || y >= t.h()) continue;
                    int dst = o + row * rs + c;
                    for (int ch = 0; ch < c; ch++) {
                        int src = xo + ((img * c + ch) * t.h() + y) * t.w();
                        for (int col = 0; col < t.w(); col++) out[dst + col * c + ch] = x[src + col];
                    }
                }
            });
        }
        return off;
    }

    /** v (16, tiles, c) = Bᵀ d B for every tile of the maps, from their {@link #toNhwc} copies at off. */
    private void inputTransform(int[] off, Tiles[] tiles, int c) {
        int t = total(tiles);
        v = ConvCpu.grow(v, 16L * t * c);
        float[] in = nhwc, out = v;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile);
                Tiles tl = tiles[l];
                int rs = tl.rowStride(1, c), base = off[l] + tl.corner(tile - tl.first(), 1, c), ch = 0;
                for (; ch < vec; ch += L) inputVector(in, base + ch, rs, c, out, tile * c + ch, t * c);
                for (; ch < c; ch++) inputScalar(in, base + ch, rs, c, out, tile * c + ch, t * c);
            }
        });
    }

    private static int level(Tiles[] tiles, int tile) {
        int l = 0;
        while (l + 1 < tiles.length && tile >= tiles[l + 1].first()) l++;
        return l;
    }

    /** Bᵀ d B for L channels: d[i][j] at in[base + i·rs + j·cs], out[ξ·stride + o]; row by row of Bᵀ. */
    private static void inputVector(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        inputRow(in, base, base + 2 * rs, cs, true, out, o, stride);                   // d0 − d2
        inputRow(in, base + rs, base + 2 * rs, cs, false, out, o + 4 * stride, stride);  // d1 + d2
        inputRow(in, base + 2 * rs, base + rs, cs, true, out, o + 8 * stride, stride);   // d2 − d1
        inputRow(in, base + rs, base + 3 * rs, cs, true, out, o + 12 * stride, stride);  // d1 − d3
    }

    /**
     * One row of Bᵀ d B: r_j = d_a[j] ± d_b[j] (rows at pa and pb), then along j r0 − r2, r1 + r2,
     * r2 − r1, r1 − r3 to out[oi + k·stride], k = 0…3.
     */
    private static void inputRow(float[] in, int pa, int pb, int cs, boolean sub, float[] out, int oi, int stride) {
        FloatVector a0 = FloatVector.fromArray(S, in, pa), a1 = FloatVector.fromArray(S, in, pa + cs);
        FloatVector a2 = FloatVector.fromArray(S, in, pa + 2 * cs), a3 = FloatVector.fromArray(S, in, pa + 3 * cs);
        FloatVector b0 = FloatVector.fromArray(S, in, pb), b1 = FloatVector.fromArray(S, in, pb + cs);
        FloatVector b2 = FloatVector.fromArray(S, in, pb + 2 * cs), b3 = FloatVector.fromArray(S, in, pb + 3 * cs);
        FloatVector r0 = sub ? a0.sub(b0) : a0.add(b0), r1 = sub ? a1.sub(b1) : a1.add(b1);
        FloatVector r2 = sub ? a2.sub(b2) : a2.add(b2), r3 = sub ? a3.sub(b3) : a3.add(b3);
        r0.sub(r2).intoArray(out, oi);
        r1.add(r2).intoArray(out, oi + stride);
        r2.sub(r1).intoArray(out, oi + 2 * stride);
        r1.sub(r3).intoArray(out, oi + 3 * stride);
    }

    private static void inputScalar(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        float[] r = new float[16];
        for (int j = 0; j < 4; j++) {
            int p = base + j * cs;
            float d0 = in[p], d1 = in[p + rs], d2 = in[p + 2 * rs], d3 = in[p + 3 * rs];
            r[j] = d0 - d2;
            r[4 + j] = d1 + d2;
            r[8 + j] = d2 - d1;
            r[12 + j] = d1 - d3;
        }
        for (int i = 0; i < 4; i++) {
            float a = r[4 * i], b = r[4 * i + 1], c = r[4 * i + 2], d = r[4 * i + 3];
            out[(4 * i) * stride + o] = a - c;
            out[(4 * i + 1) * stride + o] = b + c;
            out[(4 * i + 2) * stride + o] = c - b;
            out[(4 * i + 3) * stride + o] = b - d;
        }
    }

    /**
     * dyv (16, tiles, c) = A e Aᵀ for every 2×2 tile e of the maps (zero beyond their edges), from
     * their {@link #toNhwc} copies at off: a tile's outputs are one row and column in from its patch.
     */
    private void gradientTransform(int[] off, Tiles[] tiles, int c) {
        int t = total(tiles);
        dyv = ConvCpu.grow(dyv, 16L * t * c);
        float[] in = nhwc, out = dyv;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile);
                Tiles tl = tiles[l];
                int rs = tl.rowStride(1, c), base = off[l] + tl.corner(tile - tl.first(), 1, c) + rs + c, ch = 0;
                for (; ch < vec; ch += L) gradientVector(in, base + ch, rs, c, out, tile * c + ch, t * c);
                for (; ch < c; ch++) gradientScalar(in, base + ch, rs, c, out, tile * c + ch, t * c);
            }
        });
    }

    /** A e Aᵀ for L channels, A = [1 0; 1 1; 1 −1; 0 −1]: e[i][j] at in[base + i·rs + j·cs]; row by row of A. */
    private static void gradientVector(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        gradientRow(in, base, rs, cs, 1f, 0f, out, o, stride);
        gradientRow(in, base, rs, cs, 1f, 1f, out, o + 4 * stride, stride);
        gradientRow(in, base, rs, cs, 1f, -1f, out, o + 8 * stride, stride);
        gradientRow(in, base, rs, cs, 0f, -1f, out, o + 12 * stride, stride);
    }

    /** One row of A e Aᵀ: a_j = c0·e[0][j] + c1·e[1][j] (A's row), then a0, a0 + a1, a0 − a1, −a1. */
    private static void gradientRow(float[] in, int base, int rs, int cs, float c0, float c1, float[] out, int oi, int stride) {
        FloatVector a0 = FloatVector.fromArray(S, in, base).mul(c0).add(FloatVector.fromArray(S, in, base + rs).mul(c1));
        FloatVector a1 = FloatVector.fromArray(S, in, base + cs).mul(c0).add(FloatVector.fromArray(S, in, base + rs + cs).mul(c1));
        a0.intoArray(out, oi);
        a0.add(a1).intoArray(out, oi + stride);
        a0.sub(a1).intoArray(out, oi + 2 * stride);
        a1.neg().intoArray(out, oi + 3 * stride);
    }

    private static void gradientScalar(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        float e00 = in[base], e01 = in[base + cs], e10 = in[base + rs], e11 = in[base + rs + cs];
        float[] a = {e00, e01, e00 + e10, e01 + e11, e00 - e10, e01 - e11, -e10, -e11};
        for (int i = 0; i < 4; i++) {
            float p = a[2 * i], q = a[2 * i + 1];
            out[(4 * i) * stride + o] = p;
            out[(4 * i + 1) * stride + o] = p + q;
            out[(4 * i + 2) * stride + o] = p - q;
            out[(4 * i + 3) * stride + o] = -q;
        }
    }

    /**
     * outs_l (n, c, h, w) (= m's Aᵀ M A + bias, or +=) for every tile, through an NHWC buffer (the
     * 2×2 outputs of a tile are c-vectors); maps with a null output are skipped.
     */
    private void outputTransform(Tensor[] outs, Tiles[] tiles, int c, Tensor bias, boolean accumulate) {
        int t = total(tiles);
        int[] off = new int[tiles.length + 1];
        for (int l = 0; l < tiles.length; l++) off[l + 1] = off[l] + tiles[l].count() * 4 * c;
        nhwc = ConvCpu.grow(nhwc, off[tiles.length]);
        float[] in = m, mid = nhwc;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            float[] tmp = new float[8 * L];
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile);
                if (outs[l] == null) continue;
                Tiles tl = tiles[l];
                int rs = tl.rowStride(0, c), dst = off[l] + tl.corner(tile - tl.first(), 0, c);
                int ch = 0;
                for (; ch < vec; ch += L) outputVector(in, tile * c + ch, t * c, mid, dst + ch, rs, c, tmp);
                for (; ch < c; ch++) outputScalar(in, tile * c + ch, t * c, mid, dst + ch, rs, c);
            }
        });
        float[] bd = bias == null ? null : bias.data();
        int bo = bias == null ? 0 : bias.offset();
        for (int l = 0; l < tiles.length; l++) {
            if (outs[l] == null) continue;
            Tiles tl = tiles[l];
            float[] od = outs[l].data();
            int oo = outs[l].offset(), o = off[l], wp = 2 * tl.tx(), hp = 2 * tl.ty();
            par.forRange(tl.n() * c, Math.max(1, 8192 / (tl.h() * tl.w())), (part, from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int img = plane / c, ch = plane % c;
                    float b = bd == null ? 0f : bd[bo + ch];
                    for (int y = 0; y < tl.h(); y++) {
                        int src = o + ((img * hp + y) * wp) * c + ch, dst = oo + (plane * tl.h() + y) * tl.w();
                        if (accumulate) {
                            for (int x = 0; x < tl.w(); x++) od[dst + x] += mid[src + x * c];
                        } else {
                            for (int x = 0; x < tl.w(); x++) od[dst + x] = mid[src + x * c] + b;
                        }
                    }
                }
            });
        }
    }

    /**
     * Aᵀ M A for L channels: M[ξ] at in[ξ·stride + o]; the 2×2 result at out[dst + i·rs + j·cs]. In two
     * passes through {@code tmp} (8·L floats), each a method of a few vector operations: as one
     * method, or as two rows of 26, C2 ran it boxed.
     */
    private static void outputVector(float[] in, int o, int stride, float[] out, int dst, int rs, int cs, float[] tmp) {
        for (int j = 0; j < 4; j++) outputColumn(in, o + j * stride, 4 * stride, tmp, j * L);
        outputRow(tmp, 0, out, dst, cs);
        outputRow(tmp, 4 * L, out, dst + rs, cs);
    }

    /** Along rows for column j: tmp[t] = m0 + m1 + m2, tmp[t + 4L] = m1 − m2 − m3 (m_i at in[o + i·step]). */
    private static void outputColumn(float[] in, int o, int step, float[] tmp, int t) {
        FloatVector m0 = FloatVector.fromArray(S, in, o), m1 = FloatVector.fromArray(S, in, o + step);
        FloatVector m2 = FloatVector.fromArray(S, in, o + 2 * step), m3 = FloatVector.fromArray(S, in, o + 3 * step);
        m0.add(m1).add(m2).intoArray(tmp, t);
        m1.sub(m2).sub(m3).intoArray(tmp, t + 4 * L);
    }

    /** Along columns: s0 + s1 + s2 and s1 − s2 − s3 (s_j at tmp[t + j·L]) to out[dst], out[dst + cs]. */
    private static void outputRow(float[] tmp, int t, float[] out, int dst, int cs) {
        FloatVector s0 = FloatVector.fromArray(S, tmp, t), s1 = FloatVector.fromArray(S, tmp, t + L);
        FloatVector s2 = FloatVector.fromArray(S, tmp, t + 2 * L), s3 = FloatVector.fromArray(S, tmp, t + 3 * L);
        s0.add(s1).add(s2).intoArray(out, dst);
        s1.sub(s2).sub(s3).intoArray(out, dst + cs);
    }

    private static void outputScalar(float[] in, int o, int stride, float[] out, int dst, int rs, int cs) {
        float[] s = new float[8];
        for (int j = 0; j < 4; j++) {
            float m0 = in[j * stride + o], m1 = in[(4 + j) * stride + o], m2 = in[(8 + j) * stride + o], m3 = in[(12 + j) * stride + o];
            s[j] = m0 + m1 + m2;
            s[4 + j] = m1 - m2 - m3;
        }
        for (int i = 0; i < 2; i++) {
            out[dst + i * rs] = s[4 * i] + s[4 * i + 1] + s[4 * i + 2];
            out[dst + i * rs + cs] = s[4 * i + 1] - s[4 * i + 2] - s[4 * i + 3];
        }
    }
}

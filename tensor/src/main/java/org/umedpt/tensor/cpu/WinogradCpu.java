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

    private static float[] grow(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("conv2d (Winograd): workspace of " + n + " floats is too large");
        return a.length >= n ? a : new float[(int) n];
    }

    /** Views of the levels of a flat (levels of (n, c, h_l, w_l)) tensor. */
    private static Tensor[] levels(Tensor flat, Tiles[] tiles, int c) {
        Tensor[] out = new Tensor[tiles.length];
        for (int l = 0, off = 0; l < tiles.length; l++) {
            int len = tiles[l].n() * c * tiles[l].h() * tiles[l].w();
            out[l] = flat.flatView(off, len);
            off += len;
        }
        return out;
    }

    // ================================================================ the primitives

    void forward(Tensor y, Tensor[] xs, ConvGeometry[] geos, Tensor w, Tensor bias) {
        int cin = geos[0].c(), cout = w.dim(0);
        Tiles[] tiles = tiles(geos);
        int t = total(tiles);
        filterTransform(w, cout, cin, false);
        inputTransform(xs, tiles, cin);
        m = grow(m, 16L * t * cout);
        Gemm.batched(par, gemmWork, v, 0, false, u, 0, false, m, 0, 16, t, cout, cin, 1f, 0f, (long) t * cin, (long) cin * cout,
                (long) t * cout);
        outputTransform(levels(y, tiles, cout), tiles, cout, bias, false);
    }

    void backward(Tensor[] dXs, Tensor dW, Tensor dY, Tensor[] xs, ConvGeometry[] geos, Tensor w) {
        int cin = geos[0].c(), cout = w.dim(0);
        Tiles[] tiles = tiles(geos);
        int t = total(tiles);
        Tensor[] dys = levels(dY, tiles, cout);
        boolean anyX = false;
        for (Tensor d : dXs) anyX |= d != null;
        if (anyX) { // the forward algorithm on dY with the filter transposed and flipped
            filterTransform(w, cout, cin, true);
            inputTransform(dys, tiles, cout);
            m = grow(m, 16L * t * cin);
            Gemm.batched(par, gemmWork, v, 0, false, u, 0, false, m, 0, 16, t, cin, cout, 1f, 0f, (long) t * cout, (long) cout * cin,
                    (long) t * cin);
            outputTransform(dXs, tiles, cin, null, true);
        }
        if (dW != null) {
            gradientTransform(dys, tiles, cout);
            inputTransform(xs, tiles, cin);
            m = grow(m, 16L * cout * cin);
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
        g = grow(g, 9L * rc);
        u = grow(u, 16L * rc);
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

    /** G g Gᵀ for L filters at once: g[tap·rc + o], u[ξ·rc + o]. Locals only: vectors in an array or passed to a helper may be boxed. */
    private static void filterTransformVector(float[] g, float[] u, long o, int rc) {
        int b = (int) o;
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        // along kh, for each column kw: q0 = g0, q1 = (g0 + g1 + g2)/2, q2 = (g0 − g1 + g2)/2, q3 = g2
        FloatVector g00 = FloatVector.fromArray(S, g, 0 * rc + b), g10 = FloatVector.fromArray(S, g, 3 * rc + b), g20 = FloatVector.fromArray(S, g, 6 * rc + b);
        FloatVector s0 = g00.add(g20);
        FloatVector q00 = g00, q10 = s0.add(g10).mul(half), q20 = s0.sub(g10).mul(half), q30 = g20;
        FloatVector g01 = FloatVector.fromArray(S, g, 1 * rc + b), g11 = FloatVector.fromArray(S, g, 4 * rc + b), g21 = FloatVector.fromArray(S, g, 7 * rc + b);
        FloatVector s1 = g01.add(g21);
        FloatVector q01 = g01, q11 = s1.add(g11).mul(half), q21 = s1.sub(g11).mul(half), q31 = g21;
        FloatVector g02 = FloatVector.fromArray(S, g, 2 * rc + b), g12 = FloatVector.fromArray(S, g, 5 * rc + b), g22 = FloatVector.fromArray(S, g, 8 * rc + b);
        FloatVector s2 = g02.add(g22);
        FloatVector q02 = g02, q12 = s2.add(g12).mul(half), q22 = s2.sub(g12).mul(half), q32 = g22;
        // along kw, for each row i: q_i0, (q_i0 + q_i1 + q_i2)/2, (q_i0 − q_i1 + q_i2)/2, q_i2
        FloatVector t0 = q00.add(q02);
        q00.intoArray(u, 0 * rc + b);
        t0.add(q01).mul(half).intoArray(u, 1 * rc + b);
        t0.sub(q01).mul(half).intoArray(u, 2 * rc + b);
        q02.intoArray(u, 3 * rc + b);
        FloatVector t1 = q10.add(q12);
        q10.intoArray(u, 4 * rc + b);
        t1.add(q11).mul(half).intoArray(u, 5 * rc + b);
        t1.sub(q11).mul(half).intoArray(u, 6 * rc + b);
        q12.intoArray(u, 7 * rc + b);
        FloatVector t2 = q20.add(q22);
        q20.intoArray(u, 8 * rc + b);
        t2.add(q21).mul(half).intoArray(u, 9 * rc + b);
        t2.sub(q21).mul(half).intoArray(u, 10 * rc + b);
        q22.intoArray(u, 11 * rc + b);
        FloatVector t3 = q30.add(q32);
        q30.intoArray(u, 12 * rc + b);
        t3.add(q31).mul(half).intoArray(u, 13 * rc + b);
        t3.sub(q31).mul(half).intoArray(u, 14 * rc + b);
        q32.intoArray(u, 15 * rc + b);
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
        g = grow(g, 9L * rc);
        float[] gd = g; // (cout, 9, cin)
        int vec = cin / L * L;
        par.forRange(cout, 1, (part, from, to) -> {
            for (int co = from; co < to; co++) {
                int ci = 0;
                for (; ci < vec; ci += L) filterGradientVector(md, gd, co, ci, cin, rc);
                for (; ci < cin; ci++) filterGradientScalar(md, gd, co, ci, cin, rc);
                for (int c = 0; c < cin; c++) {
                    int dst = dOff + (co * cin + c) * 9;
                    for (int tap = 0; tap < 9; tap++) dd[dst + tap] += gd[(co * 9 + tap) * cin + c];
                }
            }
        });
    }

    private static void filterGradientVector(float[] m, float[] out, int co, int ci, int cin, int rc) {
        int b = co * cin + ci;
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        // Gᵀ along ξ's rows, per column j: z0 = m0 + (m1 + m2)/2, z1 = (m1 − m2)/2, z2 = (m1 + m2)/2 + m3
        FloatVector m00 = FloatVector.fromArray(S, m, 0 * rc + b), m10 = FloatVector.fromArray(S, m, 4 * rc + b);
        FloatVector m20 = FloatVector.fromArray(S, m, 8 * rc + b), m30 = FloatVector.fromArray(S, m, 12 * rc + b);
        FloatVector h0 = m10.add(m20).mul(half);
        FloatVector z00 = m00.add(h0), z10 = m10.sub(m20).mul(half), z20 = h0.add(m30);
        FloatVector m01 = FloatVector.fromArray(S, m, 1 * rc + b), m11 = FloatVector.fromArray(S, m, 5 * rc + b);
        FloatVector m21 = FloatVector.fromArray(S, m, 9 * rc + b), m31 = FloatVector.fromArray(S, m, 13 * rc + b);
        FloatVector h1 = m11.add(m21).mul(half);
        FloatVector z01 = m01.add(h1), z11 = m11.sub(m21).mul(half), z21 = h1.add(m31);
        FloatVector m02 = FloatVector.fromArray(S, m, 2 * rc + b), m12 = FloatVector.fromArray(S, m, 6 * rc + b);
        FloatVector m22 = FloatVector.fromArray(S, m, 10 * rc + b), m32 = FloatVector.fromArray(S, m, 14 * rc + b);
        FloatVector h2 = m12.add(m22).mul(half);
        FloatVector z02 = m02.add(h2), z12 = m12.sub(m22).mul(half), z22 = h2.add(m32);
        FloatVector m03 = FloatVector.fromArray(S, m, 3 * rc + b), m13 = FloatVector.fromArray(S, m, 7 * rc + b);
        FloatVector m23 = FloatVector.fromArray(S, m, 11 * rc + b), m33 = FloatVector.fromArray(S, m, 15 * rc + b);
        FloatVector h3 = m13.add(m23).mul(half);
        FloatVector z03 = m03.add(h3), z13 = m13.sub(m23).mul(half), z23 = h3.add(m33);
        // then along its columns, per kernel row kh
        FloatVector k0 = z01.add(z02).mul(half);
        z00.add(k0).intoArray(out, (co * 9 + 0) * cin + ci);
        z01.sub(z02).mul(half).intoArray(out, (co * 9 + 1) * cin + ci);
        k0.add(z03).intoArray(out, (co * 9 + 2) * cin + ci);
        FloatVector k1 = z11.add(z12).mul(half);
        z10.add(k1).intoArray(out, (co * 9 + 3) * cin + ci);
        z11.sub(z12).mul(half).intoArray(out, (co * 9 + 4) * cin + ci);
        k1.add(z13).intoArray(out, (co * 9 + 5) * cin + ci);
        FloatVector k2 = z21.add(z22).mul(half);
        z20.add(k2).intoArray(out, (co * 9 + 6) * cin + ci);
        z21.sub(z22).mul(half).intoArray(out, (co * 9 + 7) * cin + ci);
        k2.add(z23).intoArray(out, (co * 9 + 8) * cin + ci);
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
     * Copies each map (n, c, h, w) into {@code nhwc} as (n, 2·ty + 2·pad, 2·tx + 2·pad, c), shifted by
     * pad, zero elsewhere; returns each map's offset there.
     */
    private int[] toNhwc(Tensor[] maps, Tiles[] tiles, int c, int pad) {
        int[] off = new int[tiles.length + 1];
        for (int l = 0; l < tiles.length; l++) {
            Tiles t = tiles[l];
            off[l + 1] = off[l] + t.n() * (2 * t.ty() + 2 * pad) * (2 * t.tx() + 2 * pad) * c;
        }
        nhwc = grow(nhwc, off[tiles.length]);
        float[] out = nhwc;
        for (int l = 0; l < tiles.length; l++) {
            Tiles t = tiles[l];
            float[] x = maps[l].data();
            int xo = maps[l].offset(), o = off[l], hp = 2 * t.ty() + 2 * pad, wp = 2 * t.tx() + 2 * pad;
            par.forRange(t.n() * hp, Math.max(1, 8192 / (wp * c)), (part, from, to) -> {
                java.util.Arrays.fill(out, o + from * wp * c, o + to * wp * c, 0f);
                for (int row = from; row < to; row++) {
                    int img = row / hp, y = row % hp - pad;
                    if (y < 0 || y >= t.h()) continue;
                    int dst = o + (row * wp + pad) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int src = xo + ((img * c + ch) * t.h() + y) * t.w();
                        for (int col = 0; col < t.w(); col++) out[dst + col * c + ch] = x[src + col];
                    }
                }
            });
        }
        return off;
    }

    /** v (16, tiles, c) = Bᵀ d B for every tile of the maps (their NHWC copies with a zero border). */
    private void inputTransform(Tensor[] maps, Tiles[] tiles, int c) {
        int[] off = toNhwc(maps, tiles, c, 1);
        int t = total(tiles);
        v = grow(v, 16L * t * c);
        float[] in = nhwc, out = v;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile), local = tile - tiles[l].first();
                Tiles tl = tiles[l];
                int img = local / (tl.ty() * tl.tx()), ty = local / tl.tx() % tl.ty(), tx = local % tl.tx();
                int wp = 2 * tl.tx() + 2, rs = wp * c;
                int base = off[l] + ((img * (2 * tl.ty() + 2) + 2 * ty) * wp + 2 * tx) * c;
                int ch = 0;
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

    /** Bᵀ d B for L channels: d[i][j] at in[base + i·rs + j·cs], out[ξ·stride + o]. */
    private static void inputVector(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        // along rows, per column j: r0 = d0 − d2, r1 = d1 + d2, r2 = d2 − d1, r3 = d1 − d3
        FloatVector d00 = FloatVector.fromArray(S, in, base + 0 * cs), d10 = FloatVector.fromArray(S, in, base + rs + 0 * cs);
        FloatVector d20 = FloatVector.fromArray(S, in, base + 2 * rs + 0 * cs), d30 = FloatVector.fromArray(S, in, base + 3 * rs + 0 * cs);
        FloatVector r00 = d00.sub(d20), r10 = d10.add(d20), r20 = d20.sub(d10), r30 = d10.sub(d30);
        FloatVector d01 = FloatVector.fromArray(S, in, base + 1 * cs), d11 = FloatVector.fromArray(S, in, base + rs + 1 * cs);
        FloatVector d21 = FloatVector.fromArray(S, in, base + 2 * rs + 1 * cs), d31 = FloatVector.fromArray(S, in, base + 3 * rs + 1 * cs);
        FloatVector r01 = d01.sub(d21), r11 = d11.add(d21), r21 = d21.sub(d11), r31 = d11.sub(d31);
        FloatVector d02 = FloatVector.fromArray(S, in, base + 2 * cs), d12 = FloatVector.fromArray(S, in, base + rs + 2 * cs);
        FloatVector d22 = FloatVector.fromArray(S, in, base + 2 * rs + 2 * cs), d32 = FloatVector.fromArray(S, in, base + 3 * rs + 2 * cs);
        FloatVector r02 = d02.sub(d22), r12 = d12.add(d22), r22 = d22.sub(d12), r32 = d12.sub(d32);
        FloatVector d03 = FloatVector.fromArray(S, in, base + 3 * cs), d13 = FloatVector.fromArray(S, in, base + rs + 3 * cs);
        FloatVector d23 = FloatVector.fromArray(S, in, base + 2 * rs + 3 * cs), d33 = FloatVector.fromArray(S, in, base + 3 * rs + 3 * cs);
        FloatVector r03 = d03.sub(d23), r13 = d13.add(d23), r23 = d23.sub(d13), r33 = d13.sub(d33);
        // then along columns, per row i: the same combinations of r_i0 … r_i3
        r00.sub(r02).intoArray(out, 0 * stride + o);
        r01.add(r02).intoArray(out, 1 * stride + o);
        r02.sub(r01).intoArray(out, 2 * stride + o);
        r01.sub(r03).intoArray(out, 3 * stride + o);
        r10.sub(r12).intoArray(out, 4 * stride + o);
        r11.add(r12).intoArray(out, 5 * stride + o);
        r12.sub(r11).intoArray(out, 6 * stride + o);
        r11.sub(r13).intoArray(out, 7 * stride + o);
        r20.sub(r22).intoArray(out, 8 * stride + o);
        r21.add(r22).intoArray(out, 9 * stride + o);
        r22.sub(r21).intoArray(out, 10 * stride + o);
        r21.sub(r23).intoArray(out, 11 * stride + o);
        r30.sub(r32).intoArray(out, 12 * stride + o);
        r31.add(r32).intoArray(out, 13 * stride + o);
        r32.sub(r31).intoArray(out, 14 * stride + o);
        r31.sub(r33).intoArray(out, 15 * stride + o);
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

    /** dyv (16, tiles, c) = A e Aᵀ for every 2×2 tile e of the maps (zero beyond their edges). */
    private void gradientTransform(Tensor[] maps, Tiles[] tiles, int c) {
        int[] off = toNhwc(maps, tiles, c, 0);
        int t = total(tiles);
        dyv = grow(dyv, 16L * t * c);
        float[] in = nhwc, out = dyv;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile), local = tile - tiles[l].first();
                Tiles tl = tiles[l];
                int img = local / (tl.ty() * tl.tx()), ty = local / tl.tx() % tl.ty(), tx = local % tl.tx();
                int wp = 2 * tl.tx(), rs = wp * c;
                int base = off[l] + ((img * 2 * tl.ty() + 2 * ty) * wp + 2 * tx) * c;
                int ch = 0;
                for (; ch < vec; ch += L) gradientVector(in, base + ch, rs, c, out, tile * c + ch, t * c);
                for (; ch < c; ch++) gradientScalar(in, base + ch, rs, c, out, tile * c + ch, t * c);
            }
        });
    }

    /** A e Aᵀ for L channels, A = [1 0; 1 1; 1 −1; 0 −1]: e[i][j] at in[base + i·rs + j·cs]. */
    private static void gradientVector(float[] in, int base, int rs, int cs, float[] out, int o, int stride) {
        FloatVector e00 = FloatVector.fromArray(S, in, base), e01 = FloatVector.fromArray(S, in, base + cs);
        FloatVector e10 = FloatVector.fromArray(S, in, base + rs), e11 = FloatVector.fromArray(S, in, base + rs + cs);
        // along rows: a0 = e0, a1 = e0 + e1, a2 = e0 − e1, a3 = −e1; then the same along columns
        FloatVector a00 = e00, a01 = e01, a10 = e00.add(e10), a11 = e01.add(e11), a20 = e00.sub(e10), a21 = e01.sub(e11);
        FloatVector a30 = e10.neg(), a31 = e11.neg();
        a00.intoArray(out, 0 * stride + o);
        a00.add(a01).intoArray(out, 1 * stride + o);
        a00.sub(a01).intoArray(out, 2 * stride + o);
        a01.neg().intoArray(out, 3 * stride + o);
        a10.intoArray(out, 4 * stride + o);
        a10.add(a11).intoArray(out, 5 * stride + o);
        a10.sub(a11).intoArray(out, 6 * stride + o);
        a11.neg().intoArray(out, 7 * stride + o);
        a20.intoArray(out, 8 * stride + o);
        a20.add(a21).intoArray(out, 9 * stride + o);
        a20.sub(a21).intoArray(out, 10 * stride + o);
        a21.neg().intoArray(out, 11 * stride + o);
        a30.intoArray(out, 12 * stride + o);
        a30.add(a31).intoArray(out, 13 * stride + o);
        a30.sub(a31).intoArray(out, 14 * stride + o);
        a31.neg().intoArray(out, 15 * stride + o);
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
        nhwc = grow(nhwc, off[tiles.length]);
        float[] in = m, mid = nhwc;
        int vec = c / L * L;
        par.forRange(t, Math.max(1, 1024 / c), (part, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                int l = level(tiles, tile);
                if (outs[l] == null) continue;
                Tiles tl = tiles[l];
                int local = tile - tl.first();
                int img = local / (tl.ty() * tl.tx()), ty = local / tl.tx() % tl.ty(), tx = local % tl.tx();
                int wp = 2 * tl.tx(), rs = wp * c;
                int dst = off[l] + ((img * 2 * tl.ty() + 2 * ty) * wp + 2 * tx) * c;
                int ch = 0;
                for (; ch < vec; ch += L) outputVector(in, tile * c + ch, t * c, mid, dst + ch, rs, c);
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

    /** Aᵀ M A for L channels: M[ξ] at in[ξ·stride + o]; the 2×2 result at out[dst + i·rs + j·cs]. */
    private static void outputVector(float[] in, int o, int stride, float[] out, int dst, int rs, int cs) {
        // along rows, per column j: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3; then the same along columns
        FloatVector m00 = FloatVector.fromArray(S, in, 0 * stride + o), m10 = FloatVector.fromArray(S, in, 4 * stride + o);
        FloatVector m20 = FloatVector.fromArray(S, in, 8 * stride + o), m30 = FloatVector.fromArray(S, in, 12 * stride + o);
        FloatVector s00 = m00.add(m10).add(m20), s10 = m10.sub(m20).sub(m30);
        FloatVector m01 = FloatVector.fromArray(S, in, 1 * stride + o), m11 = FloatVector.fromArray(S, in, 5 * stride + o);
        FloatVector m21 = FloatVector.fromArray(S, in, 9 * stride + o), m31 = FloatVector.fromArray(S, in, 13 * stride + o);
        FloatVector s01 = m01.add(m11).add(m21), s11 = m11.sub(m21).sub(m31);
        FloatVector m02 = FloatVector.fromArray(S, in, 2 * stride + o), m12 = FloatVector.fromArray(S, in, 6 * stride + o);
        FloatVector m22 = FloatVector.fromArray(S, in, 10 * stride + o), m32 = FloatVector.fromArray(S, in, 14 * stride + o);
        FloatVector s02 = m02.add(m12).add(m22), s12 = m12.sub(m22).sub(m32);
        FloatVector m03 = FloatVector.fromArray(S, in, 3 * stride + o), m13 = FloatVector.fromArray(S, in, 7 * stride + o);
        FloatVector m23 = FloatVector.fromArray(S, in, 11 * stride + o), m33 = FloatVector.fromArray(S, in, 15 * stride + o);
        FloatVector s03 = m03.add(m13).add(m23), s13 = m13.sub(m23).sub(m33);
        s00.add(s01).add(s02).intoArray(out, dst);
        s01.sub(s02).sub(s03).intoArray(out, dst + cs);
        s10.add(s11).add(s12).intoArray(out, dst + 1 * rs);
        s11.sub(s12).sub(s13).intoArray(out, dst + 1 * rs + cs);
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

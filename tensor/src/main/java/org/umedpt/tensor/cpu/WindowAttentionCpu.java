package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.umedpt.tensor.Tensor;

import static org.umedpt.tensor.cpu.VectorMath.L;
import static org.umedpt.tensor.cpu.VectorMath.S;

/**
 * The CPU kernels of fused Swin window attention ({@code Backend.windowAttentionForward/Backward};
 * the math and the autograd wiring are in {@code tensor.autograd.WindowAttention}). Per window w
 * and head h, with Q, K, V (N, hd) read strided out of qkv (B', N, 3C) at columns
 * [s·C + h·hd, s·C + (h+1)·hd) for s = 0, 1, 2 (torchvision's (3, heads, hd) split):
 *
 * <pre>
 *   forward:   S = (scale·Q)·Kᵀ + (mask[w mod nW] + bias[h]);  P = softmax(S) by rows;  O = P·V
 *   backward:  dV += Pᵀ·dO;  dP = dO·Vᵀ;  dS = P ⊙ (dP − rowsum(dP ⊙ P))
 *              dQ += scale·dS·K;  dK += scale·dSᵀ·Q;  dbias[h] += Σ_w dS
 * </pre>
 *
 * <p>Cosine variant (Swin v2, {@code tau} given): Q and K are replaced by their unit rows
 * Q̂ = Q·rq, rq = 1/√max(‖q‖², 1e−24) (F.normalize's clamp), and scale by τ[h]. Backward, with
 * G = dS·K̂ and H = dSᵀ·Q̂: dQ += rq·(τG − Q̂·rowsum(Q̂ ⊙ τG)) (no projection where the norm was
 * clamped), dK likewise from H, dτ[h] += Σ_w rowsum(G ⊙ Q̂) (= Σ dS ⊙ Q̂K̂ᵀ). The norms are
 * recomputed in backward (N·hd work against N²·hd), so nothing beyond P is saved.
 *
 * <p>Parallel split: one work item is one (window, head) pair, and every item writes disjoint
 * parts of o, p and d(qkv) (its window's rows, its head's columns), so those results do not
 * depend on the thread count. Backward splits by groups of consecutive windows (at most {@link
 * #BIAS_PARTIALS} groups, their size fixed by B'): dS exists one item at a time in per-thread
 * scratch, and dbias, the only sum across items, is each group's partial (its windows in order)
 * and then the partials added in group order, split by bias element — the same additions in the
 * same order for any split, so bit-identical for any thread count.
 *
 * <p>Vector loops run along N (scores, dP: Kᵀ or Vᵀ is transposed into a per-thread buffer first)
 * or along hd (P·V and the three gradient products, reading qkv rows in place). Each vector loop
 * is its own small method (C2's inlining budget: see DESIGN-NOTES "Vector API pitfalls"), and each
 * has a scalar tail doing the same fmas in the same order. Softmax is NormalizationCpu's row softmax,
 * operation for operation (VectorMath.exp in body and tail), so P equals the unfused op's P
 * bit for bit when S does.
 *
 * <p>Not a reference: the unfused op chain (matmul, add, softmax, matmul) is, in the tests.
 */
final class WindowAttentionCpu {
    /** The dbias pass is split across threads only above this many bias elements per part. */
    private static final int BIAS_GRAIN = 1024;
    /**
     * At most this many partial dbias sums per call: backward runs by groups of consecutive windows
     * (their number fixed by the shape, not the thread count), each group sums its dS blocks in
     * window order into its partial, and the partials are added in group order.
     */
    private static final int BIAS_PARTIALS = 64;
    /**
     * Row stride of the copies of P and dS that the P·V and dS·K products read (windows up to 8×8,
     * N ≤ 64): a constant, so that a group's eight rows are one index plus constant displacements,
     * whose bounds checks C2 hoists. With rows N apart it kept the eight row offsets on the stack
     * and checked every broadcast (disassembly).
     */
    static final int SR = 64;

    /** Per-thread scratch, grown on demand and reused: no allocation per call once warm. */
    static final class Workspace {
        private float[] t = new float[0], row = new float[0], qh = new float[0], kh = new float[0], norms = new float[0], strided = new float[0],
                ds = new float[0];

        /** One (window, head) block of dS, (N, N): it lives only while its item runs. */
        float[] ds(int size) {
            if (ds.length < size) ds = new float[size];
            return ds;
        }

        /** A transposed K or V block (hd, N), rows SR (N ≤ SR) or N apart. */
        float[] t(int size) {
            if (t.length < size) t = new float[size];
            return t;
        }

        /** One row of dP (N) or of a cosine gradient (hd). */
        float[] row(int size) {
            if (row.length < size) row = new float[size];
            return row;
        }

        /** The scaled rows of Q (or τ·Q̂) in forward, Q̂ in the cosine backward: (N, hd). */
        float[] qh(int size) {
            if (qh.length < size) qh = new float[size];
            return qh;
        }

        /** K̂ (N, hd), cosine backward. */
        float[] kh(int size) {
            if (kh.length < size) kh = new float[size];
            return kh;
        }

        /** P or dS rows {@link #SR} apart, rows [N, N + 8) zero: the left factor of {@link #accumulateStrided}. */
        float[] strided(int n) {
            int size = (n + 8) * SR;
            if (strided.length < size) strided = new float[size];
            java.util.Arrays.fill(strided, n * SR, (n + 8) * SR, 0f);
            return strided;
        }

        /** rq (N) then rk (N): inverse row norms, negative where the norm was clamped. */
        float[] norms(int size) {
            if (norms.length < size) norms = new float[size];
            return norms;
        }
    }

    private static final float NORM_MIN_SQ = 1e-24f;

    private final Parallel par;
    private final Workspace[] work;
    /** The partial dbias sums of one backward call, (groups, heads, N, N); grown on demand. */
    private float[] biasPartials = new float[0];

    WindowAttentionCpu(Parallel par) {
        this.par = par;
        this.work = new Workspace[par.threads()];
        for (int i = 0; i < work.length; i++) work[i] = new Workspace();
    }

    /** o (B', N, C) and p (B', heads, N, N) overwritten; mask (nW, N, N) or null; tau (heads) or null (not cosine). */
    void forward(Tensor o, Tensor p, Tensor qkv, Tensor bias, Tensor mask, Tensor tau, int windows, int n, int heads, int hd,
                 int maskWindows, float scale) {
        float[] od = o.data(), pd = p.data(), qd = qkv.data(), bd = bias.data(), md = mask == null ? null : mask.data();
        float[] td = tau == null ? null : tau.data();
        int oo = o.offset(), po = p.offset(), qo = qkv.offset(), bo = bias.offset(), mo = mask == null ? 0 : mask.offset();
        int to0 = tau == null ? 0 : tau.offset();
        int c = heads * hd, ld = 3 * c, nn = n * n;
        par.forRange(windows * heads, 1, (part, from, to) -> {
            Workspace ws = work[part];
            int ms = transposedStride(n);
            float[] kt = ws.t(hd * ms), qh = ws.qh(n * hd), rn = td == null ? null : ws.norms(2 * n), rm = ws.row(n);
            for (int item = from; item < to; item++) {
                int w = item / heads, h = item % heads;
                int q0 = qo + w * n * ld + h * hd, p0 = po + item * nn, b0 = bo + h * nn;
                int m0 = md == null ? 0 : mo + (w % maskWindows) * nn;
                // qh: the rows of scale·Q, or of τ·Q̂ (cosine), (n, hd)
                if (td == null) {
                    transpose(kt, ms, qd, q0 + c, ld, n, hd);
                    scaleRows(qh, qd, q0, ld, scale, n, hd);
                } else {
                    inverseNorms(rn, 0, qd, q0, ld, n, hd);
                    inverseNorms(rn, n, qd, q0 + c, ld, n, hd);
                    normalizeRows(qh, qd, q0, ld, rn, 0, n, hd);
                    transposeScaled(kt, ms, qd, q0 + c, ld, rn, n, n, hd);
                    scaleRows(qh, qh, 0, hd, td[to0 + h], n, hd);
                }
                int i = 0;
                for (; i + 4 <= n; i += 4) rowsTimes4(pd, p0 + i * n, n, qh, i * hd, hd, kt, ms, n, hd);
                for (; i < n; i++) rowTimes(pd, p0 + i * n, qh, i * hd, kt, ms, n, hd);
                softmaxBlock(pd, p0, bd, b0, md, m0, n, rm);
                accumulateByRows(ws, od, oo + w * n * c + h * hd, c, pd, p0, qd, q0 + 2 * c, ld, n, hd, 1f, false);
            }
        });
    }

    /**
     * dQkv (B', N, 3C), dBias (heads, N, N) and dTau (heads) accumulated (+=; any may be null) from dO
     * (B', N, C), p (B', heads, N, N), qkv and tau (null: not cosine); tauTerms (B', heads) is scratch
     * for the per-(window, head) dτ terms, given where dTau is. dS exists one (window, head) block at
     * a time, in per-thread scratch: as a (B', heads, N, N) tensor, written here and read back by
     * the dbias pass, it was the largest memory traffic of the backward (nano stage 1: 15 MB each way).
     */
    void backward(Tensor dQkv, Tensor dBias, Tensor dTau, Tensor tauTerms, Tensor dO, Tensor p, Tensor qkv, Tensor tau, int windows,
                  int n, int heads, int hd, float scale) {
        float[] dqd = dQkv == null ? null : dQkv.data(), gd = dO.data(), pd = p.data(), qd = qkv.data();
        float[] td = tau == null ? null : tau.data(), tt = dTau == null ? null : tauTerms.data();
        int dqo = dQkv == null ? 0 : dQkv.offset(), go = dO.offset(), po = p.offset(), qo = qkv.offset();
        int to0 = tau == null ? 0 : tau.offset(), tto = dTau == null ? 0 : tauTerms.offset();
        int c = heads * hd, ld = 3 * c, nn = n * n, len = heads * nn;
        int group = (windows + BIAS_PARTIALS - 1) / BIAS_PARTIALS, groups = (windows + group - 1) / group;
        if (dBias != null && biasPartials.length < groups * len) biasPartials = new float[groups * len];
        float[] bp = dBias == null ? null : biasPartials;
        par.forRange(groups, 1, (part, gFrom, gTo) -> {
            Workspace ws = work[part];
            int ms = transposedStride(n);
            float[] vt = ws.t(hd * ms), dp = ws.row(Math.max(4 * n, hd)), sd = ws.ds(nn);
            for (int item = gFrom * group * heads; item < Math.min(windows, gTo * group) * heads; item++) {
                int w = item / heads, h = item % heads;
                int q0 = qo + w * n * ld + h * hd, g0 = go + w * n * c + h * hd, p0 = po + item * nn;
                transpose(vt, ms, qd, q0 + 2 * c, ld, n, hd);
                int row = 0;
                for (; row + 4 <= n; row += 4) {
                    rowsTimes4(dp, 0, n, gd, g0 + row * c, c, vt, ms, n, hd);
                    for (int r = 0; r < 4; r++) dsRow(sd, (row + r) * n, pd, p0 + (row + r) * n, dp, r * n, n);
                }
                for (; row < n; row++) {
                    rowTimes(dp, 0, gd, g0 + row * c, vt, ms, n, hd);
                    dsRow(sd, row * n, pd, p0 + row * n, dp, 0, n);
                }
                if (bp != null) { // the group's partial: its first window's dS, then the others' added in window order
                    int b0 = (w / group) * len + h * nn;
                    if (w % group == 0) System.arraycopy(sd, 0, bp, b0, nn);
                    else addInto(bp, b0, sd, 0, 0, nn);
                }
                int d0 = dqo + w * n * ld + h * hd;
                if (td == null) {
                    if (dqd == null) continue;
                    // dV[j] += Σ_i P[i, j]·dO[i];  dK[j] += scale·Σ_i dS[i, j]·Q[i];  dQ[i] += scale·Σ_j dS[i, j]·K[j]
                    accumulateRows(dqd, d0 + 2 * c, ld, pd, p0, 1, n, gd, g0, c, n, hd, 1f, true);
                    accumulateRows(dqd, d0 + c, ld, sd, 0, 1, n, qd, q0, ld, n, hd, scale, true);
                    accumulateByRows(ws, dqd, d0, ld, sd, 0, qd, q0 + c, ld, n, hd, scale, true);
                    continue;
                }
                float t = td[to0 + h];
                float[] qh = ws.qh(n * hd), kh = ws.kh(n * hd), rn = ws.norms(2 * n), gr = dp; // dp row reused for G and H rows
                inverseNorms(rn, 0, qd, q0, ld, n, hd);
                inverseNorms(rn, n, qd, q0 + c, ld, n, hd);
                normalizeRows(qh, qd, q0, ld, rn, 0, n, hd);
                normalizeRows(kh, qd, q0 + c, ld, rn, n, n, hd);
                float tauTerm = 0f;
                for (int i = 0; i < n; i++) { // G[i] = Σ_j dS[i, j]·K̂[j]: dτ term, then dQ[i]
                    accumulateRow(gr, 0, sd, i * n, 1, kh, 0, hd, n, hd, 1f, false);
                    tauTerm = dot(gr, 0, qh, i * hd, hd, tauTerm);
                    if (dqd != null) normBackwardRow(dqd, d0 + i * ld, gr, qh, i * hd, rn[i], t, hd);
                }
                if (tt != null) tt[tto + item] = tauTerm;
                if (dqd == null) continue;
                accumulateRows(dqd, d0 + 2 * c, ld, pd, p0, 1, n, gd, g0, c, n, hd, 1f, true); // dV[j] += Σ_i P[i, j]·dO[i]
                for (int j = 0; j < n; j++) { // H[j] = Σ_i dS[i, j]·Q̂[i] → dK[j]
                    accumulateRow(gr, 0, sd, j, n, qh, 0, hd, n, hd, 1f, false);
                    normBackwardRow(dqd, d0 + c + j * ld, gr, kh, j * hd, rn[n + j], t, hd);
                }
            }
        });
        if (dTau != null) { // in window order: the same sum for any split
            float[] dtd = dTau.data();
            int dto = dTau.offset();
            for (int h = 0; h < heads; h++) {
                float acc = 0f;
                for (int w = 0; w < windows; w++) acc += tt[tto + w * heads + h];
                dtd[dto + h] += acc;
            }
        }
        if (dBias == null) return;
        float[] bd = dBias.data();
        int bo = dBias.offset();
        par.forRange(len, BIAS_GRAIN, (part, from, to) -> {
            for (int gi = 0; gi < groups; gi++) addInto(bd, bo, bp, gi * len, from, to);
        });
    }

    /**
     * rn[at + r] = 1/√max(‖x_r‖², 1e−24) for the n rows x_r = src[x0 + r·ld, +hd), negated where the
     * clamp applied (the sign tells backward to skip the projection; F.normalize's gradient there).
     */
    private static void inverseNorms(float[] rn, int at, float[] src, int x0, int ld, int n, int hd) {
        for (int r = 0; r < n; r++) {
            float ss = 0f;
            for (int d = 0; d < hd; d++) ss = Math.fma(src[x0 + r * ld + d], src[x0 + r * ld + d], ss);
            float inv = (float) (1 / Math.sqrt(Math.max(ss, NORM_MIN_SQ)));
            rn[at + r] = ss < NORM_MIN_SQ ? -inv : inv;
        }
    }

    /** dst[r·hd + d] = src[x0 + r·ld + d]·|rn[at + r]|: unit rows (N, hd). */
    private static void normalizeRows(float[] dst, float[] src, int x0, int ld, float[] rn, int at, int n, int hd) {
        for (int r = 0; r < n; r++) {
            float inv = Math.abs(rn[at + r]);
            for (int d = 0; d < hd; d++) dst[r * hd + d] = src[x0 + r * ld + d] * inv;
        }
    }

    /** dst[d·ms + j] = src[at + j·ld + d]·|rn[ra + j]|: unit rows, transposed to (hd, n) in rows ms apart. */
    private static void transposeScaled(float[] dst, int ms, float[] src, int at, int ld, float[] rn, int ra, int n, int hd) {
        for (int j = 0; j < n; j++) {
            float inv = Math.abs(rn[ra + j]);
            for (int d = 0; d < hd; d++) dst[d * ms + j] = src[at + j * ld + d] * inv;
        }
    }

    /** acc + Σ_d a[ai + d]·b[bi + d], fmas in order. */
    private static float dot(float[] a, int ai, float[] b, int bi, int hd, float acc) {
        for (int d = 0; d < hd; d++) acc = Math.fma(a[ai + d], b[bi + d], acc);
        return acc;
    }

    /**
     * The normalisation's backward for one row: with u = τ·g (the gradient of the unit row x̂ =
     * xh[xi, +hd)), out += |r|·(u − x̂·(x̂·u)), or out += |r|·u where the norm was clamped (r &lt; 0).
     */
    private static void normBackwardRow(float[] out, int oi, float[] g, float[] xh, int xi, float r, float tau, int hd) {
        float proj = 0f;
        if (r > 0) {
            for (int d = 0; d < hd; d++) proj = Math.fma(xh[xi + d], tau * g[d], proj);
        }
        float inv = Math.abs(r);
        for (int d = 0; d < hd; d++) out[oi + d] = Math.fma(tau * g[d] - xh[xi + d] * proj, inv, out[oi + d]);
    }

    /** dst[d·ms + j] = src[at + j·ld + d]: an (n, hd) block of rows ld apart, transposed to (hd, n) in rows ms apart. */
    private static void transpose(float[] dst, int ms, float[] src, int at, int ld, int n, int hd) {
        for (int j = 0; j < n; j++) {
            int s = at + j * ld;
            for (int d = 0; d < hd; d++) dst[d * ms + j] = src[s + d];
        }
    }

    /** dst[r·hd + d] = src[x0 + r·ld + d]·scale: the rows of Q scaled once, not at each of their N uses. */
    private static void scaleRows(float[] dst, float[] src, int x0, int ld, float scale, int n, int hd) {
        for (int r = 0; r < n; r++) {
            for (int d = 0; d < hd; d++) dst[r * hd + d] = src[x0 + r * ld + d] * scale;
        }
    }

    /**
     * One row of a product with a transposed (hd, n) block in rows ms apart: out[oi + j] =
     * Σ_d x[xi + d]·m[d·ms + j] (the scores S = (scale·Q)·Kᵀ with m = Kᵀ, or dP = dO·Vᵀ).
     */
    private static void rowTimes(float[] out, int oi, float[] x, int xi, float[] m, int ms, int n, int hd) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) acc = FloatVector.fromArray(S, m, d * ms + j).fma(FloatVector.broadcast(S, x[xi + d]), acc);
            acc.intoArray(out, oi + j);
        }
        rowTimesTail(out, oi, x, xi, m, ms, j, n, hd);
    }

    /**
     * rowTimes for the four rows out[oi + r·ldo], x[xi + r·ldx] (r &lt; 4). With m in rows
     * {@link #SR} apart, three vectors of columns at a time ({@link #rowsTimes4x3}); then one vector
     * at a time, four fma chains sharing each load of m; then the scalar columns, the four rows'
     * chains interleaved. Each row sums in rowTimes' order, so the results are the same to the bit.
     */
    private static void rowsTimes4(float[] out, int oi, int ldo, float[] x, int xi, int ldx, float[] m, int ms, int n, int hd) {
        int vec = n / L * L, j = 0;
        if (ms == SR) for (; j + 3 * L <= vec; j += 3 * L) rowsTimes4x3(out, oi + j, ldo, x, xi, ldx, m, j, hd);
        for (; j < vec; j += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) {
                FloatVector v = FloatVector.fromArray(S, m, d * ms + j);
                s0 = v.fma(FloatVector.broadcast(S, x[xi + d]), s0);
                s1 = v.fma(FloatVector.broadcast(S, x[xi + ldx + d]), s1);
                s2 = v.fma(FloatVector.broadcast(S, x[xi + 2 * ldx + d]), s2);
                s3 = v.fma(FloatVector.broadcast(S, x[xi + 3 * ldx + d]), s3);
            }
            s0.intoArray(out, oi + j);
            s1.intoArray(out, oi + ldo + j);
            s2.intoArray(out, oi + 2 * ldo + j);
            s3.intoArray(out, oi + 3 * ldo + j);
        }
        for (j = vec; j < n; j++) {
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
            for (int d = 0; d < hd; d++) {
                float md = m[d * ms + j];
                a0 = Math.fma(md, x[xi + d], a0);
                a1 = Math.fma(md, x[xi + ldx + d], a1);
                a2 = Math.fma(md, x[xi + 2 * ldx + d], a2);
                a3 = Math.fma(md, x[xi + 3 * ldx + d], a3);
            }
            out[oi + j] = a0;
            out[oi + ldo + j] = a1;
            out[oi + 2 * ldo + j] = a2;
            out[oi + 3 * ldo + j] = a3;
        }
    }

    /**
     * Columns [j, j + 3L) of four rows of x·m, m in rows {@link #SR} apart (a constant: its loads'
     * bounds checks are hoisted): twelve fma chains, each broadcast of x shared by three loads of m.
     */
    private static void rowsTimes4x3(float[] out, int oi, int ldo, float[] x, int xi, int ldx, float[] m, int j, int hd) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        int x1 = xi + ldx, x2 = xi + 2 * ldx, x3 = xi + 3 * ldx;
        for (int d = 0; d < hd; d++) {
            int mi = d * SR + j;
            FloatVector v0 = FloatVector.fromArray(S, m, mi), v1 = FloatVector.fromArray(S, m, mi + L), v2 = FloatVector.fromArray(S, m, mi + 2 * L);
            FloatVector b = FloatVector.broadcast(S, x[xi + d]);
            s00 = v0.fma(b, s00);
            s01 = v1.fma(b, s01);
            s02 = v2.fma(b, s02);
            b = FloatVector.broadcast(S, x[x1 + d]);
            s10 = v0.fma(b, s10);
            s11 = v1.fma(b, s11);
            s12 = v2.fma(b, s12);
            b = FloatVector.broadcast(S, x[x2 + d]);
            s20 = v0.fma(b, s20);
            s21 = v1.fma(b, s21);
            s22 = v2.fma(b, s22);
            b = FloatVector.broadcast(S, x[x3 + d]);
            s30 = v0.fma(b, s30);
            s31 = v1.fma(b, s31);
            s32 = v2.fma(b, s32);
        }
        s00.intoArray(out, oi);
        s01.intoArray(out, oi + L);
        s02.intoArray(out, oi + 2 * L);
        s10.intoArray(out, oi + ldo);
        s11.intoArray(out, oi + ldo + L);
        s12.intoArray(out, oi + ldo + 2 * L);
        s20.intoArray(out, oi + 2 * ldo);
        s21.intoArray(out, oi + 2 * ldo + L);
        s22.intoArray(out, oi + 2 * ldo + 2 * L);
        s30.intoArray(out, oi + 3 * ldo);
        s31.intoArray(out, oi + 3 * ldo + L);
        s32.intoArray(out, oi + 3 * ldo + 2 * L);
    }

    /** rowTimes' scalar columns [j0, n). */
    private static void rowTimesTail(float[] out, int oi, float[] x, int xi, float[] m, int ms, int j0, int n, int hd) {
        for (int j = j0; j < n; j++) {
            float acc = 0f;
            for (int d = 0; d < hd; d++) acc = Math.fma(m[d * ms + j], x[xi + d], acc);
            out[oi + j] = acc;
        }
    }

    /** p[pi + j] += mask[mi + j] + bias[bi + j] for j < n (mask may be null): the scores' additive terms. */
    private static void addBiasMask(float[] pd, int pi, float[] bd, int bi, float[] md, int mi, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector bm = FloatVector.fromArray(S, bd, bi + j);
            if (md != null) bm = FloatVector.fromArray(S, md, mi + j).add(bm);
            FloatVector.fromArray(S, pd, pi + j).add(bm).intoArray(pd, pi + j);
        }
        for (; j < n; j++) pd[pi + j] += md == null ? bd[bi + j] : md[mi + j] + bd[bi + j];
    }

    /**
     * The (n, n) score block at p0 plus bias and mask, then softmax by rows, in place:
     * NormalizationCpu.softmaxForward's operations (max, x − max, exp, Σ, ·1/Σ) by passes over the
     * block, so that the exps run as one loop of n²/L vectors. Row by row, each row's max, exp and
     * sum formed one dependency chain, and the softmax took half of the forward (nano stage 1,
     * 6.3 of 13.2 ms). rm: n floats of scratch for the row maxima.
     */
    private static void softmaxBlock(float[] pd, int p0, float[] bd, int b0, float[] md, int m0, int n, float[] rm) {
        for (int i = 0; i < n; i++) {
            addBiasMask(pd, p0 + i * n, bd, b0 + i * n, md, m0 + i * n, n);
            rm[i] = NormalizationCpu.rowMax(pd, p0 + i * n, n);
        }
        for (int i = 0; i < n; i++) subtract(pd, p0 + i * n, n, rm[i]);
        NormalizationCpu.expShifted(pd, p0, pd, p0, n * n, 0f);
        for (int i = 0; i < n; i++) Runs.scaleRun(pd, p0 + i * n, n, (float) (1 / Runs.sum(pd, p0 + i * n, n)));
    }

    /** d[at, at + n) −= v. */
    private static void subtract(float[] d, int at, int n, float v) {
        int j = 0;
        for (; j <= n - L; j += L) FloatVector.fromArray(S, d, at + j).sub(v).intoArray(d, at + j);
        for (; j < n; j++) d[at + j] -= v;
    }

    /** One row of dS (overwritten): ds = p · (dp − Σ dp·p), the softmax backward of NormalizationCpu; the dp row at dp[di]. */
    private static void dsRow(float[] sd, int si, float[] pd, int pi, float[] dp, int di, int n) {
        int j = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; j <= n - L; j += L) acc = FloatVector.fromArray(S, dp, di + j).fma(FloatVector.fromArray(S, pd, pi + j), acc);
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += (double) dp[di + j] * pd[pi + j];
        float sf = (float) s;
        for (j = 0; j <= n - L; j += L) {
            FloatVector.fromArray(S, pd, pi + j).mul(FloatVector.fromArray(S, dp, di + j).sub(sf)).intoArray(sd, si + j);
        }
        for (; j < n; j++) sd[si + j] = pd[pi + j] * (dp[di + j] - sf);
    }

    /**
     * out[oi + d] += alpha · Σ_t a[ai + t·as]·x[x0 + t·ldx + d] for d &lt; hd, or without accumulate
     * out[oi + d] = Σ_t … (alpha unused): one row of a small product whose left factor is read with
     * stride {@code as} (1 for a row, n for a column of an (n, n) block) and whose right factor's
     * rows are ldx apart (qkv or dO rows, read in place).
     */
    private static void accumulateRow(float[] out, int oi, float[] a, int ai, int as, float[] x, int x0, int ldx, int n, int hd,
                                      float alpha, boolean accumulate) {
        int d = 0;
        for (; d <= hd - L; d += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < n; t++) acc = FloatVector.fromArray(S, x, x0 + t * ldx + d).fma(FloatVector.broadcast(S, a[ai + t * as]), acc);
            if (accumulate) acc = acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, out, oi + d));
            acc.intoArray(out, oi + d);
        }
        accumulateTail(out, oi, a, ai, as, x, x0, ldx, n, d, hd, alpha, accumulate);
    }

    /**
     * accumulateRow for the n rows out[oi + r·ldo, +hd), row r's left factor starting at a[ai + r·ars]
     * with stride {@code as}: eight rows at a time, then four, so that independent fma chains share
     * each load of x (one row alone is one chain, bound by the fma latency). Each row sums in the
     * same order as accumulateRow, so the results are the same to the bit.
     */
    private static void accumulateRows(float[] out, int oi, int ldo, float[] a, int ai, int ars, int as, float[] x, int x0, int ldx,
                                       int n, int hd, float alpha, boolean accumulate) {
        int r = 0;
        int vhd = hd / L * L;
        for (; r + 8 <= n && vhd > 0; r += 8) {
            accumulateRows8(out, oi + r * ldo, ldo, a, ai + r * ars, ars, as, x, x0, ldx, n, vhd, alpha, accumulate);
            for (int q = 0; q < 8 && vhd < hd; q++) accumulateTail(out, oi + (r + q) * ldo, a, ai + (r + q) * ars, as, x, x0, ldx, n, vhd, hd, alpha, accumulate);
        }
        for (; r + 4 <= n && vhd > 0; r += 4) {
            int a0 = ai + r * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            int o0 = oi + r * ldo;
            for (int d = 0; d < vhd; d += L) {
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                for (int t = 0; t < n; t++) {
                    FloatVector xv = FloatVector.fromArray(S, x, x0 + t * ldx + d);
                    int at = t * as;
                    s0 = xv.fma(FloatVector.broadcast(S, a[a0 + at]), s0);
                    s1 = xv.fma(FloatVector.broadcast(S, a[a1 + at]), s1);
                    s2 = xv.fma(FloatVector.broadcast(S, a[a2 + at]), s2);
                    s3 = xv.fma(FloatVector.broadcast(S, a[a3 + at]), s3);
                }
                if (accumulate) {
                    FloatVector al = FloatVector.broadcast(S, alpha);
                    s0 = s0.fma(al, FloatVector.fromArray(S, out, o0 + d));
                    s1 = s1.fma(al, FloatVector.fromArray(S, out, o0 + ldo + d));
                    s2 = s2.fma(al, FloatVector.fromArray(S, out, o0 + 2 * ldo + d));
                    s3 = s3.fma(al, FloatVector.fromArray(S, out, o0 + 3 * ldo + d));
                }
                s0.intoArray(out, o0 + d);
                s1.intoArray(out, o0 + ldo + d);
                s2.intoArray(out, o0 + 2 * ldo + d);
                s3.intoArray(out, o0 + 3 * ldo + d);
            }
            if (vhd < hd) {
                for (int q = 0; q < 4; q++) accumulateTail(out, o0 + q * ldo, a, ai + (r + q) * ars, as, x, x0, ldx, n, vhd, hd, alpha, accumulate);
            }
        }
        for (; r < n; r++) accumulateRow(out, oi + r * ldo, a, ai + r * ars, as, x, x0, ldx, n, hd, alpha, accumulate);
    }

    /**
     * accumulateRows' vector columns [0, vhd) for eight rows: eight fma chains keep both of a
     * Sapphire Rapids core's fma ports busy (four chains of 4-cycle fmas fill one). The same sums
     * to the bit as accumulateRow.
     */
    private static void accumulateRows8(float[] out, int o0, int ldo, float[] a, int a0, int ars, int as, float[] x, int x0, int ldx,
                                        int n, int vhd, float alpha, boolean accumulate) {
        for (int d = 0; d < vhd; d += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            FloatVector s4 = FloatVector.zero(S), s5 = FloatVector.zero(S), s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
            for (int t = 0; t < n; t++) {
                FloatVector xv = FloatVector.fromArray(S, x, x0 + t * ldx + d);
                int at = a0 + t * as;
                s0 = xv.fma(FloatVector.broadcast(S, a[at]), s0);
                s1 = xv.fma(FloatVector.broadcast(S, a[at + ars]), s1);
                s2 = xv.fma(FloatVector.broadcast(S, a[at + 2 * ars]), s2);
                s3 = xv.fma(FloatVector.broadcast(S, a[at + 3 * ars]), s3);
                s4 = xv.fma(FloatVector.broadcast(S, a[at + 4 * ars]), s4);
                s5 = xv.fma(FloatVector.broadcast(S, a[at + 5 * ars]), s5);
                s6 = xv.fma(FloatVector.broadcast(S, a[at + 6 * ars]), s6);
                s7 = xv.fma(FloatVector.broadcast(S, a[at + 7 * ars]), s7);
            }
            if (accumulate) {
                FloatVector al = FloatVector.broadcast(S, alpha);
                s0 = s0.fma(al, FloatVector.fromArray(S, out, o0 + d));
                s1 = s1.fma(al, FloatVector.fromArray(S, out, o0 + ldo + d));
                s2 = s2.fma(al, FloatVector.fromArray(S, out, o0 + 2 * ldo + d));
                s3 = s3.fma(al, FloatVector.fromArray(S, out, o0 + 3 * ldo + d));
                s4 = s4.fma(al, FloatVector.fromArray(S, out, o0 + 4 * ldo + d));
                s5 = s5.fma(al, FloatVector.fromArray(S, out, o0 + 5 * ldo + d));
                s6 = s6.fma(al, FloatVector.fromArray(S, out, o0 + 6 * ldo + d));
                s7 = s7.fma(al, FloatVector.fromArray(S, out, o0 + 7 * ldo + d));
            }
            s0.intoArray(out, o0 + d);
            s1.intoArray(out, o0 + ldo + d);
            s2.intoArray(out, o0 + 2 * ldo + d);
            s3.intoArray(out, o0 + 3 * ldo + d);
            s4.intoArray(out, o0 + 4 * ldo + d);
            s5.intoArray(out, o0 + 5 * ldo + d);
            s6.intoArray(out, o0 + 6 * ldo + d);
            s7.intoArray(out, o0 + 7 * ldo + d);
        }
    }

    /** Row stride of a transposed K or V block: the constant {@link #SR} where N fits, else N. */
    private static int transposedStride(int n) {
        return n <= SR ? SR : n;
    }

    /**
     * accumulateRows over the rows of an (n, n) block a[a0 + r·n + t] (P or dS): from a copy with
     * rows {@link #SR} apart where n fits ({@link #accumulateStrided}), else in place.
     */
    private static void accumulateByRows(Workspace ws, float[] out, int oi, int ldo, float[] a, int a0, float[] x, int x0, int ldx, int n,
                                         int hd, float alpha, boolean accumulate) {
        if (n <= SR) {
            float[] rows = ws.strided(n);
            copyRows(rows, a, a0, n);
            accumulateStrided(out, oi, ldo, rows, x, x0, ldx, n, hd, alpha, accumulate);
        } else {
            accumulateRows(out, oi, ldo, a, a0, n, 1, x, x0, ldx, n, hd, alpha, accumulate);
        }
    }

    /** dst row r (r &lt; n, {@link #SR} apart) = the n floats of src from s0 + r·n. */
    private static void copyRows(float[] dst, float[] src, int s0, int n) {
        for (int r = 0; r < n; r++) System.arraycopy(src, s0 + r * n, dst, r * SR, n);
    }

    /**
     * accumulateRows for a left factor in rows {@link #SR} apart (a[r·SR + t], t &lt; n; {@link Workspace#strided}):
     * groups of eight rows, the last one partial (its missing rows read the zero rows and are not
     * written). The same sums to the bit as accumulateRow.
     */
    private static void accumulateStrided(float[] out, int oi, int ldo, float[] a, float[] x, int x0, int ldx, int n, int hd,
                                          float alpha, boolean accumulate) {
        int vhd = hd / L * L;
        for (int r = 0; r < n; r += 8) {
            int rows = Math.min(8, n - r);
            if (vhd > 0) accumulateStrided8(out, oi + r * ldo, ldo, a, r * SR, x, x0, ldx, n, vhd, alpha, accumulate, rows);
            for (int q = 0; q < rows && vhd < hd; q++) accumulateTail(out, oi + (r + q) * ldo, a, (r + q) * SR, 1, x, x0, ldx, n, vhd, hd, alpha, accumulate);
        }
    }

    /** {@link #accumulateRows8} with the rows of a {@link #SR} apart from a0; writes the first {@code rows} rows of out. */
    private static void accumulateStrided8(float[] out, int o0, int ldo, float[] a, int a0, float[] x, int x0, int ldx, int n, int vhd,
                                           float alpha, boolean accumulate, int rows) {
        for (int d = 0; d < vhd; d += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            FloatVector s4 = FloatVector.zero(S), s5 = FloatVector.zero(S), s6 = FloatVector.zero(S), s7 = FloatVector.zero(S);
            for (int t = 0; t < n; t++) {
                FloatVector xv = FloatVector.fromArray(S, x, x0 + t * ldx + d);
                int at = a0 + t;
                s0 = xv.fma(FloatVector.broadcast(S, a[at]), s0);
                s1 = xv.fma(FloatVector.broadcast(S, a[at + SR]), s1);
                s2 = xv.fma(FloatVector.broadcast(S, a[at + 2 * SR]), s2);
                s3 = xv.fma(FloatVector.broadcast(S, a[at + 3 * SR]), s3);
                s4 = xv.fma(FloatVector.broadcast(S, a[at + 4 * SR]), s4);
                s5 = xv.fma(FloatVector.broadcast(S, a[at + 5 * SR]), s5);
                s6 = xv.fma(FloatVector.broadcast(S, a[at + 6 * SR]), s6);
                s7 = xv.fma(FloatVector.broadcast(S, a[at + 7 * SR]), s7);
            }
            // the stores inline: vectors passed to a helper method are boxed
            int oi = o0 + d;
            if (accumulate) {
                FloatVector al = FloatVector.broadcast(S, alpha);
                s0 = s0.fma(al, FloatVector.fromArray(S, out, oi));
                if (rows > 1) s1 = s1.fma(al, FloatVector.fromArray(S, out, oi + ldo));
                if (rows > 2) s2 = s2.fma(al, FloatVector.fromArray(S, out, oi + 2 * ldo));
                if (rows > 3) s3 = s3.fma(al, FloatVector.fromArray(S, out, oi + 3 * ldo));
                if (rows > 4) s4 = s4.fma(al, FloatVector.fromArray(S, out, oi + 4 * ldo));
                if (rows > 5) s5 = s5.fma(al, FloatVector.fromArray(S, out, oi + 5 * ldo));
                if (rows > 6) s6 = s6.fma(al, FloatVector.fromArray(S, out, oi + 6 * ldo));
                if (rows > 7) s7 = s7.fma(al, FloatVector.fromArray(S, out, oi + 7 * ldo));
            }
            s0.intoArray(out, oi);
            if (rows > 1) s1.intoArray(out, oi + ldo);
            if (rows > 2) s2.intoArray(out, oi + 2 * ldo);
            if (rows > 3) s3.intoArray(out, oi + 3 * ldo);
            if (rows > 4) s4.intoArray(out, oi + 4 * ldo);
            if (rows > 5) s5.intoArray(out, oi + 5 * ldo);
            if (rows > 6) s6.intoArray(out, oi + 6 * ldo);
            if (rows > 7) s7.intoArray(out, oi + 7 * ldo);
        }
    }

    /** accumulateRow's scalar columns [d0, hd). */
    private static void accumulateTail(float[] out, int oi, float[] a, int ai, int as, float[] x, int x0, int ldx, int n, int d0, int hd,
                                       float alpha, boolean accumulate) {
        for (int d = d0; d < hd; d++) {
            float acc = 0f;
            for (int t = 0; t < n; t++) acc = Math.fma(x[x0 + t * ldx + d], a[ai + t * as], acc);
            out[oi + d] = accumulate ? Math.fma(acc, alpha, out[oi + d]) : acc;
        }
    }

    /** dst[dOff + e] += src[sOff + e] for e in [from, to). */
    private static void addInto(float[] dst, int dOff, float[] src, int sOff, int from, int to) {
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector.fromArray(S, dst, dOff + e).add(FloatVector.fromArray(S, src, sOff + e)).intoArray(dst, dOff + e);
        }
        for (; e < to; e++) dst[dOff + e] += src[sOff + e];
    }
}

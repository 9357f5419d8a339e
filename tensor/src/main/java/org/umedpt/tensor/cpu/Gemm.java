package org.umedpt.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in pure Java: the Goto/BLIS structure. B is packed into KC×NR panels shared
 * by all threads, each thread packs its own KC×MR panels of A, and an MR×NR register-tile
 * micro-kernel does the multiply-adds. Transposes are absorbed by the packing routines, so one
 * kernel serves all four cases.
 *
 * <p>The tile follows the machine's preferred vector width L (chosen at run time): NR = 2·L
 * columns, and MR = 12 rows where there are 32 vector registers (AVX-512, ARM NEON/SVE: 24
 * accumulators), 6 where there are 16 (AVX2, SSE: 12 accumulators plus two B vectors and a
 * broadcast, so nothing spills). So AVX-512 runs 12×32, AVX2 6×16, NEON 12×8.
 *
 * <p>Products too small to pack go through {@link #small}; tests check every path against a
 * float64 reference. Measured numbers and the peer comparison are in {@code bench/RESULTS.md}; background in
 * {@code ../shared/notes/cpu-gemm.md} (why 12×32, KC = 256, and -XX:-TieredCompilation).
 *
 * <p>C is row-major (m, n) with leading dimension n; A is (m, k) or, transposed, stored (k, m);
 * B is (k, n) or, transposed, stored (n, k).
 */
final class Gemm {
    static final VectorSpecies<Float> S = VectorMath.S;
    /** Lanes of one vector. */
    static final int L = VectorMath.L;
    static final int MR = L >= 16 || "aarch64".equals(System.getProperty("os.arch")) ? 12 : 6;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 192;
    static final int NC = 2048;
    /** Below this many multiply-adds the packed path costs more than it saves. */
    static final long SMALL = 24L * 24 * 24;
    /** From this many packed B floats per block, packing is split across threads even with few panels. */
    static final long PARALLEL_PACK_MIN = 1 << 13;
    /**
     * Up to this many columns of C, row-major A is read in place rather than packed: a packed A panel
     * is reused once per 32-column B panel, so with few panels packing does not pay. Measured at 1
     * thread: 6272×96×384 85 vs 66 GFLOP/s, 1568×192×768 101 vs 94; but 6272×384×96 78 vs 88.
     */
    static final int DIRECT_A_MAX_N = 192;

    private Gemm() {}

    /**
     * Packing buffers, reused across calls so that a product allocates nothing (a fresh 1 MB panel
     * per call is a G1 humongous allocation). One per thread part; not thread-safe.
     */
    static final class Workspace {
        private float[] bp = new float[0], ap = new float[0];
        final float[] tile = new float[MR * NR];

        float[] bp(int n) {
            if (bp.length < n) bp = new float[n];
            return bp;
        }

        float[] ap(int n) {
            if (ap.length < n) ap = new float[n];
            return ap;
        }
    }

    /**
     * One product. With {@code par} it uses all threads, packing B into {@code ws[0]} and A into
     * {@code ws[part]}; with {@code par == null} it runs on the caller with {@code ws[self]} only.
     */
    static void gemm(Parallel par, Workspace[] ws, int self, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                     float[] c, int cOff, int m, int n, int k, float alpha, float beta) {
        if (alpha == 0f || k == 0 || m == 0 || n == 0 || (long) m * n * k <= SMALL) {
            scaleC(c, cOff, m * n, beta);
            if (alpha != 0f && k > 0) small(ws[self], a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, alpha);
            return;
        }
        if (beta != 0f) scaleC(c, cOff, m * n, beta);
        // beta = 0: the first K block stores its tiles instead of adding them (C is never read)
        final boolean overwrite = beta == 0f;
        int threads = par == null ? 1 : par.threads();
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int jc = 0; jc < n; jc += NC) {
            final int nc = Math.min(NC, n - jc), jcf = jc;
            final int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                final int kc = Math.min(KC, k - pc), pcf = pc;
                final boolean store = overwrite && pc == 0;
                final float[] bp = ws[self].bp(panels * NR * kc);
                if (threads > 1 && panels >= 2 * threads) {
                    par.forRange(panels, 1, (part, from, to) -> packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, bp, from, to, 0, kc));
                } else if (threads > 1 && (long) kc * panels * NR >= PARALLEL_PACK_MIN) {
                    // few, deep panels (a narrow B, e.g. a weight gradient's 48 columns): split the rows
                    par.forRange(kc, 16, (part, from, to) -> packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, bp, 0, panels, from, to));
                } else {
                    packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, bp, 0, panels, 0, kc);
                }
                final boolean splitRows = m >= 2 * MR * threads || panels < threads;
                if (threads == 1) {
                    block(ws[self], a, aOff, lda, transA, bp, c, cOff, n, alpha, store, pcf, kc, jcf, nc, 0, m, 0, panels);
                } else if (splitRows) {
                    int rowBlocks = (m + MR - 1) / MR;
                    par.forRange(rowBlocks, 1, (part, from, to) -> block(ws[part], a, aOff, lda, transA, bp, c, cOff, n, alpha,
                            store, pcf, kc, jcf, nc, from * MR, Math.min(m, to * MR), 0, panels));
                } else {
                    par.forRange(panels, 1, (part, from, to) -> block(ws[part], a, aOff, lda, transA, bp, c, cOff, n, alpha,
                            store, pcf, kc, jcf, nc, 0, m, from, to));
                }
            }
        }
    }

    /** C rows [r0, r1) × B panels [p0, p1) of the current (jc, pc) block. */
    private static void block(Workspace w, float[] a, int aOff, int lda, boolean transA, float[] bp, float[] c, int cOff, int ldc,
                              float alpha, boolean store, int pc, int kc, int jc, int nc, int r0, int r1, int p0, int p1) {
        float[] ap = w.ap(((Math.min(MC, r1 - r0) + MR - 1) / MR) * MR * kc + A_MOVE); // slack: see packA
        float[] tile = w.tile;
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            // With few columns, row-major A is read in place by full 12-row panels (see
            // DIRECT_A_MAX_N); a partial last panel, a transposed A, or a wide C packs.
            int full = transA || ldc > DIRECT_A_MAX_N ? 0 : mc / MR * MR;
            if (full < mc) packA(a, aOff, lda, transA, ic + full, mc - full, pc, kc, ap);
            for (int jp = p0; jp < p1; jp++) {
                int nr = Math.min(NR, nc - jp * NR);
                int bi = jp * NR * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir);
                    int ci = cOff + (ic + ir) * ldc + jc + jp * NR;
                    if (MR == 12) {
                        if (ir < full) kernelDirect(kc, a, aOff + (ic + ir) * lda + pc, lda, bp, bi, c, ci, ldc, alpha, store, nr, tile);
                        else kernel(kc, ap, (ir - full) * kc, bp, bi, c, ci, ldc, alpha, store, mr, nr, tile);
                    } else {
                        if (ir < full) kernelDirect6(kc, a, aOff + (ic + ir) * lda + pc, lda, bp, bi, c, ci, ldc, alpha, store, nr, tile);
                        else kernel6(kc, ap, (ir - full) * kc, bp, bi, c, ci, ldc, alpha, store, mr, nr, tile);
                    }
                }
            }
        }
    }

    /** Floats moved per packed row of a transposed A: MR rounded up to whole vectors. */
    private static final int A_MOVE = (MR + L - 1) / L * L;

    /** Packs op(A)[i0 : i0+mc, pc : pc+kc] into MR-row panels, p-major inside a panel; pads rows with 0. */
    static void packA(float[] a, int aOff, int lda, boolean transA, int i0, int mc, int pc, int kc, float[] ap) {
        int idx = 0;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            if (transA) { // op(A)[i][p] = A[p][i]: MR contiguous floats per p
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0 + ir;
                    if (mr == MR && src + A_MOVE <= a.length) {
                        // whole-vector moves (a short copy loop costs ~2 cycles an element); lanes
                        // past the panel row are overwritten by the next row or land in ap's slack
                        for (int v = 0; v < A_MOVE; v += L) FloatVector.fromArray(S, a, src + v).intoArray(ap, idx + v);
                    } else {
                        for (int r = 0; r < mr; r++) ap[idx + r] = a[src + r];
                        for (int r = mr; r < MR; r++) ap[idx + r] = 0f;
                    }
                    idx += MR;
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (i0 + ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) ap[idx + p * MR + r] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[idx + p * MR + r] = 0f;
                    }
                }
                idx += MR * kc;
            }
        }
    }

    /**
     * Packs op(B)[pc : pc+kc, jc : jc+nc] panels [from, to), rows [p0, p1) of each, into NR-column
     * panels; pads columns with 0.
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int pc, int kc, int jc, int nc, float[] bp, int from, int to,
                      int p0, int p1) {
        for (int jp = from; jp < to; jp++) {
            int j0 = jc + jp * NR;
            int nr = Math.min(NR, nc - jp * NR);
            int idx = jp * NR * kc;
            if (!transB && nr == NR) { // two vector moves per row: cheaper than a 32-float arraycopy call
                for (int p = p0; p < p1; p++) {
                    int src = bOff + (pc + p) * ldb + j0, dst = idx + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else if (!transB) {
                for (int p = p0; p < p1; p++) {
                    System.arraycopy(b, bOff + (pc + p) * ldb + j0, bp, idx + p * NR, nr);
                    for (int j = nr; j < NR; j++) bp[idx + p * NR + j] = 0f;
                }
            } else { // op(B)[p][j] = B[j][p]
                for (int j = 0; j < NR; j++) {
                    if (j < nr) {
                        int src = bOff + (j0 + j) * ldb + pc;
                        for (int p = p0; p < p1; p++) bp[idx + p * NR + j] = b[src + p];
                    } else {
                        for (int p = p0; p < p1; p++) bp[idx + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * C[0:mr, 0:nr] += alpha · Ap · Bp over kc (the 12×2L register tile). Every vector operation is
     * written inline in this method: passing the accumulators to a helper method makes C2 box them
     * (measured: 12 GFLOP/s with heap allocation in the loop vs 116 inline). The accumulators leave
     * through the {@code tile} array.
     */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, boolean store,
                       int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S), c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S), c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S), c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S), c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S), c51 = FloatVector.zero(S),
                c60 = FloatVector.zero(S), c61 = FloatVector.zero(S),
                c70 = FloatVector.zero(S), c71 = FloatVector.zero(S),
                c80 = FloatVector.zero(S), c81 = FloatVector.zero(S),
                c90 = FloatVector.zero(S), c91 = FloatVector.zero(S),
                c100 = FloatVector.zero(S), c101 = FloatVector.zero(S),
                c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        FloatVector a;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            a = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(a, c60);
            c61 = b1.fma(a, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(a, c70);
            c71 = b1.fma(a, c71);
            a = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = b0.fma(a, c80);
            c81 = b1.fma(a, c81);
            a = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = b0.fma(a, c90);
            c91 = b1.fma(a, c91);
            a = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = b0.fma(a, c100);
            c101 = b1.fma(a, c101);
            a = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = b0.fma(a, c110);
            c111 = b1.fma(a, c111);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
        c80.intoArray(tile, 16 * L);
        c81.intoArray(tile, 17 * L);
        c90.intoArray(tile, 18 * L);
        c91.intoArray(tile, 19 * L);
        c100.intoArray(tile, 20 * L);
        c101.intoArray(tile, 21 * L);
        c110.intoArray(tile, 22 * L);
        c111.intoArray(tile, 23 * L);
        writeTile(tile, c, ci, ldc, alpha, store, mr, nr);
    }

    /** The 6-row form of {@link #kernel} for machines with 16 vector registers (AVX2, SSE). */
    static void kernel6(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, boolean store,
                       int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S), c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S), c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S), c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S), c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector a;
        // indices linear in the loop counter (not separate += induction variables), so that C2
        // can hoist the B-panel bounds checks out of the loop (the A checks stay; see DESIGN-NOTES)
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR, pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            a = FloatVector.broadcast(S, ap[pa + 0]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, ap[pa + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, ap[pa + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(S, ap[pa + 4]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(S, ap[pa + 5]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        writeTile(tile, c, ci, ldc, alpha, store, mr, nr);
    }

    /**
     * The 12-row kernel reading a row-major A in place (rows a0, a0 + lda, …, 12 of them; columns
     * [p, p + kc)) instead of a packed panel. For the short K of Swin's linear layers packing A costs
     * more than it saves (8 % of a swin_t step went to packing).
     */
    static void kernelDirect(int kc, float[] a, int a0, int lda, float[] bp, int bi, float[] c, int ci, int ldc, float alpha,
                             boolean store, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S), c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S), c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S), c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S), c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S), c51 = FloatVector.zero(S),
                c60 = FloatVector.zero(S), c61 = FloatVector.zero(S),
                c70 = FloatVector.zero(S), c71 = FloatVector.zero(S),
                c80 = FloatVector.zero(S), c81 = FloatVector.zero(S),
                c90 = FloatVector.zero(S), c91 = FloatVector.zero(S),
                c100 = FloatVector.zero(S), c101 = FloatVector.zero(S),
                c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        FloatVector a_;
        int r0 = a0 + 0 * lda;
        int r1 = a0 + 1 * lda;
        int r2 = a0 + 2 * lda;
        int r3 = a0 + 3 * lda;
        int r4 = a0 + 4 * lda;
        int r5 = a0 + 5 * lda;
        int r6 = a0 + 6 * lda;
        int r7 = a0 + 7 * lda;
        int r8 = a0 + 8 * lda;
        int r9 = a0 + 9 * lda;
        int r10 = a0 + 10 * lda;
        int r11 = a0 + 11 * lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            a_ = FloatVector.broadcast(S, a[r0 + p]);
            c00 = b0.fma(a_, c00);
            c01 = b1.fma(a_, c01);
            a_ = FloatVector.broadcast(S, a[r1 + p]);
            c10 = b0.fma(a_, c10);
            c11 = b1.fma(a_, c11);
            a_ = FloatVector.broadcast(S, a[r2 + p]);
            c20 = b0.fma(a_, c20);
            c21 = b1.fma(a_, c21);
            a_ = FloatVector.broadcast(S, a[r3 + p]);
            c30 = b0.fma(a_, c30);
            c31 = b1.fma(a_, c31);
            a_ = FloatVector.broadcast(S, a[r4 + p]);
            c40 = b0.fma(a_, c40);
            c41 = b1.fma(a_, c41);
            a_ = FloatVector.broadcast(S, a[r5 + p]);
            c50 = b0.fma(a_, c50);
            c51 = b1.fma(a_, c51);
            a_ = FloatVector.broadcast(S, a[r6 + p]);
            c60 = b0.fma(a_, c60);
            c61 = b1.fma(a_, c61);
            a_ = FloatVector.broadcast(S, a[r7 + p]);
            c70 = b0.fma(a_, c70);
            c71 = b1.fma(a_, c71);
            a_ = FloatVector.broadcast(S, a[r8 + p]);
            c80 = b0.fma(a_, c80);
            c81 = b1.fma(a_, c81);
            a_ = FloatVector.broadcast(S, a[r9 + p]);
            c90 = b0.fma(a_, c90);
            c91 = b1.fma(a_, c91);
            a_ = FloatVector.broadcast(S, a[r10 + p]);
            c100 = b0.fma(a_, c100);
            c101 = b1.fma(a_, c101);
            a_ = FloatVector.broadcast(S, a[r11 + p]);
            c110 = b0.fma(a_, c110);
            c111 = b1.fma(a_, c111);
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
        c80.intoArray(tile, 16 * L);
        c81.intoArray(tile, 17 * L);
        c90.intoArray(tile, 18 * L);
        c91.intoArray(tile, 19 * L);
        c100.intoArray(tile, 20 * L);
        c101.intoArray(tile, 21 * L);
        c110.intoArray(tile, 22 * L);
        c111.intoArray(tile, 23 * L);
        writeTile(tile, c, ci, ldc, alpha, store, MR, nr);
    }

    /** The 6-row form of {@link #kernelDirect} for machines with 16 vector registers (AVX2, SSE). */
    static void kernelDirect6(int kc, float[] a, int a0, int lda, float[] bp, int bi, float[] c, int ci, int ldc, float alpha,
                             boolean store, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S),
                c10 = FloatVector.zero(S), c11 = FloatVector.zero(S),
                c20 = FloatVector.zero(S), c21 = FloatVector.zero(S),
                c30 = FloatVector.zero(S), c31 = FloatVector.zero(S),
                c40 = FloatVector.zero(S), c41 = FloatVector.zero(S),
                c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector a_;
        int r0 = a0 + 0 * lda;
        int r1 = a0 + 1 * lda;
        int r2 = a0 + 2 * lda;
        int r3 = a0 + 3 * lda;
        int r4 = a0 + 4 * lda;
        int r5 = a0 + 5 * lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            a_ = FloatVector.broadcast(S, a[r0 + p]);
            c00 = b0.fma(a_, c00);
            c01 = b1.fma(a_, c01);
            a_ = FloatVector.broadcast(S, a[r1 + p]);
            c10 = b0.fma(a_, c10);
            c11 = b1.fma(a_, c11);
            a_ = FloatVector.broadcast(S, a[r2 + p]);
            c20 = b0.fma(a_, c20);
            c21 = b1.fma(a_, c21);
            a_ = FloatVector.broadcast(S, a[r3 + p]);
            c30 = b0.fma(a_, c30);
            c31 = b1.fma(a_, c31);
            a_ = FloatVector.broadcast(S, a[r4 + p]);
            c40 = b0.fma(a_, c40);
            c41 = b1.fma(a_, c41);
            a_ = FloatVector.broadcast(S, a[r5 + p]);
            c50 = b0.fma(a_, c50);
            c51 = b1.fma(a_, c51);
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        writeTile(tile, c, ci, ldc, alpha, store, MR, nr);
    }

    /**
     * C[0:mr, 0:nr] += alpha · tile, or with {@code store} C[…] = alpha · tile (the first K block of
     * a beta = 0 product, which need not read C). Whole vectors, then a scalar tail (fma, as the
     * vectors: a C element's value does not depend on where a tile's edge falls). The
     * kernels always go through the tile: a separate full-tile store branch was compiled cold when
     * edge tiles dominated early calls, and C2 then boxed every accumulator on that path (12 % of a
     * Swin step in {@code FloatVector.intoArray}).
     */
    private static void writeTile(float[] tile, float[] c, int ci, int ldc, float alpha, boolean store, int mr, int nr) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        int vec = nr / L * L;
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc, t = r * NR;
            for (int j = 0; j < vec; j += L) {
                FloatVector v = FloatVector.fromArray(S, tile, t + j);
                (store ? v.mul(al) : v.fma(al, FloatVector.fromArray(S, c, row + j))).intoArray(c, row + j);
            }
            for (int j = vec; j < nr; j++) c[row + j] = store ? alpha * tile[t + j] : Math.fma(tile[t + j], alpha, c[row + j]);
        }
    }

    static void scaleC(float[] c, int cOff, int len, float beta) {
        if (beta == 1f) return;
        if (beta == 0f) {
            java.util.Arrays.fill(c, cOff, cOff + len, 0f);
        } else {
            for (int i = cOff; i < cOff + len; i++) c[i] *= beta;
        }
    }

    /**
     * C += alpha · op(A) · op(B) for products too small to pack (e.g. the 16×16×16 attention of a
     * 4×4 window with 16-wide heads): op(B) is made row-major (transposed into the workspace if
     * needed), then each 16 columns of a C row accumulate in one vector over k.
     */
    static void small(Workspace w, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int m, int n, int k, float alpha) {
        float[] bb = b;
        int bo = bOff;
        if (transB) { // stored (n, k) → row-major (k, n)
            bb = w.bp(k * n);
            bo = 0;
            for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) bb[p * n + j] = b[bOff + j * k + p];
        }
        int vn = n / S.length() * S.length();
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int j0 = 0; j0 < vn; j0 += S.length()) {
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    acc = FloatVector.fromArray(S, bb, bo + p * n + j0).fma(FloatVector.broadcast(S, av), acc);
                }
                acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, ci + j0)).intoArray(c, ci + j0);
            }
            for (int j = vn; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum = Math.fma(transA ? a[aOff + p * m + i] : a[aOff + i * k + p], bb[bo + p * n + j], sum);
                c[ci + j] = Math.fma(sum, alpha, c[ci + j]); // as the vector columns: fused
            }
        }
    }
}

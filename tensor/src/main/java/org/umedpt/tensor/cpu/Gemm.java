package org.umedpt.tensor.cpu;

import org.umedpt.tensor.memory.Alignment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in pure Java: the Goto/BLIS structure. B is packed into KC×NR panels shared
 * by all threads, each thread packs its own KC×MR panels of A, and an MR×NR register-tile
 * micro-kernel does the multiply-adds. Transposes are absorbed by the packing routines, so one
 * kernel serves all four cases.
 *
 * <p>The tile follows the machine's preferred vector width L (chosen at run time). With 32 vector
 * registers (AVX-512, ARM NEON/SVE) it is 8 rows × 3L columns: 24 accumulators, three B vectors and a
 * broadcast; with 16 (AVX2, SSE) it is 6 × 2L: 12 accumulators, two B vectors, a broadcast; nothing
 * spills. So AVX-512 runs 8×48, AVX2 6×16, NEON 8×12. Swin's widths are multiples of 48 (C = 48·2^i
 * for nano, 96·2^i for swin_t, times 1, 3 or 4) and its token counts of 8, so its linear layers have
 * no ragged tiles on AVX-512, where the earlier 12×32 left a third of a panel empty at 48 or 144
 * columns and part of a row block at 392 or 6272 rows.
 *
 * <p>A wide C beyond L2 with K deeper than KC and a row-major B (1024³; swin_t's input gradients and
 * its later stages' weight gradients) runs in the other loop order, OpenBLAS's: a 14 × 2L tile, the A
 * panel held in L1, B streaming from an L2-sized block ({@link #stationary}).
 *
 * <p>Shapes a packed tile would mostly waste go elsewhere: a C of one row or one column is a set of
 * dot products or a sum of scaled rows ({@link #vectorProduct}); a C narrower than half a panel with
 * many rows is computed transposed ({@link #narrow}); products too small to pack go through
 * {@link #small}. Tests check every path against a float64 reference. Measured numbers and the peer
 * comparison are in {@code bench/RESULTS.md}; background in {@code ../shared/notes/cpu-gemm.md}
 * (-XX:-TieredCompilation).
 *
 * <p>C is row-major (m, n) with leading dimension n; A is (m, k) or, transposed, stored (k, m);
 * B is (k, n) or, transposed, stored (n, k).
 */
final class Gemm {
    static final VectorSpecies<Float> S = VectorMath.S;
    /** Lanes of one vector. */
    static final int L = VectorMath.L;
    /** 32 architectural vector registers: room for 24 accumulators. */
    private static final boolean WIDE_FILE = L >= 16 || "aarch64".equals(System.getProperty("os.arch"));
    /** The register tile: MR rows × NR columns. */
    static final int MR = WIDE_FILE ? 8 : 6;
    static final int NR = (WIDE_FILE ? 3 : 2) * L;
    /**
     * The tile of the stationary-A order ({@link #stationary}, with 32 vector registers only): MS rows ×
     * NS columns. Its B panels stream from L2 while the A panel stays in L1, so the tile with fewer B
     * vectors per multiply-add wins: 14 × 2L loads 128 bytes of B per 28 multiply-adds, 8 × 3L 192 per
     * 24. Its 28 accumulators, two B vectors and a broadcast take 31 of the 32 registers (the kernel
     * alone, B streaming from L2: 14 × 2L 221, 12 × 2L 218, 8 × 3L 206 GFLOP/s). With 16 registers the
     * order's 6 × 2L tile lost to {@link #block}'s (AVX2, 1024³: 103–105 against 107–109 GFLOP/s).
     */
    static final int MS = 14;
    static final int NS = 2 * L;
    /** Floats moved per packed row of a transposed A: MR rounded up to whole vectors. */
    private static final int A_MOVE = (MR + L - 1) / L * L;
    static final int KC = 256;
    /**
     * From this many floats of C (1.5 MiB, beyond L2), the K blocks are twice as deep: each K block
     * reads and writes all of C once, and a C that streams from L3 or memory costs ~8 bytes a
     * multiply-add column per block (measured, Zen 4, 1 thread: 1568×384·384×1536 77 → 88 GFLOP/s,
     * 1024³ 85 → 93; with C in cache the shallower blocks stay ahead, 192×6272·6272×48 71 against 48).
     */
    static final long DEEP_BLOCKS_MIN_C = 3L << 17;
    /** This core's L2 in bytes ({@link #l2Bytes}), read once. */
    static final long L2_BYTES = l2Bytes();
    /**
     * With an L2 of 2 MiB or more, K blocks are twice as deep for every C: a packed A block of 192 ×
     * 512 and a B panel fit beside C there, and each block less is one pass over C less (Xeon, 2 MiB
     * L2, 1 thread: swin_t's weight gradients 384×96·25088 76 → 90 GFLOP/s, 192×768·6272 157 → 165,
     * nano's 192×48·6272 137 → 172). The 1 MiB L2s where shallower blocks measured faster (above)
     * keep the rule by C's size.
     */
    static final boolean DEEP_BLOCKS_ALWAYS = L2_BYTES >= 2L << 20;
    static final int MC = 192;
    /** Columns of B per packed block: whole panels. */
    static final int NC = 2048 / NR * NR;
    /** Below this many multiply-adds the packed path costs more than it saves. */
    static final long SMALL = 24L * 24 * 24;
    /** From this many packed B floats per block, packing is split across threads even with few panels. */
    static final long PARALLEL_PACK_MIN = 1 << 13;
    /**
     * Up to this many columns of C, row-major A is read in place rather than packed: a packed A panel
     * is reused once per B panel, so with few panels packing does not pay.
     */
    static final int DIRECT_A_MAX_N = 192;
    /**
     * Row stride of {@link #copyRowsA}'s panels: a constant (the deepest K block), so that the row
     * kernels' MR broadcasts address one index register plus constant displacements. With a
     * variable stride C2 keeps MR row offsets live, runs out of general registers and spills them
     * (Sapphire Rapids, operands in cache: 161 against 133 GFLOP/s).
     */
    static final int A_ROW = 2 * KC;
    /** Where the packed B panels start in their buffer: on a cache line where the VM aligns arrays (see {@link Alignment}). */
    static final int B_BASE = Alignment.FIRST;
    /** Columns of a stationary-order B block: the block (A_ROW deep) fills half of L2. */
    static final int NC_S = Math.max(NS, (int) (L2_BYTES / 2 / (A_ROW * Float.BYTES)) / NS * NS);
    /**
     * From this many columns of C (and a C beyond L2, K deeper than KC, B not transposed) the
     * stationary order is used; otherwise {@link #block}'s. With K ≤ KC block's B panel nearly fits L1
     * and its order was as fast or faster (1 thread: 1568×768·192 188–190 against 182–185 GFLOP/s). A
     * transposed B was tried with a packing loop of its own: +2–5 % with 1568 rows, −6 % with 392
     * (392×3072·768: 157 → 147), where the scalar transposing pack weighs more; not kept. From 192
     * columns (6 panels) rather than 193: 6272×192·768 179 → 184, 25088×192·384 153 → 173, swin_t
     * step −1.3 %; with 96 or 48 columns the order lost (25088×48·192 162 → 150).
     */
    static final int STATIONARY_MIN_N = DIRECT_A_MAX_N;

    private Gemm() {}

    /**
     * This core's L2 in bytes, from Linux's sysfs (the level-2 entry of cpu0's cache list); 1 MiB,
     * the smallest these machines have, where it cannot be read.
     */
    private static long l2Bytes() {
        try {
            for (int i = 0; i < 8; i++) {
                java.nio.file.Path dir = java.nio.file.Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
                if (!java.nio.file.Files.isDirectory(dir)) break;
                if (!java.nio.file.Files.readString(dir.resolve("level")).trim().equals("2")) continue;
                String size = java.nio.file.Files.readString(dir.resolve("size")).trim(); // "2048K"
                long unit = size.endsWith("K") ? 1 << 10 : size.endsWith("M") ? 1 << 20 : 1;
                return Long.parseLong(size.replaceAll("[^0-9]", "")) * unit;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no sysfs (not Linux, or a sandbox): the default below
        }
        return 1L << 20;
    }


    /**
     * Packing buffers, reused across calls so that a product allocates nothing (a fresh 1 MB panel
     * per call is a G1 humongous allocation). One per thread part; not thread-safe.
     */
    static final class Workspace {
        private float[] bp = new float[0], ap = new float[0], panelsA = new float[0], transposed = new float[0];
        final float[] tile = new float[Math.max(MR, MS) * NR]; // rows NR apart for every kernel

        float[] bp(int n) {
            if (bp.length < n) bp = new float[n];
            return bp;
        }

        float[] ap(int n) {
            if (ap.length < n) ap = new float[n];
            return ap;
        }

        /** A transposed A packed whole for one K block of the stationary order, shared by the threads. */
        float[] panelsA(int n) {
            if (panelsA.length < n) panelsA = new float[n];
            return panelsA;
        }

        /** A transposed C ({@link #narrow}); apart from the packing buffers, which its product uses. */
        float[] transposed(int n) {
            if (transposed.length < n) transposed = new float[n];
            return transposed;
        }
    }

    /**
     * {@code batch} products C_i = alpha·op(A_i)·op(B_i) + beta·C_i, X_i starting i·strideX into X:
     * many small products (attention's) one thread each, few large ones each across all threads.
     */
    static void batched(Parallel par, Workspace[] ws, float[] a, int ao, boolean transA, float[] b, int bo, boolean transB, float[] c,
                        int co, int batch, int m, int n, int k, float alpha, float beta, long strideA, long strideB, long strideC) {
        long work = (long) m * n * k;
        if (batch >= 2 * par.threads() || (batch >= par.threads() && work < 64L * 64 * 64)) {
            par.forRange(batch, 1, (part, from, to) -> {
                for (int i = from; i < to; i++) {
                    gemm(null, ws, part, a, (int) (ao + i * strideA), transA, b, (int) (bo + i * strideB), transB, c, (int) (co + i * strideC),
                            m, n, k, alpha, beta);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                gemm(par, ws, 0, a, (int) (ao + i * strideA), transA, b, (int) (bo + i * strideB), transB, c, (int) (co + i * strideC), m, n,
                        k, alpha, beta);
            }
        }
    }

    /**
     * One product. With {@code par} it uses all threads, packing B into {@code ws[self]} and A into
     * {@code ws[part]}; with {@code par == null} it runs on the caller with {@code ws[self]} only.
     */
    static void gemm(Parallel par, Workspace[] ws, int self, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                     float[] c, int cOff, int m, int n, int k, float alpha, float beta) {
        gemm(par, ws, self, a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, alpha, beta, null, 0);
    }

    /**
     * {@link #gemm} plus a bias: C = alpha·op(A)·op(B) + beta·C + bias, the row vector bias[biasOff, +n)
     * (or null) added to every row of C, in the tile write of the last K block where the product is
     * packed (the fully connected layer's epilogue: no separate pass over C).
     */
    static void gemm(Parallel par, Workspace[] ws, int self, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                     float[] c, int cOff, int m, int n, int k, float alpha, float beta, float[] bias, int biasOff) {
        if (alpha == 0f || k == 0 || m == 0 || n == 0 || (long) m * n * k <= SMALL) {
            scaleC(c, cOff, m * n, beta);
            if (alpha != 0f && k > 0) small(ws[self], a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, alpha);
            addBias(c, cOff, m, n, bias, biasOff);
            return;
        }
        if (m == 1 || n == 1) {
            scaleC(c, cOff, m * n, beta);
            vectorProduct(par, a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, alpha);
            addBias(c, cOff, m, n, bias, biasOff);
            return;
        }
        if (2 * n <= NR && m >= 2 * NR && k >= NR) {
            narrow(par, ws, self, a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, alpha, beta);
            addBias(c, cOff, m, n, bias, biasOff);
            return;
        }
        if (beta != 0f) scaleC(c, cOff, m * n, beta);
        // beta = 0: the first K block stores its tiles instead of adding them (C is never read)
        final boolean overwrite = beta == 0f;
        int threads = par == null ? 1 : par.threads();
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (WIDE_FILE && !transB && k > KC && (long) m * n >= DEEP_BLOCKS_MIN_C && n >= STATIONARY_MIN_N && m >= 2 * MS * threads) {
            stationary(par, ws, self, a, aOff, lda, transA, b, bOff, ldb, c, cOff, m, n, k, alpha, overwrite, bias, biasOff);
            return;
        }
        final int kcMax = kSteps(k, DEEP_BLOCKS_ALWAYS || (long) m * n >= DEEP_BLOCKS_MIN_C ? 2 * KC : KC);
        for (int jc = 0; jc < n; jc += NC) {
            final int nc = Math.min(NC, n - jc), jcf = jc;
            final int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += kcMax) {
                final int kc = Math.min(kcMax, k - pc), pcf = pc;
                final boolean store = overwrite && pc == 0;
                // the bias goes in with the last K block: (Σ + b) rounds as a separate add after the product would
                final float[] tileBias = pc + kc == k ? bias : null;
                final float[] bp = ws[self].bp(B_BASE + panels * NR * kc);
                if (threads > 1 && panels >= 2 * threads) {
                    par.forRange(panels, 1, (part, from, to) -> packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, NR, bp, from, to, 0, kc));
                } else if (threads > 1 && (long) kc * panels * NR >= PARALLEL_PACK_MIN) {
                    // few, deep panels (a narrow B, e.g. a weight gradient's 48 columns): split the rows
                    par.forRange(kc, 16, (part, from, to) -> packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, NR, bp, 0, panels, from, to));
                } else {
                    packB(b, bOff, ldb, transB, pcf, kc, jcf, nc, NR, bp, 0, panels, 0, kc);
                }
                final boolean splitRows = m >= 2 * MR * threads || panels < threads;
                if (threads == 1) {
                    block(ws[self], a, aOff, lda, transA, bp, c, cOff, n, alpha, store, tileBias, biasOff, pcf, kc, jcf, nc, 0, m, 0, panels);
                } else if (splitRows) {
                    int rowBlocks = (m + MR - 1) / MR;
                    par.forRange(rowBlocks, 1, (part, from, to) -> block(ws[part], a, aOff, lda, transA, bp, c, cOff, n, alpha,
                            store, tileBias, biasOff, pcf, kc, jcf, nc, from * MR, Math.min(m, to * MR), 0, panels));
                } else {
                    par.forRange(panels, 1, (part, from, to) -> block(ws[part], a, aOff, lda, transA, bp, c, cOff, n, alpha,
                            store, tileBias, biasOff, pcf, kc, jcf, nc, 0, m, from, to));
                }
            }
        }
    }

    /**
     * The depth of K blocks of at most {@code max}: k split into equal blocks, so that no block is a
     * sliver that reads and writes all of C for a few multiply-adds (1568 = 4 × 392, not 3 × 512 + 32).
     */
    static int kSteps(int k, int max) {
        int blocks = (k + max - 1) / max;
        return (k + blocks - 1) / blocks;
    }

    /**
     * The product of a wide C beyond L2, in the other loop order: for each block of B (up to A_ROW
     * deep, {@link #NC_S} wide, packed once, half of L2), each thread takes MS-row panels of A in turn,
     * brings one into L1 and runs it against every B panel of the block. The A panel is the operand
     * that stays put and B streams from L2 in the order it was packed, which the hardware prefetcher
     * follows; {@link #block}'s order keeps a B panel (here 96 KiB, twice L1) and streams A. OpenBLAS
     * orders its loops the same way. Measured (1 thread, 1024³, Xeon with 2 MiB L2): 172 → 191–193 GFLOP/s.
     *
     * <p>A row-major A is copied a panel at a time for each B block (sequential rows: cheap). A
     * transposed A is packed by strided reads, so it is packed once per K block, all rows, into
     * {@link Workspace#panelsA} (by the threads that compute those rows, at the first B block).
     */
    private static void stationary(Parallel par, Workspace[] ws, int self, float[] a, int aOff, int lda, boolean transA, float[] b,
                                   int bOff, int ldb, float[] c, int cOff, int m, int n, int k, float alpha, boolean overwrite,
                                   float[] bias, int biasOff) {
        int threads = par == null ? 1 : par.threads();
        int rowPanels = (m + MS - 1) / MS, step = kSteps(k, A_ROW);
        for (int pc = 0; pc < k; pc += step) {
            final int kc = Math.min(step, k - pc), pcf = pc;
            final boolean store = overwrite && pc == 0;
            final float[] tileBias = pc + kc == k ? bias : null;
            final float[] panelsA = transA ? ws[self].panelsA(rowPanels * panelStride(kc)) : null;
            for (int jc = 0; jc < n; jc += NC_S) {
                final int nc = Math.min(NC_S, n - jc), jcf = jc;
                final int panels = (nc + NS - 1) / NS;
                final boolean packA = jc == 0;
                final float[] bp = ws[self].bp(B_BASE + panels * NS * kc);
                if (threads > 1) {
                    par.forRange(kc, 16, (part, from, to) -> packB(b, bOff, ldb, false, pcf, kc, jcf, nc, NS, bp, 0, panels, from, to));
                    par.forRange(rowPanels, 1, (part, from, to) -> stationaryRows(ws[part], a, aOff, lda, panelsA, packA, bp, c, cOff, n,
                            alpha, store, tileBias, biasOff, pcf, kc, jcf, nc, from * MS, Math.min(m, to * MS)));
                } else {
                    packB(b, bOff, ldb, false, pcf, kc, jcf, nc, NS, bp, 0, panels, 0, kc);
                    stationaryRows(ws[self], a, aOff, lda, panelsA, packA, bp, c, cOff, n, alpha, store, tileBias, biasOff, pcf, kc, jcf,
                            nc, 0, m);
                }
            }
        }
    }

    /** Floats between a transposed A's packed MS-row panels: the panel and one vector of slack for the packing's whole-vector moves. */
    private static int panelStride(int kc) {
        return MS * kc + L;
    }

    /**
     * {@link #stationary}'s rows [r0, r1) against all B panels of the current (jc, pc) block. A
     * transposed A comes from {@code panelsA} (null for a row-major A), packed there first when
     * {@code packA}.
     */
    private static void stationaryRows(Workspace w, float[] a, int aOff, int lda, float[] panelsA, boolean packA, float[] bp, float[] c,
                                       int cOff, int ldc, float alpha, boolean store, float[] bias, int biasOff, int pc, int kc, int jc,
                                       int nc, int r0, int r1) {
        float[] ap = w.ap(MS * A_ROW);
        float[] tile = w.tile;
        int panels = (nc + NS - 1) / NS;
        for (int ir = r0; ir < r1; ir += MS) {
            int mr = Math.min(MS, r1 - ir), ai = ir / MS * panelStride(kc);
            if (panelsA == null) copyRowsA(a, aOff, lda, ir, mr, MS, pc, kc, ap);
            else if (packA) packTransposedPanel(a, aOff, lda, ir, mr, pc, kc, panelsA, ai);
            for (int jp = 0; jp < panels; jp++) {
                int nr = Math.min(NS, nc - jp * NS);
                int bi = B_BASE + jp * NS * kc;
                if (panelsA == null) kernelRows14x2(kc, ap, 0, bp, bi, tile);
                else kernel14x2(kc, panelsA, ai, bp, bi, tile);
                writeTile(tile, c, cOff + ir * ldc + jc + jp * NS, ldc, alpha, store, mr, nr, bias, biasOff + jc + jp * NS);
            }
        }
    }

    /**
     * Packs op(A)[i0 : i0+mr, pc : pc+kc] of a transposed A into one MS-row panel at ap[at], p-major;
     * pads rows with 0. {@link #packTransposedA}'s loop for the stationary order's panel height.
     */
    private static void packTransposedPanel(float[] a, int aOff, int lda, int i0, int mr, int pc, int kc, float[] ap, int at) {
        final int move = (MS + L - 1) / L * L; // lanes past the panel land in the next p's row or the slack
        for (int p = 0, idx = at; p < kc; p++, idx += MS) {
            int src = aOff + (pc + p) * lda + i0;
            if (mr == MS && src + move <= a.length) {
                for (int v = 0; v < move; v += L) FloatVector.fromArray(S, a, src + v).intoArray(ap, idx + v);
            } else {
                for (int r = 0; r < mr; r++) ap[idx + r] = a[src + r];
                for (int r = mr; r < MS; r++) ap[idx + r] = 0f;
            }
        }
    }

    /** C rows [r0, r1) × B panels [p0, p1) of the current (jc, pc) block; bias (or null) added to each row. */
    private static void block(Workspace w, float[] a, int aOff, int lda, boolean transA, float[] bp, float[] c, int cOff, int ldc,
                              float alpha, boolean store, float[] bias, int biasOff, int pc, int kc, int jc, int nc, int r0, int r1,
                              int p0, int p1) {
        float[] ap = w.ap(((Math.min(MC, r1 - r0) + MR - 1) / MR) * MR * (transA ? kc : A_ROW) + A_MOVE); // slack: see packTransposedA
        float[] tile = w.tile;
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            // A row-major A goes to the kernels that read rows: in place by whole MR-row panels where
            // C is narrow (see DIRECT_A_MAX_N), else (and for a partial last panel) copied row by row
            // into contiguous panels. A transposed A is packed p-major for the panel kernels.
            int full = transA || ldc > DIRECT_A_MAX_N ? 0 : mc / MR * MR;
            if (transA) packTransposedA(a, aOff, lda, ic, mc, pc, kc, ap);
            else if (full < mc) copyRowsA(a, aOff, lda, ic + full, mc - full, MR, pc, kc, ap);
            for (int jp = p0; jp < p1; jp++) {
                int nr = Math.min(NR, nc - jp * NR);
                int bi = B_BASE + jp * NR * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir);
                    int ci = cOff + (ic + ir) * ldc + jc + jp * NR;
                    if (transA) {
                        if (WIDE_FILE) kernel8x3(kc, ap, ir * kc, bp, bi, tile);
                        else kernel6x2(kc, ap, ir * kc, bp, bi, tile);
                    } else {
                        if (ir < full) {
                            int a0 = aOff + (ic + ir) * lda + pc;
                            if (WIDE_FILE) kernelDirect8x3(kc, a, a0, lda, bp, bi, tile);
                            else kernelDirect6x2(kc, a, a0, lda, bp, bi, tile);
                        } else if (WIDE_FILE) {
                            kernelRows8x3(kc, ap, (ir - full) * A_ROW, bp, bi, tile);
                        } else {
                            kernelRows6x2(kc, ap, (ir - full) * A_ROW, bp, bi, tile);
                        }
                    }
                    writeTile(tile, c, ci, ldc, alpha, store, mr, nr, bias, biasOff + jc + jp * NR);
                }
            }
        }
    }

    /** Packs op(A)[i0 : i0+mc, pc : pc+kc] of a transposed A into MR-row panels, p-major inside a panel; pads rows with 0. */
    static void packTransposedA(float[] a, int aOff, int lda, int i0, int mc, int pc, int kc, float[] ap) {
        int idx = 0;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            for (int p = 0; p < kc; p++) { // op(A)[i][p] = A[p][i]: MR contiguous floats per p
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
        }
    }

    /**
     * Copies rows [i0, i0+mc), columns [pc, pc+kc) of a row-major A into panels of {@code rows} rows
     * (MR or MS), {@link #A_ROW} apart; pads a partial panel with zero rows. A copy, not a transpose:
     * the row-reading kernels take their broadcasts from the rows, so a p-major panel would cost one
     * scalar move an element (6.5 % of a swin_t step went to that transpose).
     */
    static void copyRowsA(float[] a, int aOff, int lda, int i0, int mc, int rows, int pc, int kc, float[] ap) {
        int idx = 0;
        for (int ir = 0; ir < mc; ir += rows) {
            int mr = Math.min(rows, mc - ir);
            for (int r = 0; r < rows; r++, idx += A_ROW) {
                if (r < mr) System.arraycopy(a, aOff + (i0 + ir + r) * lda + pc, ap, idx, kc);
                else java.util.Arrays.fill(ap, idx, idx + kc, 0f);
            }
        }
    }

    /**
     * Packs op(B)[pc : pc+kc, jc : jc+nc] panels [from, to), rows [p0, p1) of each, into panels
     * {@code width} columns wide (NR, or NS for the stationary order, which takes a row-major B only);
     * pads columns with 0. The transposed loop keeps NR a constant: with the width a variable, 256
     * packed 49×32·(32×49)ᵀ products ran 15 % slower.
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int pc, int kc, int jc, int nc, int width, float[] bp, int from,
                      int to, int p0, int p1) {
        if (!transB) {
            packRowsB(b, bOff, ldb, pc, kc, jc, nc, width, bp, from, to, p0, p1);
            return;
        }
        if (width != NR) throw new IllegalArgumentException("a transposed B packs into NR-wide panels only, not " + width);
        for (int jp = from; jp < to; jp++) {
            int j0 = jc + jp * NR;
            int nr = Math.min(NR, nc - jp * NR);
            int idx = B_BASE + jp * NR * kc;
            for (int j = 0; j < NR; j++) { // op(B)[p][j] = B[j][p]
                if (j < nr) {
                    int src = bOff + (j0 + j) * ldb + pc;
                    for (int p = p0; p < p1; p++) bp[idx + p * NR + j] = b[src + p];
                } else {
                    for (int p = p0; p < p1; p++) bp[idx + p * NR + j] = 0f;
                }
            }
        }
    }

    /**
     * {@link #packB} of a row-major B by groups of panels, about 128 floats of a B row (whole
     * panels) for NR-wide panels, row by row within a group. Panel by panel, a row was visited one
     * panel width at a time, ldb apart: with AVX2's 16-wide panels, a wide B (a convolution's 288 × 25088) cost a
     * cache miss per 64 bytes, and 16 × 25088 · 288 ran at 31 GFLOP/s against 63 for 2048 columns
     * (now 40–46). Whole rows across all panels (one group) lost on narrower B: 16 × 6272 · 288 went
     * 67 → 42.
     */
    private static void packRowsB(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, int width, float[] bp, int from,
                                  int to, int p0, int p1) {
        int fullTo = Math.min(to, nc / width); // panels [from, fullTo) are whole
        // The stationary order's blocks (2 KiB of each B row) go by whole rows: 1024³'s four blocks
        // with B in memory 0.45 → 0.32 ms (on AVX2, where NS = NR, that order is not used)
        int group = width == NR ? Math.max(1, 128 / width) : to - from;
        for (int g0 = from; g0 < fullTo; g0 += group) {
            int g1 = Math.min(fullTo, g0 + group);
            for (int p = p0; p < p1; p++) {
                int src = bOff + (pc + p) * ldb + jc;
                for (int jp = g0; jp < g1; jp++) { // whole-vector moves: cheaper than a short arraycopy call
                    int s = src + jp * width, d = B_BASE + jp * width * kc + p * width;
                    if (width == NR) { // a constant trip count for the common width: small products are mostly packing
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, s + v).intoArray(bp, d + v);
                    } else {
                        for (int v = 0; v < width; v += L) FloatVector.fromArray(S, b, s + v).intoArray(bp, d + v);
                    }
                }
            }
        }
        for (int jp = Math.max(from, fullTo); jp < to; jp++) {
            int nr = Math.min(width, nc - jp * width);
            for (int p = p0; p < p1; p++) {
                int d = B_BASE + jp * width * kc + p * width;
                System.arraycopy(b, bOff + (pc + p) * ldb + jc + jp * width, bp, d, nr);
                java.util.Arrays.fill(bp, d + nr, d + width, 0f);
            }
        }
    }

    /**
     * A C of few columns (e.g. a 16-channel conv's weight gradient, 144×16 over 25088 positions) would
     * fill a third of each packed panel: compute Cᵀ = op(B)ᵀ·op(A)ᵀ, whose rows are C's columns, into
     * the workspace and add it back transposed. The transposition is m·n moves against m·n·k
     * multiply-adds.
     */
    private static void narrow(Parallel par, Workspace[] ws, int self, float[] a, int aOff, boolean transA, float[] b, int bOff,
                               boolean transB, float[] c, int cOff, int m, int n, int k, float alpha, float beta) {
        float[] t = ws[self].transposed(m * n);
        // op(B)ᵀ is B read the other way round, and so is op(A)ᵀ: flip both transpose flags
        gemm(par, ws, self, b, bOff, !transB, a, aOff, !transA, t, 0, n, m, k, alpha, 0f);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? t[j * m + i] : Math.fma(beta, c[row + j], t[j * m + i]);
        }
    }

    /**
     * C += alpha · op(A) · op(B) where C is one column (n = 1) or one row (m = 1), e.g. a 1×1 conv
     * to a single channel: the vector operand is contiguous in either layout, so each output is a
     * dot product of two contiguous runs, or the outputs are a sum of scaled contiguous rows.
     */
    static void vectorProduct(Parallel par, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int n, int k, float alpha) {
        if (n == 1) { // c[i] = Σp op(A)[i][p]·b[p]
            if (transA) rowSums(par, a, aOff, m, b, bOff, c, cOff, m, k, alpha); // A stored (k, m)
            else dots(par, a, aOff, k, b, bOff, c, cOff, m, k, alpha);
        } else { // m == 1: c[j] = Σp a[p]·op(B)[p][j]
            if (transB) dots(par, b, bOff, k, a, aOff, c, cOff, n, k, alpha); // B stored (n, k)
            else rowSums(par, b, bOff, n, a, aOff, c, cOff, n, k, alpha);
        }
    }

    /** Outputs per parallel chunk so that a chunk is at least this many multiply-adds. */
    private static int grain(int k) {
        return Math.max(1, (1 << 15) / Math.max(k, 1));
    }

    /** out[i] += alpha · Σp mat[i·ld + p]·x[p] for i in [0, count). */
    private static void dots(Parallel par, float[] mat, int mOff, int ld, float[] x, int xOff, float[] out, int oOff, int count, int k,
                             float alpha) {
        Parallel.RangeBody body = (part, from, to) -> {
            int vk = k / (2 * L) * (2 * L);
            for (int i = from; i < to; i++) {
                int row = mOff + i * ld;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S); // two chains: the fma latency
                for (int p = 0; p < vk; p += 2 * L) {
                    s0 = FloatVector.fromArray(S, mat, row + p).fma(FloatVector.fromArray(S, x, xOff + p), s0);
                    s1 = FloatVector.fromArray(S, mat, row + p + L).fma(FloatVector.fromArray(S, x, xOff + p + L), s1);
                }
                float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
                for (int p = vk; p < k; p++) sum = Math.fma(mat[row + p], x[xOff + p], sum);
                out[oOff + i] = Math.fma(sum, alpha, out[oOff + i]);
            }
        };
        if (par == null) body.run(0, 0, count);
        else par.forRange(count, grain(k), body);
    }

    /** out[j] += alpha · Σp x[p]·mat[p·ld + j] for j in [0, count): rows of mat scaled and summed. */
    private static void rowSums(Parallel par, float[] mat, int mOff, int ld, float[] x, int xOff, float[] out, int oOff, int count,
                                int k, float alpha) {
        Parallel.RangeBody body = (part, from, to) -> {
            int vend = from + (to - from) / L * L;
            for (int p = 0; p < k; p++) {
                float w = alpha * x[xOff + p];
                FloatVector wv = FloatVector.broadcast(S, w);
                int row = mOff + p * ld;
                for (int j = from; j < vend; j += L) {
                    FloatVector.fromArray(S, mat, row + j).fma(wv, FloatVector.fromArray(S, out, oOff + j)).intoArray(out, oOff + j);
                }
                for (int j = vend; j < to; j++) out[oOff + j] = Math.fma(mat[row + j], w, out[oOff + j]);
            }
        };
        if (par == null) body.run(0, 0, count);
        else par.forRange(count, Math.max(L, grain(k)), body);
    }

    /**
     * C[0:mr, 0:nr] += alpha · Ap · Bp over kc with the 8×3L register tile. Every vector operation
     * is written inline in the method: passing the accumulators to a helper method makes C2 box them
     * (measured: 12 GFLOP/s with heap allocation in the loop vs 116 inline). The accumulators leave
     * through the {@code tile} array. Panel indices are linear in the loop counter, not separate
     * {@code +=} induction variables: C2 then hoists the bounds checks and schedules the loop without
     * spilling (the 12×2L kernel this one replaced, alone with operands in L1 on Zen 4: 107 against 95
     * GFLOP/s with {@code +=}). All accumulators start from one zero vector: a {@code zero()} call
     * each is a few dozen parse-time nodes, and with 28 of them (the 14×2L kernel) C2 passed
     * LiveNodeCountInliningCutoff before the last tile stores, left those un-intrinsified and boxed
     * the accumulators, in some JVMs only (swin_t at 2 threads, 1118 against 2664–2977 ms a step).
     */
    static void kernel8x3(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z, c0_2 = z;
        FloatVector c1_0 = z, c1_1 = z, c1_2 = z;
        FloatVector c2_0 = z, c2_1 = z, c2_2 = z;
        FloatVector c3_0 = z, c3_1 = z, c3_2 = z;
        FloatVector c4_0 = z, c4_1 = z, c4_2 = z;
        FloatVector c5_0 = z, c5_1 = z, c5_2 = z;
        FloatVector c6_0 = z, c6_1 = z, c6_2 = z;
        FloatVector c7_0 = z, c7_1 = z, c7_2 = z;
        FloatVector a;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR, pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            a = FloatVector.broadcast(S, ap[pa + 0]);
            c0_0 = b0.fma(a, c0_0);
            c0_1 = b1.fma(a, c0_1);
            c0_2 = b2.fma(a, c0_2);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a, c1_0);
            c1_1 = b1.fma(a, c1_1);
            c1_2 = b2.fma(a, c1_2);
            a = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a, c2_0);
            c2_1 = b1.fma(a, c2_1);
            c2_2 = b2.fma(a, c2_2);
            a = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a, c3_0);
            c3_1 = b1.fma(a, c3_1);
            c3_2 = b2.fma(a, c3_2);
            a = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a, c4_0);
            c4_1 = b1.fma(a, c4_1);
            c4_2 = b2.fma(a, c4_2);
            a = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a, c5_0);
            c5_1 = b1.fma(a, c5_1);
            c5_2 = b2.fma(a, c5_2);
            a = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(a, c6_0);
            c6_1 = b1.fma(a, c6_1);
            c6_2 = b2.fma(a, c6_2);
            a = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(a, c7_0);
            c7_1 = b1.fma(a, c7_1);
            c7_2 = b2.fma(a, c7_2);
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

    /** {@link #kernel8x3}'s 6×2L form, for machines with 16 vector registers (AVX2, SSE). */
    static void kernel6x2(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector a;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR, pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            a = FloatVector.broadcast(S, ap[pa + 0]);
            c0_0 = b0.fma(a, c0_0);
            c0_1 = b1.fma(a, c0_1);
            a = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a, c1_0);
            c1_1 = b1.fma(a, c1_1);
            a = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a, c2_0);
            c2_1 = b1.fma(a, c2_1);
            a = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a, c3_0);
            c3_1 = b1.fma(a, c3_1);
            a = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a, c4_0);
            c4_1 = b1.fma(a, c4_1);
            a = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a, c5_0);
            c5_1 = b1.fma(a, c5_1);
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

    /**
     * {@link #kernel8x3} taking A by rows (rows a0, a0 + lda, …, MR of them; columns [p, p + kc)):
     * a row-major A in place, or the row panels of {@link #copyRowsA}. Rows ≥ mr are computed and
     * not written. A copy of kernel8x3's body rather than one kernel with a row and a column stride:
     * C2 compiles each index form to a different loop, and each was measured (DESIGN-NOTES, "Index
     * forms matter").
     */
    static void kernelDirect8x3(int kc, float[] a, int a0, int lda, float[] bp, int bi, float[] tile) {
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
        int r0 = a0 + 0 * lda;
        int r1 = a0 + 1 * lda;
        int r2 = a0 + 2 * lda;
        int r3 = a0 + 3 * lda;
        int r4 = a0 + 4 * lda;
        int r5 = a0 + 5 * lda;
        int r6 = a0 + 6 * lda;
        int r7 = a0 + 7 * lda;
        for (int p = 0; p < kc; p++) {
            int pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            x = FloatVector.broadcast(S, a[r0 + p]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            c0_2 = b2.fma(x, c0_2);
            x = FloatVector.broadcast(S, a[r1 + p]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            c1_2 = b2.fma(x, c1_2);
            x = FloatVector.broadcast(S, a[r2 + p]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            c2_2 = b2.fma(x, c2_2);
            x = FloatVector.broadcast(S, a[r3 + p]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            c3_2 = b2.fma(x, c3_2);
            x = FloatVector.broadcast(S, a[r4 + p]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            c4_2 = b2.fma(x, c4_2);
            x = FloatVector.broadcast(S, a[r5 + p]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            c5_2 = b2.fma(x, c5_2);
            x = FloatVector.broadcast(S, a[r6 + p]);
            c6_0 = b0.fma(x, c6_0);
            c6_1 = b1.fma(x, c6_1);
            c6_2 = b2.fma(x, c6_2);
            x = FloatVector.broadcast(S, a[r7 + p]);
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

    /** {@link #kernelDirect8x3}'s 6×2L form, for machines with 16 vector registers (AVX2, SSE). */
    static void kernelDirect6x2(int kc, float[] a, int a0, int lda, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector x;
        int r0 = a0 + 0 * lda;
        int r1 = a0 + 1 * lda;
        int r2 = a0 + 2 * lda;
        int r3 = a0 + 3 * lda;
        int r4 = a0 + 4 * lda;
        int r5 = a0 + 5 * lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            x = FloatVector.broadcast(S, a[r0 + p]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            x = FloatVector.broadcast(S, a[r1 + p]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            x = FloatVector.broadcast(S, a[r2 + p]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            x = FloatVector.broadcast(S, a[r3 + p]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            x = FloatVector.broadcast(S, a[r4 + p]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            x = FloatVector.broadcast(S, a[r5 + p]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            bi += NR;
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

    /**
     * {@link #kernel8x3} reading A from {@link #copyRowsA}'s row panels: MR rows {@link #A_ROW} apart
     * from a0, columns [0, kc). A copy of the body for the same reason as {@link #kernelDirect8x3}.
     */
    static void kernelRows8x3(int kc, float[] a, int a0, float[] bp, int bi, float[] tile) {
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
        for (int p = 0; p < kc; p++) {
            int pb = bi + p * NR, q = a0 + p;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            x = FloatVector.broadcast(S, a[q + 0 * A_ROW]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            c0_2 = b2.fma(x, c0_2);
            x = FloatVector.broadcast(S, a[q + 1 * A_ROW]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            c1_2 = b2.fma(x, c1_2);
            x = FloatVector.broadcast(S, a[q + 2 * A_ROW]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            c2_2 = b2.fma(x, c2_2);
            x = FloatVector.broadcast(S, a[q + 3 * A_ROW]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            c3_2 = b2.fma(x, c3_2);
            x = FloatVector.broadcast(S, a[q + 4 * A_ROW]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            c4_2 = b2.fma(x, c4_2);
            x = FloatVector.broadcast(S, a[q + 5 * A_ROW]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            c5_2 = b2.fma(x, c5_2);
            x = FloatVector.broadcast(S, a[q + 6 * A_ROW]);
            c6_0 = b0.fma(x, c6_0);
            c6_1 = b1.fma(x, c6_1);
            c6_2 = b2.fma(x, c6_2);
            x = FloatVector.broadcast(S, a[q + 7 * A_ROW]);
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

    /** {@link #kernelRows8x3}'s 6×2L form, for machines with 16 vector registers (AVX2, SSE). */
    static void kernelRows6x2(int kc, float[] a, int a0, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector x;
        for (int p = 0; p < kc; p++) {
            int q = a0 + p;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            x = FloatVector.broadcast(S, a[q + 0 * A_ROW]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            x = FloatVector.broadcast(S, a[q + 1 * A_ROW]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            x = FloatVector.broadcast(S, a[q + 2 * A_ROW]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            x = FloatVector.broadcast(S, a[q + 3 * A_ROW]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            x = FloatVector.broadcast(S, a[q + 4 * A_ROW]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            x = FloatVector.broadcast(S, a[q + 5 * A_ROW]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            bi += NR;
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

    /**
     * {@link #kernel8x3}'s 14×2L form, for the stationary order ({@link #stationary}): A from a
     * p-major MS-row panel ({@link #packTransposedPanel}); B panels NS wide; the tile written with
     * rows NR apart, as {@link #writeTile} reads every kernel's.
     */
    static void kernel14x2(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector c6_0 = z, c6_1 = z;
        FloatVector c7_0 = z, c7_1 = z;
        FloatVector c8_0 = z, c8_1 = z;
        FloatVector c9_0 = z, c9_1 = z;
        FloatVector c10_0 = z, c10_1 = z;
        FloatVector c11_0 = z, c11_1 = z;
        FloatVector c12_0 = z, c12_1 = z;
        FloatVector c13_0 = z, c13_1 = z;
        FloatVector x;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MS, pb = bi + p * NS;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            x = FloatVector.broadcast(S, ap[pa + 0]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            x = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            x = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            x = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            x = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            x = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            x = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(x, c6_0);
            c6_1 = b1.fma(x, c6_1);
            x = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(x, c7_0);
            c7_1 = b1.fma(x, c7_1);
            x = FloatVector.broadcast(S, ap[pa + 8]);
            c8_0 = b0.fma(x, c8_0);
            c8_1 = b1.fma(x, c8_1);
            x = FloatVector.broadcast(S, ap[pa + 9]);
            c9_0 = b0.fma(x, c9_0);
            c9_1 = b1.fma(x, c9_1);
            x = FloatVector.broadcast(S, ap[pa + 10]);
            c10_0 = b0.fma(x, c10_0);
            c10_1 = b1.fma(x, c10_1);
            x = FloatVector.broadcast(S, ap[pa + 11]);
            c11_0 = b0.fma(x, c11_0);
            c11_1 = b1.fma(x, c11_1);
            x = FloatVector.broadcast(S, ap[pa + 12]);
            c12_0 = b0.fma(x, c12_0);
            c12_1 = b1.fma(x, c12_1);
            x = FloatVector.broadcast(S, ap[pa + 13]);
            c13_0 = b0.fma(x, c13_0);
            c13_1 = b1.fma(x, c13_1);
        }
        c0_0.intoArray(tile, 0 * NR);
        c0_1.intoArray(tile, 0 * NR + 1 * L);
        c1_0.intoArray(tile, 1 * NR);
        c1_1.intoArray(tile, 1 * NR + 1 * L);
        c2_0.intoArray(tile, 2 * NR);
        c2_1.intoArray(tile, 2 * NR + 1 * L);
        c3_0.intoArray(tile, 3 * NR);
        c3_1.intoArray(tile, 3 * NR + 1 * L);
        c4_0.intoArray(tile, 4 * NR);
        c4_1.intoArray(tile, 4 * NR + 1 * L);
        c5_0.intoArray(tile, 5 * NR);
        c5_1.intoArray(tile, 5 * NR + 1 * L);
        c6_0.intoArray(tile, 6 * NR);
        c6_1.intoArray(tile, 6 * NR + 1 * L);
        c7_0.intoArray(tile, 7 * NR);
        c7_1.intoArray(tile, 7 * NR + 1 * L);
        c8_0.intoArray(tile, 8 * NR);
        c8_1.intoArray(tile, 8 * NR + 1 * L);
        c9_0.intoArray(tile, 9 * NR);
        c9_1.intoArray(tile, 9 * NR + 1 * L);
        c10_0.intoArray(tile, 10 * NR);
        c10_1.intoArray(tile, 10 * NR + 1 * L);
        c11_0.intoArray(tile, 11 * NR);
        c11_1.intoArray(tile, 11 * NR + 1 * L);
        c12_0.intoArray(tile, 12 * NR);
        c12_1.intoArray(tile, 12 * NR + 1 * L);
        c13_0.intoArray(tile, 13 * NR);
        c13_1.intoArray(tile, 13 * NR + 1 * L);
    }

    /**
     * {@link #kernel14x2} reading A from {@link #copyRowsA}'s row panels, MS rows {@link #A_ROW} apart
     * from a0.
     */
    static void kernelRows14x2(int kc, float[] a, int a0, float[] bp, int bi, float[] tile) {
        FloatVector z = FloatVector.zero(S); // one zero for all accumulators (see Gemm.kernel8x3)
        FloatVector c0_0 = z, c0_1 = z;
        FloatVector c1_0 = z, c1_1 = z;
        FloatVector c2_0 = z, c2_1 = z;
        FloatVector c3_0 = z, c3_1 = z;
        FloatVector c4_0 = z, c4_1 = z;
        FloatVector c5_0 = z, c5_1 = z;
        FloatVector c6_0 = z, c6_1 = z;
        FloatVector c7_0 = z, c7_1 = z;
        FloatVector c8_0 = z, c8_1 = z;
        FloatVector c9_0 = z, c9_1 = z;
        FloatVector c10_0 = z, c10_1 = z;
        FloatVector c11_0 = z, c11_1 = z;
        FloatVector c12_0 = z, c12_1 = z;
        FloatVector c13_0 = z, c13_1 = z;
        FloatVector x;
        for (int p = 0; p < kc; p++) {
            int pb = bi + p * NS, q = a0 + p;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            x = FloatVector.broadcast(S, a[q + 0 * A_ROW]);
            c0_0 = b0.fma(x, c0_0);
            c0_1 = b1.fma(x, c0_1);
            x = FloatVector.broadcast(S, a[q + 1 * A_ROW]);
            c1_0 = b0.fma(x, c1_0);
            c1_1 = b1.fma(x, c1_1);
            x = FloatVector.broadcast(S, a[q + 2 * A_ROW]);
            c2_0 = b0.fma(x, c2_0);
            c2_1 = b1.fma(x, c2_1);
            x = FloatVector.broadcast(S, a[q + 3 * A_ROW]);
            c3_0 = b0.fma(x, c3_0);
            c3_1 = b1.fma(x, c3_1);
            x = FloatVector.broadcast(S, a[q + 4 * A_ROW]);
            c4_0 = b0.fma(x, c4_0);
            c4_1 = b1.fma(x, c4_1);
            x = FloatVector.broadcast(S, a[q + 5 * A_ROW]);
            c5_0 = b0.fma(x, c5_0);
            c5_1 = b1.fma(x, c5_1);
            x = FloatVector.broadcast(S, a[q + 6 * A_ROW]);
            c6_0 = b0.fma(x, c6_0);
            c6_1 = b1.fma(x, c6_1);
            x = FloatVector.broadcast(S, a[q + 7 * A_ROW]);
            c7_0 = b0.fma(x, c7_0);
            c7_1 = b1.fma(x, c7_1);
            x = FloatVector.broadcast(S, a[q + 8 * A_ROW]);
            c8_0 = b0.fma(x, c8_0);
            c8_1 = b1.fma(x, c8_1);
            x = FloatVector.broadcast(S, a[q + 9 * A_ROW]);
            c9_0 = b0.fma(x, c9_0);
            c9_1 = b1.fma(x, c9_1);
            x = FloatVector.broadcast(S, a[q + 10 * A_ROW]);
            c10_0 = b0.fma(x, c10_0);
            c10_1 = b1.fma(x, c10_1);
            x = FloatVector.broadcast(S, a[q + 11 * A_ROW]);
            c11_0 = b0.fma(x, c11_0);
            c11_1 = b1.fma(x, c11_1);
            x = FloatVector.broadcast(S, a[q + 12 * A_ROW]);
            c12_0 = b0.fma(x, c12_0);
            c12_1 = b1.fma(x, c12_1);
            x = FloatVector.broadcast(S, a[q + 13 * A_ROW]);
            c13_0 = b0.fma(x, c13_0);
            c13_1 = b1.fma(x, c13_1);
        }
        c0_0.intoArray(tile, 0 * NR);
        c0_1.intoArray(tile, 0 * NR + 1 * L);
        c1_0.intoArray(tile, 1 * NR);
        c1_1.intoArray(tile, 1 * NR + 1 * L);
        c2_0.intoArray(tile, 2 * NR);
        c2_1.intoArray(tile, 2 * NR + 1 * L);
        c3_0.intoArray(tile, 3 * NR);
        c3_1.intoArray(tile, 3 * NR + 1 * L);
        c4_0.intoArray(tile, 4 * NR);
        c4_1.intoArray(tile, 4 * NR + 1 * L);
        c5_0.intoArray(tile, 5 * NR);
        c5_1.intoArray(tile, 5 * NR + 1 * L);
        c6_0.intoArray(tile, 6 * NR);
        c6_1.intoArray(tile, 6 * NR + 1 * L);
        c7_0.intoArray(tile, 7 * NR);
        c7_1.intoArray(tile, 7 * NR + 1 * L);
        c8_0.intoArray(tile, 8 * NR);
        c8_1.intoArray(tile, 8 * NR + 1 * L);
        c9_0.intoArray(tile, 9 * NR);
        c9_1.intoArray(tile, 9 * NR + 1 * L);
        c10_0.intoArray(tile, 10 * NR);
        c10_1.intoArray(tile, 10 * NR + 1 * L);
        c11_0.intoArray(tile, 11 * NR);
        c11_1.intoArray(tile, 11 * NR + 1 * L);
        c12_0.intoArray(tile, 12 * NR);
        c12_1.intoArray(tile, 12 * NR + 1 * L);
        c13_0.intoArray(tile, 13 * NR);
        c13_1.intoArray(tile, 13 * NR + 1 * L);
    }

    /**
     * C[0:mr, 0:nr] += alpha · tile (rows NR apart, whatever the kernel), or with {@code store}
     * C[…] = alpha · tile (the first K block of a beta = 0 product, which need not read C); then
     * + bias[bi + j] unless bias is null. Whole
     * vectors, then a scalar tail that also uses fma, so a C element's value does not depend on
     * where a tile's edge falls. Every tile goes through the tile array: a separate full-tile store
     * branch was compiled cold when edge tiles dominated early calls, and C2 then boxed every
     * accumulator on that path (12 % of a Swin step in {@code FloatVector.intoArray}).
     */
    private static void writeTile(float[] tile, float[] c, int ci, int ldc, float alpha, boolean store, int mr, int nr, float[] bias,
                                  int bi) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        int vec = nr / L * L;
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc, t = r * NR;
            for (int j = 0; j < vec; j += L) {
                FloatVector v = FloatVector.fromArray(S, tile, t + j);
                v = store ? v.mul(al) : v.fma(al, FloatVector.fromArray(S, c, row + j));
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, bi + j));
                v.intoArray(c, row + j);
            }
            for (int j = vec; j < nr; j++) {
                float v = store ? alpha * tile[t + j] : Math.fma(tile[t + j], alpha, c[row + j]);
                c[row + j] = bias == null ? v : v + bias[bi + j];
            }
        }
    }

    /** C[i][j] += bias[biasOff + j] for every row (nothing when bias is null). */
    private static void addBias(float[] c, int cOff, int m, int n, float[] bias, int biasOff) {
        if (bias == null) return;
        int vec = n / L * L;
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            for (int j = 0; j < vec; j += L) {
                FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, bias, biasOff + j)).intoArray(c, row + j);
            }
            for (int j = vec; j < n; j++) c[row + j] += bias[biasOff + j];
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

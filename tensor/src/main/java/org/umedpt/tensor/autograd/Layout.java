package org.umedpt.tensor.autograd;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Shape;
import org.umedpt.tensor.Tensor;

/**
 * Layout ops: reshape (a view), permute, concat, slice, and the Swin window partition/reverse
 * built from reshape + permute. Every derivative is the inverse layout change, accumulated.
 *
 * <pre>
 *   reshape       dx += dy viewed as x (dy's buffer becomes dx when dx is still empty: Graph.gradAsView)
 *   permute(p)    dx += permute(dy, p⁻¹)
 *   concat        dx_i += the slice of dy that x_i filled
 *   slice         dx[start:end] += dy
 * </pre>
 */
public final class Layout {
    private Layout() {}

    public static Tensor reshape(Graph g, Tensor x, int... shape) {
        Checks.alive(x);
        Tensor y = x.view(shape);
        if (!g.needsGrad(x)) return y;
        // a distinct tensor object so that it carries its own gradient
        return g.record("reshape", y, dy -> g.gradAsView(y, x), x);
    }

    public static Tensor permute(Graph g, Tensor x, int... perm) {
        Checks.alive(x);
        int rank = x.rank();
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + perm.length + " axes given for " + x.describe());
        }
        int[] s = x.shape(), out = new int[rank], inv = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int p = Shape.axis("permute", perm[i], rank);
            if (seen[p]) throw new IllegalArgumentException("permute: axis " + p + " repeated in " + java.util.Arrays.toString(perm));
            seen[p] = true;
            out[i] = s[p];
            inv[p] = i;
        }
        Tensor y = g.empty(out);
        int[] permN = new int[rank];
        for (int i = 0; i < rank; i++) permN[i] = Shape.axis("permute", perm[i], rank);
        g.backend().permute(y, x, s, permN, false);
        return g.record("permute", y, dy -> g.backend().permute(g.gradFor(x), dy, out, inv, true), x);
    }

    public static Tensor concat(Graph g, int axis, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat: no tensors");
        Checks.alive(xs);
        int[] s0 = xs[0].shape();
        int ax = Shape.axis("concat", axis, s0.length);
        int total = 0;
        for (Tensor x : xs) {
            int[] s = x.shape();
            boolean ok = s.length == s0.length;
            for (int i = 0; ok && i < s.length; i++) ok = i == ax || s[i] == s0[i];
            if (!ok) throw new IllegalArgumentException("concat: shapes differ outside axis " + ax + ": " + xs[0].describe()
                    + " vs " + x.describe());
            total += s[ax];
        }
        int[] out = s0.clone();
        out[ax] = total;
        int outer = Shape.prod(s0, 0, ax), inner = Shape.prod(s0, ax + 1, s0.length);
        Tensor y = g.empty(out);
        int at = 0;
        int[] starts = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int len = xs[i].dim(ax);
            starts[i] = at;
            g.backend().copyBlock(y, total, at, xs[i], len, 0, outer, len, inner, false);
            at += len;
        }
        final int tot = total;
        return g.record("concat", y, dy -> {
            for (int i = 0; i < xs.length; i++) {
                if (!xs[i].requiresGrad()) continue;
                int len = xs[i].dim(ax);
                g.backend().copyBlock(g.gradFor(xs[i]), len, 0, dy, tot, starts[i], outer, len, inner, true);
            }
        }, xs);
    }

    /** x[..., start:end, ...] along {@code axis} (a copy). */
    public static Tensor slice(Graph g, Tensor x, int axis, int start, int end) {
        Checks.alive(x);
        int[] s = x.shape();
        int ax = Shape.axis("slice", axis, s.length);
        if (start < 0 || end > s[ax] || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") out of range for axis " + ax + " of " + x.describe());
        }
        int[] out = s.clone();
        out[ax] = end - start;
        int outer = Shape.prod(s, 0, ax), inner = Shape.prod(s, ax + 1, s.length);
        Tensor y = g.empty(out);
        g.backend().copyBlock(y, end - start, 0, x, s[ax], start, outer, end - start, inner, false);
        return g.record("slice", y,
                dy -> g.backend().copyBlock(g.gradFor(x), s[ax], start, dy, end - start, 0, outer, end - start, inner, true), x);
    }

    /** Splits along {@code axis} into pieces of the given sizes (which must add up to the axis). */
    public static Tensor[] split(Graph g, Tensor x, int axis, int... sizes) {
        int ax = Shape.axis("split", axis, x.rank());
        int sum = 0;
        for (int v : sizes) sum += v;
        if (sum != x.dim(ax)) {
            throw new IllegalArgumentException("split: sizes " + java.util.Arrays.toString(sizes) + " add up to " + sum
                    + ", axis " + ax + " of " + x.describe() + " is " + x.dim(ax));
        }
        Tensor[] out = new Tensor[sizes.length];
        for (int i = 0, at = 0; i < sizes.length; at += sizes[i], i++) out[i] = slice(g, x, ax, at, at + sizes[i]);
        return out;
    }

    /**
     * Swin window partition: (B, H, W, C) → (B·H/ws·W/ws, ws·ws, C), windows in row-major order
     * (torchvision's {@code x.view(B, H/ws, ws, W/ws, ws, C).permute(0, 1, 3, 2, 4, 5)}).
     */
    public static Tensor windowPartition(Graph g, Tensor x, int ws) {
        Checks.rank("windowPartition", "x", x, 4);
        if (ws <= 0 || x.dim(1) % ws != 0 || x.dim(2) % ws != 0) {
            throw new IllegalArgumentException("windowPartition: window " + ws + " does not divide H, W of " + x.describe()
                    + " (pad first)");
        }
        return windowPartition(g, x, ws, 0, 0, x.dim(1), x.dim(2));
    }

    /**
     * Swin's shifted-window partition in one copy: (B, H, W, C) zero padded at the bottom and right
     * to (padH, padW), rolled by (−shiftH, −shiftW) and cut into ws×ws windows → (B·nW, ws·ws, C),
     * as torchvision's pad, {@code torch.roll} and partition. Backward puts the gradient back
     * ({@link #windowReverse} accumulating; padding cells drop out).
     */
    public static Tensor windowPartition(Graph g, Tensor x, int ws, int shiftH, int shiftW, int padH, int padW) {
        Checks.alive(x);
        Checks.rank("windowPartition", "x", x, 4);
        int b = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        checkWindows("windowPartition", x, ws, h, w, shiftH, shiftW, padH, padW);
        int nW = (padH / ws) * (padW / ws);
        Tensor y = g.empty(b * nW, ws * ws, c);
        g.backend().windowPartition(y, x, b, h, w, c, ws, shiftH, shiftW, padH, padW, false);
        return g.record("windowPartition", y,
                dy -> g.backend().windowReverse(g.gradFor(x), dy, b, h, w, c, ws, shiftH, shiftW, padH, padW, true), x);
    }

    /** The inverse of {@link #windowPartition}: (B·nW, ws·ws, C) → (B, H, W, C). */
    public static Tensor windowReverse(Graph g, Tensor windows, int ws, int h, int w) {
        if (ws <= 0 || h % ws != 0 || w % ws != 0) {
            throw new IllegalArgumentException("windowReverse: window " + ws + " and size " + h + "x" + w
                    + " do not match " + windows.describe());
        }
        return windowReverse(g, windows, ws, h, w, 0, 0, h, w);
    }

    /**
     * The inverse of the shifted {@link #windowPartition}: windows (B·nW, ws·ws, C) put back on the
     * (padH, padW) map, rolled by (+shiftH, +shiftW), cropped to (B, H, W, C). Backward partitions
     * the gradient (accumulating).
     */
    public static Tensor windowReverse(Graph g, Tensor windows, int ws, int h, int w, int shiftH, int shiftW, int padH, int padW) {
        Checks.alive(windows);
        Checks.rank("windowReverse", "windows", windows, 3);
        checkWindows("windowReverse", windows, ws, h, w, shiftH, shiftW, padH, padW);
        int nW = (padH / ws) * (padW / ws);
        if (windows.dim(1) != ws * ws || windows.dim(0) % nW != 0) {
            throw new IllegalArgumentException("windowReverse: " + windows.describe() + " is not (B·" + nW + ", " + ws * ws
                    + ", C) for window " + ws + " on a " + padH + "x" + padW + " padded map");
        }
        int b = windows.dim(0) / nW, c = windows.dim(2);
        Tensor y = g.empty(b, h, w, c);
        g.backend().windowReverse(y, windows, b, h, w, c, ws, shiftH, shiftW, padH, padW, false);
        return g.record("windowReverse", y,
                dy -> g.backend().windowPartition(g.gradFor(windows), dy, b, h, w, c, ws, shiftH, shiftW, padH, padW, true), windows);
    }

    private static void checkWindows(String op, Tensor t, int ws, int h, int w, int shiftH, int shiftW, int padH, int padW) {
        if (ws <= 0 || padH < h || padW < w || padH % ws != 0 || padW % ws != 0 || padH - h >= ws || padW - w >= ws) {
            throw new IllegalArgumentException(op + ": window " + ws + " with padded size " + padH + "x" + padW + " does not fit "
                    + h + "x" + w + " (" + t.describe() + "): the padded size must be the next multiples of the window");
        }
        if (shiftH < 0 || shiftH >= padH || shiftW < 0 || shiftW >= padW) {
            throw new IllegalArgumentException(op + ": shift (" + shiftH + ", " + shiftW + ") outside [0, " + padH + ") x [0, "
                    + padW + ") for " + t.describe());
        }
    }

    /**
     * Cyclic shift of (B, H, W, C) along H and W, as {@code torch.roll(x, (shiftH, shiftW), (1, 2))}.
     * Backward rolls the gradient back.
     */
    public static Tensor roll(Graph g, Tensor x, int shiftH, int shiftW) {
        Checks.alive(x);
        Checks.rank("roll", "x", x, 4);
        int b = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        Tensor y = g.empty(x.shape());
        g.backend().roll(y, x, b, h, w, c, shiftH, shiftW, false);
        return g.record("roll", y, dy -> g.backend().roll(g.gradFor(x), dy, b, h, w, c, -shiftH, -shiftW, true), x);
    }

    /** Rows of a table: table (R, C), idx (n) of integral floats → (n, C). Backward scatter-adds. */
    public static Tensor indexSelect(Graph g, Tensor table, Tensor idx) {
        Checks.alive(table, idx);
        Checks.rank("indexSelect", "table", table, 2);
        Checks.noGrad("indexSelect", "idx", idx);
        Checks.classIndices("indexSelect", idx, table.dim(0), Integer.MIN_VALUE);
        int cols = table.dim(1);
        Tensor y = g.empty(idx.size(), cols);
        g.backend().indexSelectRows(y, table, idx, cols);
        return g.record("indexSelect", y, dy -> g.backend().indexAddRows(g.gradFor(table), idx, dy, cols), table);
    }
}

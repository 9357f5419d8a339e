package org.umedpt.nn.swin;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;

/**
 * Where a shifted-window block puts its windows on an H×W map, exactly as torchvision's
 * {@code shifted_window_attention}: pad bottom/right to a multiple of the window, then cyclic-shift
 * by −shift, except along a side whose padded length is no larger than the window (no shift there);
 * partition into ws×ws windows in row-major order; the reverse undoes each step.
 */
record WindowGeometry(int h, int w, int ws, int padH, int padW, int shiftH, int shiftW) {

    static WindowGeometry of(int h, int w, int ws, int shift) {
        int padH = (h + ws - 1) / ws * ws, padW = (w + ws - 1) / ws * ws;
        return new WindowGeometry(h, w, ws, padH, padW, ws >= padH ? 0 : shift, ws >= padW ? 0 : shift);
    }

    boolean shifted() {
        return shiftH + shiftW > 0;
    }

    int windows() {
        return (padH / ws) * (padW / ws);
    }

    int tokens() {
        return ws * ws;
    }

    /** (B, H, W, C) → (B·nW, ws·ws, C): pad, shift and partition in one copy. */
    Tensor partition(Graph g, Tensor x) {
        return Ops.windowPartition(g, x, ws, shiftH, shiftW, padH, padW);
    }

    /** (B·nW, ws·ws, C) → (B, H, W, C): un-partition, shift back and crop in one copy. */
    Tensor reverse(Graph g, Tensor windows) {
        return Ops.windowReverse(g, windows, ws, h, w, shiftH, shiftW, padH, padW);
    }

    /**
     * The shifted-window mask (nW, N, N), the same for every head: 0 where two tokens of a window
     * came from the same region of the unshifted map and −100 elsewhere (torchvision's value).
     */
    float[] mask() {
        int[] region = new int[padH * padW];
        int[] hb = {0, padH - ws, padH - shiftH, padH}, wb = {0, padW - ws, padW - shiftW, padW};
        int count = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int r = hb[i]; r < hb[i + 1]; r++) for (int c = wb[j]; c < wb[j + 1]; c++) region[r * padW + c] = count;
                count++;
            }
        }
        int n = tokens(), nW = windows(), perRow = padW / ws;
        float[] m = new float[nW * n * n];
        int[] ids = new int[n];
        for (int win = 0; win < nW; win++) {
            int r0 = (win / perRow) * ws, c0 = (win % perRow) * ws;
            for (int t = 0; t < n; t++) ids[t] = region[(r0 + t / ws) * padW + c0 + t % ws];
            int base = win * n * n;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[base + i * n + j] = ids[i] == ids[j] ? 0f : -100f;
        }
        return m;
    }

    /**
     * torchvision's relative position index: for tokens i, j of a window,
     * (hi − hj + ws − 1)·(2ws − 1) + (wi − wj + ws − 1), flattened (N·N).
     */
    static float[] relativePositionIndex(int ws) {
        int n = ws * ws;
        float[] idx = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                idx[i * n + j] = (i / ws - j / ws + ws - 1) * (2 * ws - 1) + (i % ws - j % ws + ws - 1);
            }
        }
        return idx;
    }
}

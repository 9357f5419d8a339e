// window.cu — Swin's window partition and reverse, fused with the cyclic shift and the padding to
// window multiples (torchvision's order: pad bottom/right to (hp, wp), roll by (−sh, −sw), cut
// (win × win) windows; reverse undoes the three). The shifts differ where a side is no longer than
// the window (torchvision does not shift along it).
//
//   window_partition  out (b·(hp/win)·(wp/win), win·win, c) (=|+=) from x (b, h, w, c):
//                     out[window (bi, wi, wj), token (ti, tj), ch] = x[bi, (wi·win+ti+sh) mod hp,
//                     (wj·win+tj+sw) mod wp, ch], 0 where that row or column is padding (≥ h or ≥ w)
//   window_reverse    x (b, h, w, c) (=|+=) the inverse: x[bi, y, z, ch] = windows at padded position
//                     ((y − sh) mod hp, (z − sw) mod wp). Each is the other's adjoint (padding cells
//                     are dropped, or receive 0), so backward of one is the other with accumulate.
//
// Launch: one thread per output element (partition: windows·win²·c; reverse: b·h·w·c), grid-stride,
// any 1-D block. Channel is the fastest index: a warp reads and writes runs of c floats.
#include "common.cuh"

extern "C" __global__ void window_partition(float* __restrict__ out, const float* __restrict__ x, int b, int h, int w, int c,
                                            int win, int sh, int sw, int hp, int wp, int accumulate) {
    int nwh = hp / win, nww = wp / win;
    long long n = (long long)b * hp * wp * c;
    GRID_STRIDE(t, n) {
        long long ch = t % c;
        long long tok = (t / c) % ((long long)win * win);
        long long wnd = t / ((long long)c * win * win);
        int ti = (int)(tok / win), tj = (int)(tok % win);
        int wj = (int)(wnd % nww), wi = (int)((wnd / nww) % nwh), bi = (int)(wnd / ((long long)nww * nwh));
        int y = (wi * win + ti + sh) % hp, z = (wj * win + tj + sw) % wp;
        float v = (y < h && z < w) ? x[(((long long)bi * h + y) * w + z) * c + ch] : 0.0f;
        out[t] = accumulate ? out[t] + v : v;
    }
}

extern "C" __global__ void window_reverse(float* __restrict__ x, const float* __restrict__ windows, int b, int h, int w, int c,
                                          int win, int sh, int sw, int hp, int wp, int accumulate) {
    int nwh = hp / win, nww = wp / win;
    long long n = (long long)b * h * w * c;
    GRID_STRIDE(t, n) {
        long long ch = t % c;
        int z = (int)((t / c) % w), y = (int)((t / ((long long)c * w)) % h), bi = (int)(t / ((long long)c * w * h));
        int py = ((y - sh) % hp + hp) % hp, pz = ((z - sw) % wp + wp) % wp;
        int wi = py / win, ti = py % win, wj = pz / win, tj = pz % win;
        long long src = ((((long long)bi * nwh + wi) * nww + wj) * win * win + (long long)ti * win + tj) * c + ch;
        x[t] = accumulate ? x[t] + windows[src] : windows[src];
    }
}

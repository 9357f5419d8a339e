// im2col.cu — convolution as GEMM: im2col and its adjoint col2im (CpuBackend's reference), zero padding.
//
//   im2col  cols[r, colOffset + q] = x[nn, ch, oh·stride − pad + i, ow·stride − pad + j] (0 outside)
//           r = (ch·kh + i)·kw + j < c·kh·kw;  q = (nn·oh + y)·ow + z < n·oh·ow;  cols has ld columns
//   col2im  dx[nn, ch, yy, xx] += Σ over the (i, j) whose window covers (yy, xx) of cols[r, colOffset + q]
//
// Launch: one thread per element, grid-stride, any 1-D block: im2col over c·kh·kw·n·oh·ow (the
// fastest index is the output column: coalesced writes); col2im over the n·c·h·w input cells, each
// gathering its ≤ kh·kw terms, so no atomics and a deterministic order.
#include "common.cuh"

extern "C" __global__ void im2col(float* __restrict__ cols, const float* __restrict__ x, int n, int c, int h, int w, int kh,
                                  int kw, int stride, int pad, int oh, int ow, int ld, int colOffset) {
    long long plane = (long long)oh * ow, width = n * plane, total = (long long)c * kh * kw * width;
    GRID_STRIDE(t, total) {
        long long q = t % width, r = t / width;
        int j = (int)(r % kw), i = (int)((r / kw) % kh), ch = (int)(r / ((long long)kw * kh));
        int nn = (int)(q / plane), y = (int)((q % plane) / ow), z = (int)(q % ow);
        int iy = y * stride - pad + i, ix = z * stride - pad + j;
        cols[r * ld + colOffset + q] = (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                           ? x[(((long long)nn * c + ch) * h + iy) * w + ix]
                                           : 0.0f;
    }
}

extern "C" __global__ void col2im(float* __restrict__ dx, const float* __restrict__ cols, int n, int c, int h, int w, int kh,
                                  int kw, int stride, int pad, int oh, int ow, int ld, int colOffset) {
    long long plane = (long long)oh * ow, total = (long long)n * c * h * w;
    GRID_STRIDE(t, total) {
        int xx = (int)(t % w), yy = (int)((t / w) % h), ch = (int)((t / ((long long)w * h)) % c);
        int nn = (int)(t / ((long long)w * h * c));
        float s = 0.0f;
        for (int i = 0; i < kh; i++) {
            int ty = yy + pad - i;
            if (ty < 0 || ty % stride != 0) continue;
            int y = ty / stride;
            if (y >= oh) continue;
            for (int j = 0; j < kw; j++) {
                int tz = xx + pad - j;
                if (tz < 0 || tz % stride != 0) continue;
                int z = tz / stride;
                if (z >= ow) continue;
                long long r = ((long long)ch * kh + i) * kw + j, q = nn * plane + (long long)y * ow + z;
                s += cols[r * ld + colOffset + q];
            }
        }
        dx[t] += s;
    }
}

// layout.cu — copies that change layout (CpuBackend's permute, copyBlock, roll, indexSelectRows,
// indexAddRows). One thread per element, grid-stride, any 1-D block.
//
//   permute_forward    out[o] (=|+=) x[Σ_a idx_a(o)·xstride_a]   n elements; dims = [rank, outShape[rank],
//                      xStrideOfOutAxis[rank]] (device ints, rank ≤ 8)
//   copy_block         dst[o, dstStart + l, i] (=|+=) src[o, srcStart + l, i]   (outer, len, inner)
//   roll_forward       out[b, (i+sh) mod h, (j+sw) mod w, c] (=|+=) x[b, i, j, c]  (b, h, w, c); 0 ≤ sh < h, 0 ≤ sw < w
//   index_select_rows  out[r, :] = table[idx[r], :]            out (n, cols)
//   index_add_rows     dtable[idx[r], :] += dy[r, :]           atomicAdd: indices repeat (position-bias tables)
#include "common.cuh"

extern "C" __global__ void permute_forward(float* __restrict__ out, const float* __restrict__ x, const int* __restrict__ dims,
                                           int n, int accumulate) {
    int rank = dims[0];
    const int* shape = dims + 1;
    const int* stride = dims + 1 + rank;
    GRID_STRIDE(o, n) {
        long long rem = o, src = 0;
        for (int a = rank - 1; a >= 0; a--) {
            src += (rem % shape[a]) * stride[a];
            rem /= shape[a];
        }
        out[o] = accumulate ? out[o] + x[src] : x[src];
    }
}

extern "C" __global__ void copy_block(float* __restrict__ dst, const float* __restrict__ src, int outer, int len, int inner,
                                      int dstAxis, int dstStart, int srcAxis, int srcStart, int accumulate) {
    long long n = (long long)outer * len * inner;
    GRID_STRIDE(t, n) {
        long long i = t % inner, l = (t / inner) % len, o = t / ((long long)inner * len);
        long long d = (o * dstAxis + dstStart + l) * inner + i, s = (o * srcAxis + srcStart + l) * inner + i;
        dst[d] = accumulate ? dst[d] + src[s] : src[s];
    }
}

extern "C" __global__ void roll_forward(float* __restrict__ out, const float* __restrict__ x, int b, int h, int w, int c,
                                        int sh, int sw, int accumulate) {
    long long n = (long long)b * h * w * c;
    GRID_STRIDE(t, n) {
        long long ch = t % c, j = (t / c) % w, i = (t / ((long long)c * w)) % h, bi = t / ((long long)c * w * h);
        long long d = ((bi * h + (i + sh) % h) * w + (j + sw) % w) * c + ch;
        out[d] = accumulate ? out[d] + x[t] : x[t];
    }
}

extern "C" __global__ void index_select_rows(float* __restrict__ out, const float* __restrict__ table,
                                             const float* __restrict__ idx, int n, int cols) {
    long long total = (long long)n * cols;
    GRID_STRIDE(t, total) {
        long long r = t / cols, c = t % cols;
        out[t] = table[(long long)idx[r] * cols + c];
    }
}

extern "C" __global__ void index_add_rows(float* __restrict__ dtable, const float* __restrict__ idx,
                                          const float* __restrict__ dy, int n, int cols) {
    long long total = (long long)n * cols;
    GRID_STRIDE(t, total) {
        long long r = t / cols, c = t % cols;
        atomicAdd(&dtable[(long long)idx[r] * cols + c], dy[t]);
    }
}

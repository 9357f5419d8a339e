// reduce.cu — row reductions, the broadcast adjoint and row gathers (CpuBackend's reference).
//
//   sum_rows       out[r] = scale · Σ_c x[r, c]                 x (rows, cols), out (rows)
//   max_rows       out[r] = max_c x[r, c], argmax[r] = its first index as a float (a NaN wins, the first one)
//   reduce_to_mid  out[m] (=|+=) Σ_{o,i} x[o, m, i]             x (outer, mid, inner), out (mid)
//   gather_rows    out[r] = x[r, idx[r]], 0 where idx[r] == ignore
//   scatter_rows   dx[r, idx[r]] += dy[r], skipped where idx[r] == ignore
//
// Launch: sum_rows, max_rows: one block per row (gridDim.x = rows), blockDim.x a multiple of 32
// (≤ 1024). reduce_to_mid: one block per m (gridDim.x = mid), same block rule. gather/scatter:
// 1-D, one thread per row, any block. Sums accumulate in float per thread, then a tree across
// the block: error grows like log(cols), not cols.
#include "common.cuh"

extern "C" __global__ void sum_rows(float* __restrict__ out, const float* __restrict__ x, int rows, int cols, float scale) {
    __shared__ float scratch[32];
    int r = blockIdx.x;
    const float* row = x + (long long)r * cols;
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += row[c];
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) out[r] = scale * s;
}

// (value, index) order: a NaN beats everything (the first NaN), then larger values, then smaller index
__device__ __forceinline__ bool arg_better(float v, int i, float bv, int bi) {
    bool vn = v != v, bn = bv != bv;
    if (vn || bn) return vn && (!bn || i < bi);
    return v > bv || (v == bv && i < bi);
}

extern "C" __global__ void max_rows(float* __restrict__ out, float* __restrict__ argmax, const float* __restrict__ x,
                                    int rows, int cols) {
    __shared__ float sv[32];
    __shared__ int si[32];
    int r = blockIdx.x;
    const float* row = x + (long long)r * cols;
    float bv = -INFINITY;
    int bi = 0x7fffffff;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        if (arg_better(row[c], c, bv, bi)) { bv = row[c]; bi = c; }
    }
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(FULL_MASK, bv, o);
        int oi = __shfl_xor_sync(FULL_MASK, bi, o);
        if (arg_better(ov, oi, bv, bi)) { bv = ov; bi = oi; }
    }
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) { sv[warp] = bv; si[warp] = bi; }
    __syncthreads();
    if (warp == 0) {
        bv = lane < (int)(blockDim.x / 32) ? sv[lane] : -INFINITY;
        bi = lane < (int)(blockDim.x / 32) ? si[lane] : 0x7fffffff;
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(FULL_MASK, bv, o);
            int oi = __shfl_xor_sync(FULL_MASK, bi, o);
            if (arg_better(ov, oi, bv, bi)) { bv = ov; bi = oi; }
        }
        if (lane == 0) {
            // a row of -inf only: the first element, as the CPU loop (which starts from x[r, 0])
            if (bi == 0x7fffffff) bi = 0;
            out[r] = row[bi];
            argmax[r] = (float)bi;
        }
    }
}

extern "C" __global__ void reduce_to_mid(float* __restrict__ out, const float* __restrict__ x, int outer, int mid, int inner,
                                         int accumulate) {
    __shared__ float scratch[32];
    int m = blockIdx.x;
    long long count = (long long)outer * inner;
    float s = 0.0f;
    for (long long t = threadIdx.x; t < count; t += blockDim.x) {
        long long o = t / inner, i = t % inner;
        s += x[(o * mid + m) * inner + i];
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) out[m] = accumulate ? out[m] + s : s;
}

extern "C" __global__ void gather_rows(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ idx,
                                       int rows, int cols, int ignore) {
    GRID_STRIDE(r, rows) {
        int t = (int)idx[r];
        out[r] = t == ignore ? 0.0f : x[r * (long long)cols + t];
    }
}

extern "C" __global__ void scatter_rows(float* __restrict__ dx, const float* __restrict__ idx, const float* __restrict__ dy,
                                        int rows, int cols, int ignore) {
    GRID_STRIDE(r, rows) {
        int t = (int)idx[r];
        if (t != ignore) dx[r * (long long)cols + t] += dy[r];
    }
}

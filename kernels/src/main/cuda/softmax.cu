// softmax.cu — softmax and log-softmax over the last dimension, forward and backward.
//
//   softmax_forward   y[r, :] = softmax(x[r, :]) (or log-softmax)          x, y (rows, cols)
//   softmax_backward  dx[r, :] += y·(dy − Σ dy·y)     (softmax, from its output y)
//                     dx[r, :] += dy − e^y · Σ dy     (log-softmax, y = log-softmax)
//
// Launch: one block per row (gridDim.x = rows), blockDim.x a multiple of 32 (≤ 1024). Max and
// sums are block reductions; the exponentials are recomputed rather than stored (one read of x
// per pass, three passes).
#include "common.cuh"

extern "C" __global__ void softmax_forward(float* __restrict__ y, const float* __restrict__ x, int rows, int cols, int log) {
    __shared__ float scratch[32];
    const float* xr = x + (long long)blockIdx.x * cols;
    float* yr = y + (long long)blockIdx.x * cols;
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, xr[c]);
    m = block_max(m, scratch);
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(xr[c] - m);
    s = block_sum(s, scratch);
    if (log) {
        float lse = m + logf(s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] - lse;
    } else {
        float inv = 1.0f / s;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = expf(xr[c] - m) * inv;
    }
}

extern "C" __global__ void softmax_backward(float* __restrict__ dx, const float* __restrict__ y, const float* __restrict__ dy,
                                            int rows, int cols, int log) {
    __shared__ float scratch[32];
    long long base = (long long)blockIdx.x * cols;
    const float *yr = y + base, *gr = dy + base;
    float* dr = dx + base;
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += log ? gr[c] : gr[c] * yr[c];
    s = block_sum(s, scratch);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        dr[c] += log ? gr[c] - expf(yr[c]) * s : yr[c] * (gr[c] - s);
    }
}

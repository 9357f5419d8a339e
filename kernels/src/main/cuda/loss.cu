// loss.cu — fused softmax cross-entropy over class rows, forward and backward, with an ignore index.
//
//   cross_entropy_forward   loss[r] = logsumexp(x[r, :]) − x[r, t_r], 0 where t_r == ignore   x (rows, cols)
//   cross_entropy_backward  dx[r, c] += dloss[r] · (softmax(x[r, :])_c − [c == t_r]), nothing where ignored
// t_r = (int) targets[r] (class indices stored as floats, as the Backend's gatherRows).
//
// Launch: one block per row (gridDim.x = rows), blockDim.x a multiple of 32.
#include "common.cuh"

__device__ __forceinline__ void row_max_sum(const float* xr, int cols, float* scratch, float* m, float* s) {
    float mx = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) mx = fmaxf(mx, xr[c]);
    mx = block_max(mx, scratch);
    float sum = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += expf(xr[c] - mx);
    *m = mx;
    *s = block_sum(sum, scratch);
}

extern "C" __global__ void cross_entropy_forward(float* __restrict__ loss, const float* __restrict__ x,
                                                 const float* __restrict__ targets, int rows, int cols, int ignore) {
    __shared__ float scratch[32];
    int r = blockIdx.x, t = (int)targets[r];
    if (t == ignore) { // uniform per block: the whole block leaves before any barrier
        if (threadIdx.x == 0) loss[r] = 0.0f;
        return;
    }
    const float* xr = x + (long long)r * cols;
    float m, s;
    row_max_sum(xr, cols, scratch, &m, &s);
    if (threadIdx.x == 0) loss[r] = m + logf(s) - xr[t];
}

extern "C" __global__ void cross_entropy_backward(float* __restrict__ dx, const float* __restrict__ x,
                                                  const float* __restrict__ targets, const float* __restrict__ dloss,
                                                  int rows, int cols, int ignore) {
    __shared__ float scratch[32];
    int r = blockIdx.x, t = (int)targets[r];
    if (t == ignore) return;
    const float* xr = x + (long long)r * cols;
    float* dr = dx + (long long)r * cols;
    float m, s;
    row_max_sum(xr, cols, scratch, &m, &s);
    float g = dloss[r], inv = 1.0f / s;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dr[c] += g * (expf(xr[c] - m) * inv - (c == t ? 1.0f : 0.0f));
}

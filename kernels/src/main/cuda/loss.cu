// loss.cu — fused softmax cross-entropy over class rows, forward and backward, with an ignore index.
//
//   cross_entropy_forward   loss[r] = logsumexp(x[r, :]) − x[r, t_r], 0 where t_r == ignore   x (rows, cols)
//   cross_entropy_backward  dx[r, c] += dloss[r] · (softmax(x[r, :])_c − [c == t_r]), nothing where ignored
// t_r = (int) targets[r] (class indices stored as floats, as the Backend's gatherRows).
//
//   sigmoid_focal_forward   loss[i] = α_t·(1 − p_t)^γ·bce(x_i, t_i), elementwise (torchvision's sigmoid_focal_loss
//                           with reduction "none"): p = σ(x), p_t = p·t + (1−p)(1−t), α_t = α·t + (1−α)(1−t)
//                           (α < 0: α_t = 1), bce = max(x, 0) − x·t + log1p(e^−|x|); γ = 0, α < 0 is BCE-with-logits
//   sigmoid_focal_backward  dx[i] += dloss[i]·α_t·[(1 − p_t)^γ·(p − t) − γ(1 − p_t)^(γ−1)·(2t − 1)·p(1 − p)·bce]
//
// Launch: cross-entropy: one block per row (gridDim.x = rows), blockDim.x a multiple of 32; focal:
// one thread per element, grid-stride, any 1-D block.
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

__device__ __forceinline__ void focal_terms(float x, float t, float alpha, float* p, float* pt, float* at, float* bce) {
    *p = 1.0f / (1.0f + expf(-x));
    *pt = *p * t + (1.0f - *p) * (1.0f - t);
    *at = alpha >= 0.0f ? alpha * t + (1.0f - alpha) * (1.0f - t) : 1.0f;
    *bce = fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)));
}

extern "C" __global__ void sigmoid_focal_forward(float* __restrict__ loss, const float* __restrict__ x, const float* __restrict__ t,
                                                 int n, float alpha, float gamma) {
    GRID_STRIDE(i, n) {
        float p, pt, at, bce;
        focal_terms(x[i], t[i], alpha, &p, &pt, &at, &bce);
        float w = gamma == 0.0f ? 1.0f : powf(1.0f - pt, gamma);
        loss[i] = at * w * bce;
    }
}

extern "C" __global__ void sigmoid_focal_backward(float* __restrict__ dx, const float* __restrict__ x, const float* __restrict__ t,
                                                  const float* __restrict__ dloss, int n, float alpha, float gamma) {
    GRID_STRIDE(i, n) {
        float p, pt, at, bce;
        float ti = t[i];
        focal_terms(x[i], ti, alpha, &p, &pt, &at, &bce);
        float q = 1.0f - pt;
        float w = gamma == 0.0f ? 1.0f : powf(q, gamma);
        // d(1 − p_t)^γ / dx = −γ(1 − p_t)^(γ−1)·(2t − 1)·p(1 − p); 0 at q = 0 for γ > 1, and absent for γ = 0
        float dw = gamma == 0.0f || q == 0.0f ? 0.0f : -gamma * powf(q, gamma - 1.0f) * (2.0f * ti - 1.0f) * p * (1.0f - p);
        dx[i] += dloss[i] * at * (w * (p - ti) + dw * bce);
    }
}

// layernorm.cu — LayerNorm over the last dimension (PyTorch's: biased variance, eps inside the root).
//
//   layernorm_forward      y = (x − mean)·rstd·w + b; saves mean, rstd      x, y (rows, cols); w, b (cols) or null
//   layernorm_residual_forward  sum = x + r (written: the residual stream), y = LayerNorm(sum): Swin's
//                          "x = x + f(x); y = norm(x)" in one pass over memory; its backward is
//                          layernorm_backward_* on sum (the gradient then flows to x and r alike)
//   layernorm_backward_dx  dx += rstd·(g − mean(g) − x̂·mean(g·x̂)),  g = dy·w,  x̂ = (x − mean)·rstd
//   layernorm_backward_dwdb dw += Σ_r dy·x̂,  db += Σ_r dy                    dw, db (cols) or null
//
// Launch: forward and backward_dx: one block per row (gridDim.x = rows), blockDim.x a multiple
// of 32. The variance is two-pass (mean first), as the CPU reference. backward_dwdb: block
// (32, 8): threadIdx.x picks a column of a 32-column strip (gridDim.x = ceil(cols / 32)),
// threadIdx.y and gridDim.y split the rows; each block sums its rows in shared memory and adds
// the strip's partial sums with atomicAdd (order of the adds varies: not bit-reproducible).
#include "common.cuh"

extern "C" __global__ void layernorm_forward(float* __restrict__ y, float* __restrict__ mean, float* __restrict__ rstd,
                                             const float* __restrict__ x, const float* __restrict__ w,
                                             const float* __restrict__ b, int rows, int cols, float eps) {
    __shared__ float scratch[32];
    long long base = (long long)blockIdx.x * cols;
    const float* xr = x + base;
    float* yr = y + base;
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c];
    float m = block_sum(s, scratch) / cols;
    float v = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float d = xr[c] - m;
        v += d * d;
    }
    float rs = rsqrtf(block_sum(v, scratch) / cols + eps);
    if (threadIdx.x == 0) {
        mean[blockIdx.x] = m;
        rstd[blockIdx.x] = rs;
    }
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float o = (xr[c] - m) * rs;
        if (w != nullptr) o *= w[c];
        if (b != nullptr) o += b[c];
        yr[c] = o;
    }
}

extern "C" __global__ void layernorm_residual_forward(float* __restrict__ y, float* __restrict__ sum, float* __restrict__ mean,
                                                      float* __restrict__ rstd, const float* __restrict__ x,
                                                      const float* __restrict__ r, const float* __restrict__ w,
                                                      const float* __restrict__ b, int rows, int cols, float eps) {
    __shared__ float scratch[32];
    long long base = (long long)blockIdx.x * cols;
    const float *xr = x + base, *rr = r + base;
    float *yr = y + base, *sr = sum + base;
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float v = xr[c] + rr[c];
        sr[c] = v; // read back below by this same thread only
        s += v;
    }
    float m = block_sum(s, scratch) / cols;
    float v = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float d = sr[c] - m;
        v += d * d;
    }
    float rs = rsqrtf(block_sum(v, scratch) / cols + eps);
    if (threadIdx.x == 0) {
        mean[blockIdx.x] = m;
        rstd[blockIdx.x] = rs;
    }
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float o = (sr[c] - m) * rs;
        if (w != nullptr) o *= w[c];
        if (b != nullptr) o += b[c];
        yr[c] = o;
    }
}

extern "C" __global__ void layernorm_backward_dx(float* __restrict__ dx, const float* __restrict__ dy,
                                                 const float* __restrict__ x, const float* __restrict__ mean,
                                                 const float* __restrict__ rstd, const float* __restrict__ w, int rows,
                                                 int cols) {
    __shared__ float scratch[32];
    long long base = (long long)blockIdx.x * cols;
    const float *xr = x + base, *gr = dy + base;
    float* dr = dx + base;
    float m = mean[blockIdx.x], rs = rstd[blockIdx.x];
    float sg = 0.0f, sgx = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float g = gr[c] * (w != nullptr ? w[c] : 1.0f);
        sg += g;
        sgx += g * (xr[c] - m) * rs;
    }
    float mg = block_sum(sg, scratch) / cols;
    float mgx = block_sum(sgx, scratch) / cols;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float g = gr[c] * (w != nullptr ? w[c] : 1.0f);
        float xhat = (xr[c] - m) * rs;
        dr[c] += rs * (g - mg - xhat * mgx);
    }
}

#define DWDB_ROWS 8
extern "C" __global__ void layernorm_backward_dwdb(float* __restrict__ dw, float* __restrict__ db,
                                                   const float* __restrict__ dy, const float* __restrict__ x,
                                                   const float* __restrict__ mean, const float* __restrict__ rstd, int rows,
                                                   int cols) {
    __shared__ float pw[DWDB_ROWS][32];
    __shared__ float pb[DWDB_ROWS][32];
    int c = blockIdx.x * 32 + threadIdx.x;
    float aw = 0.0f, ab = 0.0f;
    if (c < cols) {
        for (int r = blockIdx.y * DWDB_ROWS + threadIdx.y; r < rows; r += gridDim.y * DWDB_ROWS) {
            float g = dy[(long long)r * cols + c];
            aw += g * (x[(long long)r * cols + c] - mean[r]) * rstd[r];
            ab += g;
        }
    }
    pw[threadIdx.y][threadIdx.x] = aw;
    pb[threadIdx.y][threadIdx.x] = ab;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        float sw = 0.0f, sb = 0.0f;
        for (int k = 0; k < DWDB_ROWS; k++) {
            sw += pw[k][threadIdx.x];
            sb += pb[k][threadIdx.x];
        }
        if (dw != nullptr) atomicAdd(&dw[c], sw);
        if (db != nullptr) atomicAdd(&db[c], sb);
    }
}

// common.cuh — what every kernel file shares: the dynamic shared memory macro, warp and block
// reductions. Included by each .cu; compiled by nvcc for the fatbins and by g++ with the
// CUDA-on-threads shim (kernels/src/test/cuda/cuda_shim.h) for the CPU tests.
//
// Reductions use only *_sync shuffles and __syncthreads: nothing relies on warp lockstep.
// Block reductions need blockDim.x to be a multiple of 32 (the launchers only use such sizes).
#pragma once

#if defined(__CUDACC__)
#define DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#elif !defined(UMEDPT_CUDA_SHIM)
#error "compile with nvcc, or include cuda_shim.h before this file"
#endif

#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, o));
    return v;
}

// Sum over the block, returned to every thread. scratch: 32 floats of shared memory, free on entry;
// the closing barrier lets a caller reuse scratch for the next reduction at once.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    v = warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < warps ? scratch[lane] : 0.0f;
    r = warp_sum(r);
    __syncthreads();
    return r;
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    v = warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < warps ? scratch[lane] : -INFINITY;
    r = warp_max(r);
    __syncthreads();
    return r;
}

// Grid-stride loop over [0, n) for one-thread-per-element kernels.
#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)gridDim.x * blockDim.x)

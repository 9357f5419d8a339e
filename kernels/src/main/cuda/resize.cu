// resize.cu — bilinear (align_corners = false) and nearest resize of planes, forward and backward,
// PyTorch's upsample_bilinear2d / upsample_nearest2d for a given output size (CpuBackend's reference).
//
//   resize_forward   y (planes, oh, ow) from x (planes, h, w)
//   resize_backward  dx (planes, h, w) += the adjoint (atomicAdd: source cells are shared)
// Per axis (in → out, scale = in / out): bilinear: src = max(scale·(d + ½) − ½, 0), i0 = min(⌊src⌋, in − 1),
// i1 = i0 + (i0 < in − 1), weights 1 − λ and λ with λ = src − i0; nearest: i0 = i1 = min(⌊d·scale⌋, in − 1),
// weights 1 and 0. The products use __fmul_rn/__fadd_rn so that nvcc does not contract them into an
// FMA: the indices then match the CPU's exactly.
//
// Launch: one thread per output element, grid-stride, any 1-D block.
#include "common.cuh"

__device__ __forceinline__ void axis(int d, int in, int out, int bilinear, int* i0, int* i1, float* l0, float* l1) {
    float scale = (float)in / (float)out;
    if (bilinear) {
        float src = fmaxf(__fadd_rn(__fmul_rn(scale, __fadd_rn((float)d, 0.5f)), -0.5f), 0.0f);
        int s0 = min((int)src, in - 1);
        *i0 = s0;
        *i1 = s0 + (s0 < in - 1 ? 1 : 0);
        *l1 = src - (float)s0;
        *l0 = 1.0f - *l1;
    } else {
        *i0 = *i1 = min((int)floorf(__fmul_rn((float)d, scale)), in - 1);
        *l0 = 1.0f;
        *l1 = 0.0f;
    }
}

extern "C" __global__ void resize_forward(float* __restrict__ y, const float* __restrict__ x, int planes, int h, int w, int oh,
                                          int ow, int bilinear) {
    long long total = (long long)planes * oh * ow;
    GRID_STRIDE(t, total) {
        int j = (int)(t % ow), i = (int)((t / ow) % oh);
        const float* xp = x + (t / ((long long)ow * oh)) * h * w;
        int r0, r1, c0, c1;
        float a0, a1, b0, b1;
        axis(i, h, oh, bilinear, &r0, &r1, &a0, &a1);
        axis(j, w, ow, bilinear, &c0, &c1, &b0, &b1);
        y[t] = a0 * (b0 * xp[r0 * w + c0] + b1 * xp[r0 * w + c1]) + a1 * (b0 * xp[r1 * w + c0] + b1 * xp[r1 * w + c1]);
    }
}

extern "C" __global__ void resize_backward(float* __restrict__ dx, const float* __restrict__ dy, int planes, int h, int w, int oh,
                                           int ow, int bilinear) {
    long long total = (long long)planes * oh * ow;
    GRID_STRIDE(t, total) {
        int j = (int)(t % ow), i = (int)((t / ow) % oh);
        float* xp = dx + (t / ((long long)ow * oh)) * h * w;
        int r0, r1, c0, c1;
        float a0, a1, b0, b1;
        axis(i, h, oh, bilinear, &r0, &r1, &a0, &a1);
        axis(j, w, ow, bilinear, &c0, &c1, &b0, &b1);
        float g = dy[t];
        atomicAdd(&xp[r0 * w + c0], a0 * b0 * g);
        atomicAdd(&xp[r0 * w + c1], a0 * b1 * g);
        atomicAdd(&xp[r1 * w + c0], a1 * b0 * g);
        atomicAdd(&xp[r1 * w + c1], a1 * b1 * g);
    }
}

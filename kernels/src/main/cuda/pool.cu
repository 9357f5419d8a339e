// pool.cu — max and average pooling over NCHW planes, forward and backward (CpuBackend's reference).
//
//   maxpool_forward   y[p, oy, ox] = max over the in-bounds window cells; argmax = the cell's in-plane
//                     index iy·w + ix as a float (first max; a NaN wins: CpuBackend's loop exactly)
//   maxpool_backward  dx[p, cell] += Σ dy[p, o] over the outputs o whose argmax is that cell
//   avgpool_forward   y = window sum / divisor: kh·kw clipped to the padded input (countIncludePad),
//                     else the number of in-bounds cells
//   avgpool_backward  dx[p, cell] += Σ dy[p, o] / divisor(o) over the windows o covering the cell
// x, dx (planes, h, w); y, dy, argmax (planes, oh, ow); planes = n·c.
//
// Launch: one thread per element, grid-stride, any 1-D block: forwards over the outputs, backwards
// over the input cells, each gathering from the ≤ ceil(kh/stride)·ceil(kw/stride) windows that
// cover it: no atomics, a deterministic order.
#include "common.cuh"

extern "C" __global__ void maxpool_forward(float* __restrict__ y, float* __restrict__ argmax, const float* __restrict__ x,
                                           int planes, int h, int w, int kh, int kw, int stride, int pad, int oh, int ow) {
    long long total = (long long)planes * oh * ow;
    GRID_STRIDE(t, total) {
        int ox = (int)(t % ow), oy = (int)((t / ow) % oh);
        const float* xp = x + (t / ((long long)ow * oh)) * h * w;
        float best = -INFINITY;
        int bi = -1;
        for (int i = 0; i < kh; i++) {
            int iy = oy * stride - pad + i;
            if (iy < 0 || iy >= h) continue;
            for (int j = 0; j < kw; j++) {
                int ix = ox * stride - pad + j;
                if (ix < 0 || ix >= w) continue;
                float v = xp[iy * w + ix];
                bool nan = v != v;
                if (v > best || bi < 0 || nan) {
                    best = v;
                    bi = iy * w + ix;
                    if (nan) break; // as the CPU loop: leaves this window row only
                }
            }
        }
        y[t] = best;
        argmax[t] = (float)bi;
    }
}

// Output rows/columns whose window covers input index i: o·stride − pad ≤ i ≤ o·stride − pad + k − 1.
__device__ __forceinline__ void covering(int i, int k, int stride, int pad, int out, int* lo, int* hi) {
    int a = i + pad - k + 1; // smallest o·stride
    *lo = a <= 0 ? 0 : (a + stride - 1) / stride;
    int b = (i + pad) / stride;
    *hi = b < out - 1 ? b : out - 1;
}

extern "C" __global__ void maxpool_backward(float* __restrict__ dx, const float* __restrict__ argmax, const float* __restrict__ dy,
                                            int planes, int h, int w, int kh, int kw, int stride, int pad, int oh, int ow) {
    long long total = (long long)planes * h * w;
    GRID_STRIDE(t, total) {
        int ix = (int)(t % w), iy = (int)((t / w) % h);
        long long p = t / ((long long)w * h);
        int cell = iy * w + ix, y0, y1, x0, x1;
        covering(iy, kh, stride, pad, oh, &y0, &y1);
        covering(ix, kw, stride, pad, ow, &x0, &x1);
        const float* ap = argmax + p * oh * ow;
        const float* gp = dy + p * oh * ow;
        float s = 0.0f;
        for (int oy = y0; oy <= y1; oy++)
            for (int ox = x0; ox <= x1; ox++)
                if ((int)ap[oy * ow + ox] == cell) s += gp[oy * ow + ox];
        dx[t] += s;
    }
}

__device__ __forceinline__ int avg_divisor(int oy, int ox, int h, int w, int kh, int kw, int stride, int pad, int include) {
    int h0 = oy * stride - pad, w0 = ox * stride - pad;
    if (include) {
        int h1 = min(h0 + kh, h + pad), w1 = min(w0 + kw, w + pad);
        return (h1 - h0) * (w1 - w0);
    }
    int count = (min(h0 + kh, h) - max(h0, 0)) * (min(w0 + kw, w) - max(w0, 0));
    return count > 0 ? count : 1;
}

extern "C" __global__ void avgpool_forward(float* __restrict__ y, const float* __restrict__ x, int planes, int h, int w, int kh,
                                           int kw, int stride, int pad, int oh, int ow, int include) {
    long long total = (long long)planes * oh * ow;
    GRID_STRIDE(t, total) {
        int ox = (int)(t % ow), oy = (int)((t / ow) % oh);
        const float* xp = x + (t / ((long long)ow * oh)) * h * w;
        float s = 0.0f;
        for (int i = 0; i < kh; i++) {
            int iy = oy * stride - pad + i;
            if (iy < 0 || iy >= h) continue;
            for (int j = 0; j < kw; j++) {
                int ix = ox * stride - pad + j;
                if (ix >= 0 && ix < w) s += xp[iy * w + ix];
            }
        }
        y[t] = s / (float)avg_divisor(oy, ox, h, w, kh, kw, stride, pad, include);
    }
}

extern "C" __global__ void avgpool_backward(float* __restrict__ dx, const float* __restrict__ dy, int planes, int h, int w, int kh,
                                            int kw, int stride, int pad, int oh, int ow, int include) {
    long long total = (long long)planes * h * w;
    GRID_STRIDE(t, total) {
        int ix = (int)(t % w), iy = (int)((t / w) % h), y0, y1, x0, x1;
        const float* gp = dy + (t / ((long long)w * h)) * oh * ow;
        covering(iy, kh, stride, pad, oh, &y0, &y1);
        covering(ix, kw, stride, pad, ow, &x0, &x1);
        float s = 0.0f;
        for (int oy = y0; oy <= y1; oy++)
            for (int ox = x0; ox <= x1; ox++)
                s += gp[oy * ow + ox] / (float)avg_divisor(oy, ox, h, w, kh, kw, stride, pad, include);
        dx[t] += s;
    }
}

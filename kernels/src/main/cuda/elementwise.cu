// elementwise.cu — one thread per element (grid-stride loops), for the Backend's memory,
// elementwise and optimizer primitives; the CPU reference is tensor.cpu.CpuBackend.
//
//   fill_forward      out[i] = value                                  out (n)
//   axpy_forward      y[i] += alpha · x[i]                             y, x (n)
//   unary_forward     out[i] = f_op(x[i], p)                           out, x (n)   (out may be x)
//   unary_backward    dx[i] += dy[i] · f'_op(x[i], y[i], p)            y may be null unless needed
//   binary_forward    out[i] (=|+=) a[i] op b[(i / inner) % mid]       a, out (n); b (mid)
//   binary_strided    NumPy broadcasting in general: out (n, contiguous over dims) (=|+=)
//                     a[Σ idx_k·strideA_k] op b[Σ idx_k·strideB_k]; a stride 0 repeats an operand;
//                     dims = [rank, dims[rank], strideA[rank], strideB[rank]] (device ints, rank ≤ 8)
//   adamw_step        PyTorch's AdamW on p, m, v with gradient g       all (n)
//   adamw_multi       adamw_step over T tensors in one launch: tensors[4T] = the p, g, m, v pointers
//                     (p of every tensor, then every g, m, v); starts (T+1) their element offsets in
//                     the concatenation (starts[T] = n); decay (T) each tensor's 1 − lr·wd (0 weight
//                     decay for norms and biases). Thread per element of the concatenation; its tensor
//                     by binary search in starts.
//   to_bf16           out[i] = x[i] rounded to bfloat16 (nearest, ties to even; NaN stays NaN, as a
//                     quiet NaN), as bit patterns: the bf16 GEMM's inputs        out (n uint16), x (n)
//
// op codes are the ordinals of org.umedpt.tensor.UnaryOp / BinaryOp (a Java test pins them).
// Launch: 1-D, blockDim.x any (256 by default), gridDim.x = min(ceil(n / block), cap); the loops
// stride, so any grid covers n.
#include "common.cuh"

enum UnaryCode { U_EXP, U_LOG, U_SQRT, U_TANH, U_SIGMOID, U_RELU, U_GELU, U_SOFTPLUS, U_SQUARE, U_POW,
                 U_SCALE, U_ADD_SCALAR, U_RECIPROCAL, U_CLAMP_MIN, U_CLAMP_MAX };
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_RSUB, B_RDIV };

#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

__device__ __forceinline__ float unary_f(int op, float x, float p) {
    switch (op) {
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: return 1.0f / (1.0f + expf(-x));
        case U_RELU: return x > 0.0f ? x : 0.0f;
        case U_GELU: return 0.5f * x * (1.0f + erff(x * INV_SQRT2)); // exact (erf) GELU
        case U_SOFTPLUS: return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
        case U_SQUARE: return x * x;
        case U_POW: return powf(x, p);
        case U_SCALE: return p * x;
        case U_ADD_SCALAR: return x + p;
        case U_RECIPROCAL: return 1.0f / x;
        case U_CLAMP_MIN: return fmaxf(x, p);
        case U_CLAMP_MAX: return fminf(x, p);
        default: return NAN;
    }
}

// dy/dx given x and y = f(x) (y is only read by the ops whose derivative needs it)
__device__ __forceinline__ float unary_df(int op, float x, float y, float p) {
    switch (op) {
        case U_EXP: return y;
        case U_LOG: return 1.0f / x;
        case U_SQRT: return 0.5f / y;
        case U_TANH: return 1.0f - y * y;
        case U_SIGMOID: return y * (1.0f - y);
        case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case U_GELU: return 0.5f * (1.0f + erff(x * INV_SQRT2)) + x * INV_SQRT_2PI * expf(-0.5f * x * x);
        case U_SOFTPLUS: return 1.0f / (1.0f + expf(-x));
        case U_SQUARE: return 2.0f * x;
        case U_POW: return p * powf(x, p - 1.0f);
        case U_SCALE: return p;
        case U_ADD_SCALAR: return 1.0f;
        case U_RECIPROCAL: return -y * y;
        case U_CLAMP_MIN: return x >= p ? 1.0f : 0.0f;
        case U_CLAMP_MAX: return x <= p ? 1.0f : 0.0f;
        default: return NAN;
    }
}

__device__ __forceinline__ float binary_f(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_RSUB: return b - a;
        case B_RDIV: return b / a;
        default: return NAN;
    }
}

extern "C" __global__ void fill_forward(float* out, float value, int n) {
    GRID_STRIDE(i, n) out[i] = value;
}

extern "C" __global__ void axpy_forward(float* __restrict__ y, float alpha, const float* __restrict__ x, int n) {
    GRID_STRIDE(i, n) y[i] += alpha * x[i];
}

// out may alias x (no __restrict__)
extern "C" __global__ void unary_forward(float* out, const float* x, int n, int op, float p) {
    GRID_STRIDE(i, n) out[i] = unary_f(op, x[i], p);
}

extern "C" __global__ void unary_backward(float* __restrict__ dx, const float* __restrict__ x, const float* __restrict__ y,
                                          const float* __restrict__ dy, int n, int op, float p) {
    GRID_STRIDE(i, n) {
        float yi = y != nullptr ? y[i] : 0.0f;
        dx[i] += dy[i] * unary_df(op, x[i], yi, p);
    }
}

// out may alias a (no __restrict__)
extern "C" __global__ void binary_forward(float* out, const float* a, const float* b, int n, int mid, int inner, int op,
                                          int accumulate) {
    GRID_STRIDE(i, n) {
        float r = binary_f(op, a[i], b[(i / inner) % mid]);
        out[i] = accumulate ? out[i] + r : r;
    }
}

// out may alias a (no __restrict__)
extern "C" __global__ void binary_strided(float* out, const float* a, const float* b, const int* __restrict__ dims, int n, int op,
                                          int accumulate) {
    int rank = dims[0];
    const int *shape = dims + 1, *sa = dims + 1 + rank, *sb = dims + 1 + 2 * rank;
    GRID_STRIDE(i, n) {
        long long rem = i, pa = 0, pb = 0;
        for (int k = rank - 1; k >= 0; k--) {
            long long idx = rem % shape[k];
            rem /= shape[k];
            pa += idx * sa[k];
            pb += idx * sb[k];
        }
        float r = binary_f(op, a[pa], b[pb]);
        out[i] = accumulate ? out[i] + r : r;
    }
}

// The scalar loop of CpuBackend.adamWStep, operation for operation:
//   m ← b1·m + c1·g;  v ← b2·v + c2·g²;  p ← p·decay − stepSize·m / (√v / √bc2 + eps)
// with c_i = 1 − β_i computed in double on the host, decay = 1 − lr·wd, stepSize = lr / bc1.
extern "C" __global__ void to_bf16(unsigned short* __restrict__ out, const float* __restrict__ x, int n) {
    GRID_STRIDE(i, n) {
        unsigned int u = __float_as_uint(x[i]);
        out[i] = (u & 0x7fffffffu) > 0x7f800000u ? (unsigned short)((u >> 16) | 0x40u)
                                                  : (unsigned short)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    }
}

extern "C" __global__ void adamw_step(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                      float* __restrict__ v, int n, float b1, float b2, float c1, float c2, float decay,
                                      float stepSize, float sqrtBc2, float eps) {
    GRID_STRIDE(i, n) {
        float gi = g[i];
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * decay - stepSize * mi / (sqrtf(vi) / sqrtBc2 + eps);
    }
}

extern "C" __global__ void adamw_multi(float** __restrict__ tensors, const int* __restrict__ starts, const float* __restrict__ decay,
                                       int n, int count, float b1, float b2, float c1, float c2, float stepSize, float sqrtBc2,
                                       float eps) {
    GRID_STRIDE(i, n) {
        int lo = 0, hi = count - 1; // the last t with starts[t] <= i
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (starts[mid] <= i) lo = mid;
            else hi = mid - 1;
        }
        int t = lo;
        long long j = i - starts[t];
        float *p = tensors[t], *m = tensors[2 * count + t], *v = tensors[3 * count + t];
        const float* g = tensors[count + t];
        float gi = g[j];
        float mi = b1 * m[j] + c1 * gi;
        float vi = b2 * v[j] + c2 * gi * gi;
        m[j] = mi;
        v[j] = vi;
        p[j] = p[j] * decay[t] - stepSize * mi / (sqrtf(vi) / sqrtBc2 + eps);
    }
}

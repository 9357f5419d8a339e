// attention.cu — fused window attention (Swin v1), forward and backward: per window and head,
//   out = softmax(q·kᵀ·scale + bias + mask) · v
// in one kernel, without writing the (n × n) scores to global memory unless asked.
//
//   qkv   (bw, n, 3, heads, d)  the qkv Linear's output as is (no permute): q, k, v of token j
//   bias  (heads, n, n) or null the gathered relative-position bias
//   mask  (nw, n, n) or null    the shift mask; window b uses mask[b mod nw]
//   out   (bw, n, heads, d)     heads merged: the proj Linear's input
//   probs (bw, heads, n, n) or null  the softmax, saved for backward when given
//   logitScale (heads) or null  Swin v2's cosine attention: q and k rows are L2-normalised
//                  (x / max(|x|, 1e-12), as F.normalize) and the scores are q̂·k̂ · logitScale[h]
//                  (the caller passes exp(min(logit_scale, ln 100))) instead of q·k·scale; bias is then
//                  v2's 16·sigmoid(cpb) table. Its backward is window_attention_cosine_backward.
// Swin v1: n = 49 (window 7), v2: n = 64 (window 8); d = 32. Any n, d work (shared memory permitting).
//
// Launch: one block per (window, head): gridDim.x = bw·heads; blockDim.x = 32·warps (128 by
// default); each warp takes query rows warp, warp + warps, …, one lane per key for the scores
// and one lane per channel for p·v. Dynamic shared memory: k (n × (d+1), padded so lanes reading
// different keys hit different banks), v (n × d), and per warp one q row (d) and one p row (n):
// 4·(n·(2d+1) + warps·(d+n)) bytes = 18 KB for n = 64, d = 32, 4 warps.
#include "common.cuh"

extern "C" __global__ void window_attention_forward(float* __restrict__ out, float* __restrict__ probs,
                                                    const float* __restrict__ qkv, const float* __restrict__ bias,
                                                    const float* __restrict__ mask, const float* __restrict__ logitScale,
                                                    int bw, int heads, int n, int d, int nw, float scale) {
    DYNAMIC_SHARED(float, smem);
    int warps = blockDim.x / 32, warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int ks = d + 1;
    float* kS = smem;
    float* vS = kS + n * ks;
    float* qS = vS + n * d + warp * d;
    float* pS = vS + n * d + warps * d + warp * n;
    int win = blockIdx.x / heads, h = blockIdx.x % heads;
    long long C = (long long)heads * d, rowStride = 3 * C;
    const float* base = qkv + (long long)win * n * rowStride + h * d;
    for (int t = threadIdx.x; t < n * d; t += blockDim.x) {
        int j = t / d, e = t % d;
        kS[j * ks + e] = base[j * rowStride + C + e];
        vS[t] = base[j * rowStride + 2 * C + e];
    }
    __syncthreads();
    if (logitScale != nullptr) { // cosine attention: normalise the k rows in place, one warp per row
        for (int j = warp; j < n; j += warps) {
            float ss = 0.0f;
            for (int e = lane; e < d; e += 32) ss += kS[j * ks + e] * kS[j * ks + e];
            float inv = 1.0f / fmaxf(sqrtf(warp_sum(ss)), 1e-12f);
            for (int e = lane; e < d; e += 32) kS[j * ks + e] *= inv;
        }
        __syncthreads();
    }
    const float* maskW = mask != nullptr ? mask + (long long)(win % nw) * n * n : nullptr;
    for (int i = warp; i < n; i += warps) {
        // qS was last read before the previous row's second __syncwarp, so writing it here is safe;
        // this barrier in turn keeps the pS writes below after every lane's reads of the previous row
        if (logitScale == nullptr) {
            for (int e = lane; e < d; e += 32) qS[e] = base[i * rowStride + e] * scale;
        } else { // q̂ · logitScale[h]: every lane computes the row's norm from its own elements' shuffled sum
            float ss = 0.0f;
            for (int e = lane; e < d; e += 32) ss += base[i * rowStride + e] * base[i * rowStride + e];
            float f = logitScale[h] / fmaxf(sqrtf(warp_sum(ss)), 1e-12f);
            for (int e = lane; e < d; e += 32) qS[e] = base[i * rowStride + e] * f;
        }
        __syncwarp();
        float mx = -INFINITY;
        for (int j = lane; j < n; j += 32) {
            float s = 0.0f;
            for (int e = 0; e < d; e++) s += qS[e] * kS[j * ks + e];
            if (bias != nullptr) s += bias[((long long)h * n + i) * n + j];
            if (maskW != nullptr) s += maskW[(long long)i * n + j];
            pS[j] = s;
            mx = fmaxf(mx, s);
        }
        mx = warp_max(mx);
        float sum = 0.0f;
        for (int j = lane; j < n; j += 32) {
            float e = expf(pS[j] - mx);
            pS[j] = e;
            sum += e;
        }
        float inv = 1.0f / warp_sum(sum);
        for (int j = lane; j < n; j += 32) {
            pS[j] *= inv;
            if (probs != nullptr) probs[(((long long)win * heads + h) * n + i) * n + j] = pS[j];
        }
        __syncwarp();
        for (int e = lane; e < d; e += 32) {
            float acc = 0.0f;
            for (int j = 0; j < n; j++) acc += pS[j] * vS[j * d + e];
            out[((long long)win * n + i) * C + h * d + e] = acc;
        }
    }
}

// Phase 1 of both backwards, one warp per query row i: ds[i, :] = p ∘ (dp − rowsum(dp ∘ p)) with
// dp = dout_i·vᵀ, into dsS (n × (n+1)); dbias (heads, n, n) += ds (atomicAdd) when given. vS is
// (n × (d+1)); goS is this warp's dout row (d). Every lane read goS (previous row) before the
// __syncwarp that ends that row, so overwriting it is safe.
__device__ __forceinline__ void ds_rows(float* dsS, float* goS, const float* vS, const float* gbase, const float* pbase, float* dbias,
                                        int h, int n, int d, long long C) {
    int warps = blockDim.x / 32, warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int ks = d + 1, ss = n + 1;
    for (int i = warp; i < n; i += warps) {
        for (int e = lane; e < d; e += 32) goS[e] = gbase[i * C + e];
        __syncwarp();
        float dot = 0.0f;
        for (int j = lane; j < n; j += 32) {
            float dp = 0.0f;
            for (int e = 0; e < d; e++) dp += goS[e] * vS[j * ks + e];
            dsS[i * ss + j] = dp;
            dot += dp * pbase[(long long)i * n + j];
        }
        dot = warp_sum(dot);
        for (int j = lane; j < n; j += 32) {
            float ds = pbase[(long long)i * n + j] * (dsS[i * ss + j] - dot);
            dsS[i * ss + j] = ds;
            if (dbias != nullptr) atomicAdd(&dbias[((long long)h * n + i) * n + j], ds);
        }
        __syncwarp();
    }
}

// Backward, from the saved softmax p (the forward's probs) and dout:
//   dv = pᵀ·dout,  dp = dout·vᵀ,  ds = p ∘ (dp − rowsum(dp ∘ p)),
//   dq = scale·ds·k,  dk = scale·dsᵀ·q,  dbias += Σ_windows ds   (the mask is a constant)
// dqkv (bw, n, 3, heads, d) accumulates (+=), in qkv's layout; dbias (heads, n, n) or null
// accumulates with atomicAdd (every window of a head adds to it).
//
// Launch: one block per (window, head), blockDim.x = 32·warps. Phase 1: one warp per query row i
// computes the row of ds into shared memory; phase 2: one thread per (token, channel) computes
// dq, dk and dv from ds, k (shared) and q, dout, p (global, coalesced over the channel).
// Dynamic shared memory: k and v (n × (d+1) each), ds (n × (n+1)), per warp one dout row (d):
// 4·(2n(d+1) + n(n+1) + warps·d) bytes = 34 KB for n = 64, d = 32, 4 warps.
extern "C" __global__ void window_attention_backward(float* __restrict__ dqkv, float* __restrict__ dbias,
                                                     const float* __restrict__ dout, const float* __restrict__ probs,
                                                     const float* __restrict__ qkv, int bw, int heads, int n, int d,
                                                     float scale) {
    DYNAMIC_SHARED(float, smem);
    int warp = threadIdx.x / 32;
    int ks = d + 1, ss = n + 1;
    float* kS = smem;
    float* vS = kS + n * ks;
    float* dsS = vS + n * ks;
    float* goS = dsS + n * ss + warp * d;
    int win = blockIdx.x / heads, h = blockIdx.x % heads;
    long long C = (long long)heads * d, rowStride = 3 * C;
    const float* base = qkv + (long long)win * n * rowStride + h * d;
    const float* gbase = dout + (long long)win * n * C + h * d;
    const float* pbase = probs + ((long long)win * heads + h) * n * n;
    float* dbase = dqkv + (long long)win * n * rowStride + h * d;
    for (int t = threadIdx.x; t < n * d; t += blockDim.x) {
        int j = t / d, e = t % d;
        kS[j * ks + e] = base[j * rowStride + C + e];
        vS[j * ks + e] = base[j * rowStride + 2 * C + e];
    }
    __syncthreads();
    ds_rows(dsS, goS, vS, gbase, pbase, dbias, h, n, d, C);
    __syncthreads();
    for (int t = threadIdx.x; t < n * d; t += blockDim.x) {
        int j = t / d, e = t % d;
        float dq = 0.0f, dk = 0.0f, dv = 0.0f;
        for (int i = 0; i < n; i++) {
            dq += dsS[j * ss + i] * kS[i * ks + e];
            dk += dsS[i * ss + j] * base[i * rowStride + e];
            dv += pbase[(long long)i * n + j] * gbase[i * C + e];
        }
        dbase[j * rowStride + e] += scale * dq;
        dbase[j * rowStride + C + e] += scale * dk;
        dbase[j * rowStride + 2 * C + e] += dv;
    }
}

// Backward of the cosine form (Swin v2), from the saved softmax p and dout; tau (heads) is the
// forward's logitScale. With q̂ = q·rq, k̂ = k·rk (rq = 1/max(|q|, 1e-12)) and ds as above:
//   G = ds·k̂ (per query row), H = dsᵀ·q̂ (per key row), dv = pᵀ·dout,
//   dq = rq·(τG − q̂·(q̂·τG)), dk = rk·(τH − k̂·(k̂·τH))  (no projection where the norm was clamped:
//   F.normalize's gradient there), dτ-term = Σ_rows G·q̂ = Σ ds ∘ q̂k̂ᵀ.
// dqkv (+=) in qkv's layout; dbias (heads, n, n) or null (+=, atomicAdd); tauTerms (bw·heads) is
// overwritten with each (window, head)'s dτ-term, for the caller to sum over windows in a fixed
// order (a deterministic dτ).
//
// Launch: one block per (window, head), blockDim.x = 32·warps. Phase 1 as in the v1 backward; phase 2
// one warp per token row, one lane per channel, row dots by warp_sum. Dynamic shared memory: k̂ and v
// (n × (d+1) each), ds (n × (n+1)), rq and rk (n each), per warp a dout, G and H row (3d) and a
// dτ partial: 4·(2n(d+1) + n(n+1) + 2n + warps·(3d+1)) bytes = 35.6 KB for n = 64, d = 32, 4 warps.
extern "C" __global__ void window_attention_cosine_backward(float* __restrict__ dqkv, float* __restrict__ dbias,
                                                            float* __restrict__ tauTerms, const float* __restrict__ dout,
                                                            const float* __restrict__ probs, const float* __restrict__ qkv,
                                                            const float* __restrict__ tau, int bw, int heads, int n, int d) {
    DYNAMIC_SHARED(float, smem);
    int warps = blockDim.x / 32, warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int ks = d + 1, ss = n + 1;
    float* kS = smem;
    float* vS = kS + n * ks;
    float* dsS = vS + n * ks;
    float* rq = dsS + n * ss;
    float* rk = rq + n;
    float* goS = rk + n + warp * 3 * d;
    float* gS = goS + d;
    float* hS = gS + d;
    float* tS = rk + n + warps * 3 * d;
    int win = blockIdx.x / heads, h = blockIdx.x % heads;
    long long C = (long long)heads * d, rowStride = 3 * C;
    const float* base = qkv + (long long)win * n * rowStride + h * d;
    const float* gbase = dout + (long long)win * n * C + h * d;
    const float* pbase = probs + ((long long)win * heads + h) * n * n;
    float* dbase = dqkv + (long long)win * n * rowStride + h * d;
    float t = tau[h];
    for (int i = threadIdx.x; i < n * d; i += blockDim.x) {
        int j = i / d, e = i % d;
        kS[j * ks + e] = base[j * rowStride + C + e];
        vS[j * ks + e] = base[j * rowStride + 2 * C + e];
    }
    if (lane == 0) tS[warp] = 0.0f;
    __syncthreads();
    // inverse row norms, negative where clamped; k rows normalised in place
    for (int j = warp; j < n; j += warps) {
        float sk = 0.0f, sq = 0.0f;
        for (int e = lane; e < d; e += 32) {
            sk += kS[j * ks + e] * kS[j * ks + e];
            sq += base[j * rowStride + e] * base[j * rowStride + e];
        }
        sk = warp_sum(sk);
        sq = warp_sum(sq);
        float ik = 1.0f / sqrtf(fmaxf(sk, 1e-24f)), iq = 1.0f / sqrtf(fmaxf(sq, 1e-24f));
        for (int e = lane; e < d; e += 32) kS[j * ks + e] *= ik;
        if (lane == 0) {
            rk[j] = sk < 1e-24f ? -ik : ik;
            rq[j] = sq < 1e-24f ? -iq : iq;
        }
    }
    __syncthreads();
    ds_rows(dsS, goS, vS, gbase, pbase, dbias, h, n, d, C);
    __syncthreads();
    for (int j = warp; j < n; j += warps) { // row j: dq_j from G_j, dk_j from H_j, dv_j
        float aq = fabsf(rq[j]), ak = fabsf(rk[j]);
        float pq = 0.0f, pk = 0.0f, pt = 0.0f;
        for (int e = lane; e < d; e += 32) { // a lane only ever touches its own channels of gS, hS
            float g = 0.0f, hh = 0.0f, dv = 0.0f;
#pragma unroll 2
            for (int i = 0; i < n; i++) { // unrolled twice only: three accumulating streams stay within 64 registers
                g += dsS[j * ss + i] * kS[i * ks + e];
                hh += dsS[i * ss + j] * base[i * rowStride + e] * fabsf(rq[i]);
                dv += pbase[(long long)i * n + j] * gbase[i * C + e];
            }
            gS[e] = g;
            hS[e] = hh;
            dbase[j * rowStride + 2 * C + e] += dv;
            float qh = base[j * rowStride + e] * aq;
            pq += qh * t * g;
            pk += kS[j * ks + e] * t * hh;
            pt += g * qh;
        }
        pq = warp_sum(pq);
        pk = warp_sum(pk);
        pt = warp_sum(pt);
        for (int e = lane; e < d; e += 32) {
            float qh = base[j * rowStride + e] * aq, kh = kS[j * ks + e];
            dbase[j * rowStride + e] += aq * (t * gS[e] - (rq[j] > 0.0f ? qh * pq : 0.0f));
            dbase[j * rowStride + C + e] += ak * (t * hS[e] - (rk[j] > 0.0f ? kh * pk : 0.0f));
        }
        if (lane == 0) tS[warp] += pt;
    }
    __syncthreads();
    if (threadIdx.x == 0 && tauTerms != nullptr) {
        float sum = 0.0f;
        for (int w = 0; w < warps; w++) sum += tS[w];
        tauTerms[blockIdx.x] = sum;
    }
}

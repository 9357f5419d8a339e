// Shim test of attention.cu against the unfused computation in double: scores, bias, mask,
// softmax, ·v, for Swin v1 (n = 49) and v2 (n = 64) windows with d = 32, and odd small shapes.
#include "cuda_shim.h"
#include "../../main/cuda/attention.cu"
#include "check.h"

int main() {
    int cases = 0;
    // (bw, heads, n, d, nw, masked, cosine)
    int cfgs[][7] = {{2, 2, 49, 32, 2, 1, 0}, {1, 3, 64, 32, 1, 0, 0}, {3, 1, 7, 5, 3, 1, 0}, {1, 1, 1, 1, 1, 0, 0}, {2, 1, 33, 40, 1, 1, 0},
                     {2, 2, 64, 32, 2, 1, 1}, {1, 1, 7, 40, 1, 0, 1}, {3, 1, 9, 5, 3, 1, 1}};
    for (auto& k : cfgs)
        for (unsigned warps : {1u, 4u}) {
            int bw = k[0], heads = k[1], n = k[2], d = k[3], nw = k[4];
            bool masked = k[5], cosine = k[6];
            std::vector<float> logitScale(heads);
            for (int h = 0; h < heads; h++) logitScale[h] = 10.0f + 3.0f * h; // exp(clamped logit_scale), v2's init is 10
            int C = heads * d;
            float scale = 1.0f / std::sqrt((float)d);
            auto qkv = check::random((size_t)bw * n * 3 * C, n + d);
            if (cosine && n > 1) std::fill(qkv.begin(), qkv.begin() + 2 * C, 0.0f); // token 0 of window 0: zero q and k rows (the clamp)
            auto bias = check::random((size_t)heads * n * n, 2);
            std::vector<float> mask((size_t)nw * n * n);
            for (size_t i = 0; i < mask.size(); i++) mask[i] = (i * 7 % 5 == 0) ? -100.0f : 0.0f; // like Swin's shift mask
            std::vector<float> oe((size_t)bw * n * C), pe((size_t)bw * heads * n * n);
            for (int b = 0; b < bw; b++)
                for (int h = 0; h < heads; h++)
                    for (int i = 0; i < n; i++) {
                        std::vector<double> s(n);
                        double mx = -INFINITY, sum = 0;
                        auto norm = [&](int tok, int part) {
                            double s2 = 0;
                            for (int e = 0; e < d; e++) {
                                double v = qkv[((size_t)(b * n + tok) * 3 + part) * C + h * d + e];
                                s2 += v * v;
                            }
                            return std::max(std::sqrt(s2), 1e-12);
                        };
                        for (int j = 0; j < n; j++) {
                            double t = 0;
                            for (int e = 0; e < d; e++)
                                t += (double)qkv[((size_t)(b * n + i) * 3 + 0) * C + h * d + e] *
                                     qkv[((size_t)(b * n + j) * 3 + 1) * C + h * d + e];
                            t = cosine ? t / (norm(i, 0) * norm(j, 1)) * logitScale[h] : t * scale;
                            t += bias[((size_t)h * n + i) * n + j];
                            if (masked) t += mask[((size_t)(b % nw) * n + i) * n + j];
                            s[j] = t;
                            mx = std::max(mx, t);
                        }
                        for (int j = 0; j < n; j++) sum += std::exp(s[j] - mx);
                        for (int j = 0; j < n; j++) pe[(((size_t)b * heads + h) * n + i) * n + j] = (float)(std::exp(s[j] - mx) / sum);
                        for (int e = 0; e < d; e++) {
                            double a = 0;
                            for (int j = 0; j < n; j++)
                                a += std::exp(s[j] - mx) / sum * qkv[((size_t)(b * n + j) * 3 + 2) * C + h * d + e];
                            oe[((size_t)b * n + i) * C + h * d + e] = (float)a;
                        }
                    }
            auto out = check::poisoned(oe.size()), probs = check::poisoned(pe.size());
            size_t shmem = sizeof(float) * ((size_t)n * (2 * d + 1) + warps * (d + n));
            shim::launch(window_attention_forward, dim3(bw * heads), dim3(32 * warps), shmem, out.data(), probs.data(),
                         (const float*)qkv.data(), (const float*)bias.data(), masked ? (const float*)mask.data() : (const float*)nullptr,
                         cosine ? (const float*)logitScale.data() : (const float*)nullptr, bw, heads, n, d, nw, scale);
            std::string at = " n=" + std::to_string(n) + " d=" + std::to_string(d) + " warps=" + std::to_string(warps) +
                             (cosine ? " cosine" : "");
            check::close("window_attention out" + at, out, oe, 2e-6f, 1e-5f);
            check::close("window_attention probs" + at, probs, pe, 1e-6f, 1e-5f);
            cases++;
            // backward from the reference probs, in double; the cosine form through the normalisation
            auto dout = check::random(oe.size(), 7), dqkv = check::random(qkv.size(), 8), dbias = check::random(bias.size(), 9);
            std::vector<double> dqe(dqkv.begin(), dqkv.end()), dbe(dbias.begin(), dbias.end()), te((size_t)bw * heads);
            auto Q = [&](int b, int j, int part, int h, int e) { return (size_t)((b * n + j) * 3 + part) * C + h * d + e; };
            for (int b = 0; b < bw; b++)
                for (int h = 0; h < heads; h++) {
                    // unit rows (cosine form) and their norms, F.normalize's clamp at 1e-12
                    std::vector<double> unit((size_t)2 * n * d), nrm((size_t)2 * n);
                    for (int part = 0; part < 2; part++)
                        for (int j = 0; j < n; j++) {
                            double s2 = 0;
                            for (int e = 0; e < d; e++) s2 += (double)qkv[Q(b, j, part, h, e)] * qkv[Q(b, j, part, h, e)];
                            nrm[part * n + j] = std::max(std::sqrt(s2), 1e-12);
                            for (int e = 0; e < d; e++) unit[((size_t)part * n + j) * d + e] = qkv[Q(b, j, part, h, e)] / nrm[part * n + j];
                        }
                    std::vector<double> ds((size_t)n * n);
                    for (int i = 0; i < n; i++) {
                        double dot = 0;
                        std::vector<double> dp(n);
                        for (int j = 0; j < n; j++) {
                            double t = 0;
                            for (int e = 0; e < d; e++) t += (double)dout[((size_t)b * n + i) * C + h * d + e] * qkv[Q(b, j, 2, h, e)];
                            dp[j] = t;
                            dot += t * pe[(((size_t)b * heads + h) * n + i) * n + j];
                        }
                        for (int j = 0; j < n; j++) {
                            double p = pe[(((size_t)b * heads + h) * n + i) * n + j];
                            ds[(size_t)i * n + j] = p * (dp[j] - dot);
                            dbe[((size_t)h * n + i) * n + j] += ds[(size_t)i * n + j];
                        }
                    }
                    double tau = logitScale[h];
                    for (int j = 0; j < n; j++) {
                        std::vector<double> g(d), hh(d);
                        for (int e = 0; e < d; e++) {
                            double dq = 0, dk = 0, dv = 0;
                            for (int i = 0; i < n; i++) {
                                dq += ds[(size_t)j * n + i] * (cosine ? unit[((size_t)n + i) * d + e] : qkv[Q(b, i, 1, h, e)]);
                                dk += ds[(size_t)i * n + j] * (cosine ? unit[(size_t)i * d + e] : qkv[Q(b, i, 0, h, e)]);
                                dv += pe[(((size_t)b * heads + h) * n + i) * n + j] * dout[((size_t)b * n + i) * C + h * d + e];
                            }
                            g[e] = dq;
                            hh[e] = dk;
                            dqe[Q(b, j, 2, h, e)] += dv;
                        }
                        if (!cosine) {
                            for (int e = 0; e < d; e++) {
                                dqe[Q(b, j, 0, h, e)] += scale * g[e];
                                dqe[Q(b, j, 1, h, e)] += scale * hh[e];
                            }
                            continue;
                        }
                        // x̂ = x / |x|: dx = (τg − x̂ (x̂·τg)) / |x| (no projection where the norm was clamped)
                        double pq = 0, pk = 0;
                        for (int e = 0; e < d; e++) {
                            pq += unit[(size_t)j * d + e] * tau * g[e];
                            pk += unit[((size_t)n + j) * d + e] * tau * hh[e];
                            te[(size_t)b * heads + h] += g[e] * unit[(size_t)j * d + e];
                        }
                        bool cq = nrm[j] <= 1e-12, ck = nrm[n + j] <= 1e-12;
                        for (int e = 0; e < d; e++) {
                            dqe[Q(b, j, 0, h, e)] += (tau * g[e] - (cq ? 0 : unit[(size_t)j * d + e] * pq)) / nrm[j];
                            dqe[Q(b, j, 1, h, e)] += (tau * hh[e] - (ck ? 0 : unit[((size_t)n + j) * d + e] * pk)) / nrm[n + j];
                        }
                    }
                }
            auto terms = check::poisoned(te.size());
            if (cosine) {
                size_t shc = sizeof(float) * ((size_t)2 * n * (d + 1) + (size_t)n * (n + 1) + 2 * n + warps * (3 * d + 1));
                shim::launch(window_attention_cosine_backward, dim3(bw * heads), dim3(32 * warps), shc, dqkv.data(), dbias.data(),
                             terms.data(), (const float*)dout.data(), (const float*)pe.data(), (const float*)qkv.data(),
                             (const float*)logitScale.data(), bw, heads, n, d);
                check::close("window_attention_cosine_backward tau terms" + at, terms, std::vector<float>(te.begin(), te.end()), 1e-5f, 1e-5f);
            } else {
                size_t shb = sizeof(float) * ((size_t)2 * n * (d + 1) + (size_t)n * (n + 1) + warps * d);
                shim::launch(window_attention_backward, dim3(bw * heads), dim3(32 * warps), shb, dqkv.data(), dbias.data(),
                             (const float*)dout.data(), (const float*)pe.data(), (const float*)qkv.data(), bw, heads, n, d, scale);
            }
            // the clamped row's gradient is τg·1e12: its float sums keep ~5 digits, hence 1e-4 there
            check::close("window_attention_backward dqkv" + at, dqkv, std::vector<float>(dqe.begin(), dqe.end()), 1e-5f, cosine ? 1e-4f : 1e-5f);
            check::close("window_attention_backward dbias" + at, dbias, std::vector<float>(dbe.begin(), dbe.end()), 1e-5f, 1e-5f);
            cases++;
        }
    return check::finish("attention", cases);
}

// Shim test of attention.cu against the unfused computation in double: scores, bias, mask,
// softmax, ·v, for Swin v1 (n = 49) and v2 (n = 64) windows with d = 32, and odd small shapes.
#include "cuda_shim.h"
#include "../../main/cuda/attention.cu"
#include "check.h"

int main() {
    int cases = 0;
    // (bw, heads, n, d, nw, masked)
    int cfgs[][6] = {{2, 2, 49, 32, 2, 1}, {1, 3, 64, 32, 1, 0}, {3, 1, 7, 5, 3, 1}, {1, 1, 1, 1, 1, 0}, {2, 1, 33, 40, 1, 1}};
    for (auto& k : cfgs)
        for (unsigned warps : {1u, 4u}) {
            int bw = k[0], heads = k[1], n = k[2], d = k[3], nw = k[4];
            bool masked = k[5];
            int C = heads * d;
            float scale = 1.0f / std::sqrt((float)d);
            auto qkv = check::random((size_t)bw * n * 3 * C, n + d);
            auto bias = check::random((size_t)heads * n * n, 2);
            std::vector<float> mask((size_t)nw * n * n);
            for (size_t i = 0; i < mask.size(); i++) mask[i] = (i * 7 % 5 == 0) ? -100.0f : 0.0f; // like Swin's shift mask
            std::vector<float> oe((size_t)bw * n * C), pe((size_t)bw * heads * n * n);
            for (int b = 0; b < bw; b++)
                for (int h = 0; h < heads; h++)
                    for (int i = 0; i < n; i++) {
                        std::vector<double> s(n);
                        double mx = -INFINITY, sum = 0;
                        for (int j = 0; j < n; j++) {
                            double t = 0;
                            for (int e = 0; e < d; e++)
                                t += (double)qkv[((size_t)(b * n + i) * 3 + 0) * C + h * d + e] * scale *
                                     qkv[((size_t)(b * n + j) * 3 + 1) * C + h * d + e];
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
                         bw, heads, n, d, nw, scale);
            std::string at = " n=" + std::to_string(n) + " d=" + std::to_string(d) + " warps=" + std::to_string(warps);
            check::close("window_attention out" + at, out, oe, 2e-6f, 1e-5f);
            check::close("window_attention probs" + at, probs, pe, 1e-6f, 1e-5f);
            cases++;
        }
    return check::finish("attention", cases);
}

// Shim test of resize.cu against CpuBackend's Resize tables and loops in plain C++.
#include "cuda_shim.h"
#include "../../main/cuda/resize.cu"
#include "check.h"

struct Table {
    std::vector<int> i0, i1;
    std::vector<float> l0, l1;
    Table(int in, int out, bool bilinear) : i0(out), i1(out), l0(out), l1(out) {
        float scale = (float)in / out;
        for (int d = 0; d < out; d++) {
            if (bilinear) {
                float src = std::max(scale * (d + 0.5f) - 0.5f, 0.0f);
                int s0 = std::min((int)src, in - 1);
                i0[d] = s0;
                i1[d] = s0 + (s0 < in - 1 ? 1 : 0);
                l1[d] = src - s0;
                l0[d] = 1.0f - l1[d];
            } else {
                i0[d] = i1[d] = std::min((int)std::floor(d * scale), in - 1);
                l0[d] = 1;
                l1[d] = 0;
            }
        }
    }
};

int main() {
    int cases = 0;
    // (planes, h, w, oh, ow): up ×2 (the decoder), up ×8 non-integer, down, to 1×1, identity
    int cfgs[][5] = {{3, 7, 7, 14, 14}, {2, 5, 3, 33, 17}, {1, 28, 28, 7, 9}, {2, 4, 6, 1, 1}, {1, 9, 9, 9, 9}};
    for (auto& k : cfgs)
        for (int bil = 0; bil < 2; bil++)
            for (unsigned block : check::BLOCKS) {
                int planes = k[0], h = k[1], w = k[2], oh = k[3], ow = k[4];
                size_t nin = (size_t)planes * h * w, nout = (size_t)planes * oh * ow;
                Table rh(h, oh, bil), rw(w, ow, bil);
                auto x = check::random(nin, h + w), dy = check::random(nout, 2), dx = check::random(nin, 3);
                std::vector<float> ye(nout);
                std::vector<double> de(dx.begin(), dx.end());
                for (int p = 0; p < planes; p++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            const float* xp = x.data() + (size_t)p * h * w;
                            int r0 = rh.i0[i] * w, r1 = rh.i1[i] * w, c0 = rw.i0[j], c1 = rw.i1[j];
                            float a0 = rh.l0[i], a1 = rh.l1[i], b0 = rw.l0[j], b1 = rw.l1[j];
                            size_t o = (size_t)p * oh * ow + i * ow + j;
                            ye[o] = a0 * (b0 * xp[r0 + c0] + b1 * xp[r0 + c1]) + a1 * (b0 * xp[r1 + c0] + b1 * xp[r1 + c1]);
                            double* dp = de.data() + (size_t)p * h * w;
                            float g = dy[o];
                            dp[r0 + c0] += a0 * b0 * g;
                            dp[r0 + c1] += a0 * b1 * g;
                            dp[r1 + c0] += a1 * b0 * g;
                            dp[r1 + c1] += a1 * b1 * g;
                        }
                std::string at = " bilinear=" + std::to_string(bil) + " " + std::to_string(h) + "x" + std::to_string(w) + "->" +
                                 std::to_string(oh) + "x" + std::to_string(ow);
                auto y = check::poisoned(nout);
                unsigned g = check::gridFor((long long)nout, block);
                shim::launch(resize_forward, dim3(g), dim3(block), 0, y.data(), (const float*)x.data(), planes, h, w, oh, ow, bil);
                check::close("resize_forward" + at, y, ye, 1e-6f, 1e-6f);
                shim::launch(resize_backward, dim3(g), dim3(block), 0, dx.data(), (const float*)dy.data(), planes, h, w, oh, ow, bil);
                check::close("resize_backward" + at, dx, std::vector<float>(de.begin(), de.end()), 1e-5f, 1e-5f);
                cases += 2;
            }
    return check::finish("resize", cases);
}

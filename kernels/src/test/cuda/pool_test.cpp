// Shim test of pool.cu against CpuBackend's loops written in plain C++ (backward: scatter form,
// the kernel gathers).
#include "cuda_shim.h"
#include "../../main/cuda/pool.cu"
#include "check.h"

int main() {
    int cases = 0;
    // (planes, h, w, k, stride, pad): 3×3/2 pad 1 (overlapping), 2×2/2, a window larger than the map, 1×1
    int cfgs[][6] = {{3, 7, 9, 3, 2, 1}, {2, 8, 8, 2, 2, 0}, {1, 2, 3, 3, 1, 1}, {2, 5, 5, 1, 1, 0}, {1, 33, 7, 3, 1, 1}};
    for (auto& k : cfgs)
        for (unsigned block : check::BLOCKS) {
            int planes = k[0], h = k[1], w = k[2], kk = k[3], st = k[4], pad = k[5];
            int oh = (h + 2 * pad - kk) / st + 1, ow = (w + 2 * pad - kk) / st + 1;
            size_t nin = (size_t)planes * h * w, nout = (size_t)planes * oh * ow;
            auto x = check::random(nin, h * w + kk);
            if (nin > 5) x[5] = NAN; // NaN wins its windows
            auto dy = check::random(nout, 2);
            std::vector<float> ye(nout), ae(nout), ya(nout);
            std::vector<double> dxm(nin, 0), dxa[2] = {std::vector<double>(nin, 0), std::vector<double>(nin, 0)};
            std::vector<float> yav[2] = {std::vector<float>(nout), std::vector<float>(nout)};
            for (int p = 0; p < planes; p++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        float best = -INFINITY, s = 0;
                        int bi = -1, count = 0;
                        for (int i = 0; i < kk; i++) {
                            int iy = oy * st - pad + i;
                            if (iy < 0 || iy >= h) continue;
                            for (int j = 0; j < kk; j++) {
                                int ix = ox * st - pad + j;
                                if (ix < 0 || ix >= w) continue;
                                float v = x[(size_t)p * h * w + iy * w + ix];
                                if (v > best || bi < 0 || std::isnan(v)) {
                                    best = v;
                                    bi = iy * w + ix;
                                    if (std::isnan(v)) break;
                                }
                            }
                        }
                        for (int i = 0; i < kk; i++) { // the average's own loop (no early exit)
                            int iy = oy * st - pad + i;
                            if (iy < 0 || iy >= h) continue;
                            for (int j = 0; j < kk; j++) {
                                int ix = ox * st - pad + j;
                                if (ix < 0 || ix >= w) continue;
                                s += x[(size_t)p * h * w + iy * w + ix];
                                count++;
                            }
                        }
                        size_t o = (size_t)p * oh * ow + oy * ow + ox;
                        ye[o] = best;
                        ae[o] = (float)bi;
                        dxm[(size_t)p * h * w + bi] += dy[o];
                        int h0 = oy * st - pad, w0 = ox * st - pad;
                        int incl = (std::min(h0 + kk, h + pad) - h0) * (std::min(w0 + kk, w + pad) - w0);
                        int div[2] = {std::max(count, 1), incl};
                        for (int inc = 0; inc < 2; inc++) {
                            // the CPU sums in-window in the same order; s has NaN where x[5] is in the window
                            yav[inc][o] = s / div[inc];
                            for (int i = 0; i < kk; i++) {
                                int iy = oy * st - pad + i;
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < kk; j++) {
                                    int ix = ox * st - pad + j;
                                    if (ix >= 0 && ix < w) dxa[inc][(size_t)p * h * w + iy * w + ix] += dy[o] / div[inc];
                                }
                            }
                        }
                    }
            unsigned gout = check::gridFor((long long)nout, block), gin = check::gridFor((long long)nin, block);
            std::string at = " " + std::to_string(h) + "x" + std::to_string(w) + " k=" + std::to_string(kk) + " s=" + std::to_string(st);
            auto y = check::poisoned(nout), a = check::poisoned(nout);
            shim::launch(maxpool_forward, dim3(gout), dim3(block), 0, y.data(), a.data(), (const float*)x.data(), planes, h, w, kk, kk, st, pad, oh, ow);
            check::close("maxpool_forward" + at, y, ye, 0, 0);
            check::close("maxpool_forward argmax" + at, a, ae, 0, 0);
            auto dx = check::random(nin, 3);
            std::vector<float> dxe(nin);
            for (size_t i = 0; i < nin; i++) dxe[i] = (float)(dx[i] + dxm[i]);
            shim::launch(maxpool_backward, dim3(gin), dim3(block), 0, dx.data(), (const float*)a.data(), (const float*)dy.data(), planes, h, w, kk, kk,
                         st, pad, oh, ow);
            check::close("maxpool_backward" + at, dx, dxe, 1e-5f, 1e-5f);
            cases += 2;
            for (int inc = 0; inc < 2; inc++) {
                auto ya2 = check::poisoned(nout);
                shim::launch(avgpool_forward, dim3(gout), dim3(block), 0, ya2.data(), (const float*)x.data(), planes, h, w, kk, kk, st, pad, oh, ow, inc);
                check::close("avgpool_forward include=" + std::to_string(inc) + at, ya2, yav[inc], 1e-6f, 1e-5f);
                auto dxa2 = check::random(nin, 4);
                std::vector<float> de(nin);
                for (size_t i = 0; i < nin; i++) de[i] = (float)(dxa2[i] + dxa[inc][i]);
                shim::launch(avgpool_backward, dim3(gin), dim3(block), 0, dxa2.data(), (const float*)dy.data(), planes, h, w, kk, kk, st, pad, oh, ow,
                             inc);
                check::close("avgpool_backward include=" + std::to_string(inc) + at, dxa2, de, 1e-5f, 1e-5f);
                cases += 2;
            }
        }
    return check::finish("pool", cases);
}

// Shim test of window.cu against torchvision's sequence written out step by step: pad, roll by
// −shift, partition (and for reverse: un-partition, roll by +shift, crop).
#include "cuda_shim.h"
#include "../../main/cuda/window.cu"
#include "check.h"

int main() {
    int cases = 0;
    // (b, h, w, c, win, shiftH, shiftW): Swin's 56×56 stage cut down, a padded odd map, a map smaller
    // than a window, a side no longer than the window (shifted along the other only)
    int cfgs[][7] = {{2, 14, 14, 3, 7, 3, 3}, {1, 9, 11, 5, 7, 3, 3}, {1, 5, 3, 2, 7, 0, 0}, {2, 16, 8, 4, 8, 4, 0}, {1, 7, 7, 1, 7, 0, 0},
                     {1, 5, 12, 3, 7, 0, 3}};
    for (auto& k : cfgs)
        for (unsigned block : check::BLOCKS)
            for (int acc = 0; acc < 2; acc++) {
                int b = k[0], h = k[1], w = k[2], c = k[3], win = k[4], sh = k[5], sw = k[6];
                int hp = (h + win - 1) / win * win, wp = (w + win - 1) / win * win;
                auto x = check::random((size_t)b * h * w * c, h * w + c);
                // reference partition
                std::vector<float> padded((size_t)b * hp * wp * c, 0.0f), rolled(padded.size());
                for (int bi = 0; bi < b; bi++)
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < w; j++)
                            for (int ch = 0; ch < c; ch++) padded[((bi * hp + i) * wp + j) * c + ch] = x[((bi * h + i) * w + j) * c + ch];
                for (int bi = 0; bi < b; bi++) // torch.roll(x, (−s, −s)): out[i] = in[(i + s) mod n]
                    for (int i = 0; i < hp; i++)
                        for (int j = 0; j < wp; j++)
                            for (int ch = 0; ch < c; ch++)
                                rolled[((bi * hp + i) * wp + j) * c + ch] = padded[((bi * hp + (i + sh) % hp) * wp + (j + sw) % wp) * c + ch];
                std::vector<float> e(padded.size());
                int nwh = hp / win, nww = wp / win;
                for (int bi = 0; bi < b; bi++)
                    for (int wi = 0; wi < nwh; wi++)
                        for (int wj = 0; wj < nww; wj++)
                            for (int ti = 0; ti < win; ti++)
                                for (int tj = 0; tj < win; tj++)
                                    for (int ch = 0; ch < c; ch++)
                                        e[((((bi * nwh + wi) * nww + wj) * win + ti) * win + tj) * c + ch] =
                                            rolled[((bi * hp + wi * win + ti) * wp + wj * win + tj) * c + ch];
                auto out = acc ? check::random(e.size(), 79) : check::poisoned(e.size());
                if (acc) for (size_t i = 0; i < e.size(); i++) e[i] += out[i];
                shim::launch(window_partition, dim3(check::gridFor((long long)e.size(), block)), dim3(block), 0, out.data(),
                             (const float*)x.data(), b, h, w, c, win, sh, sw, hp, wp, acc);
                std::string at = " " + std::to_string(h) + "x" + std::to_string(w) + " win=" + std::to_string(win) + " shift=" + std::to_string(sh)
                                 + "," + std::to_string(sw) + " acc=" + std::to_string(acc);
                check::close("window_partition" + at, out, e, 1e-6, 1e-6);
                // reference reverse of random windows: un-partition, roll +s, crop
                auto wins = check::random(e.size(), 77), xr = check::random(x.size(), 78);
                std::vector<float> up(padded.size()), re = xr;
                for (int bi = 0; bi < b; bi++)
                    for (int wi = 0; wi < nwh; wi++)
                        for (int wj = 0; wj < nww; wj++)
                            for (int ti = 0; ti < win; ti++)
                                for (int tj = 0; tj < win; tj++)
                                    for (int ch = 0; ch < c; ch++)
                                        up[((bi * hp + wi * win + ti) * wp + wj * win + tj) * c + ch] =
                                            wins[((((bi * nwh + wi) * nww + wj) * win + ti) * win + tj) * c + ch];
                for (int bi = 0; bi < b; bi++) // torch.roll(x, (s, s)): out[i] = in[(i − s) mod n], then crop
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < w; j++)
                            for (int ch = 0; ch < c; ch++) {
                                float v = up[((bi * hp + (i - sh + hp) % hp) * wp + (j - sw + wp) % wp) * c + ch];
                                float& d = re[((bi * h + i) * w + j) * c + ch];
                                d = acc ? d + v : v;
                            }
                shim::launch(window_reverse, dim3(check::gridFor((long long)x.size(), block)), dim3(block), 0, xr.data(),
                             (const float*)wins.data(), b, h, w, c, win, sh, sw, hp, wp, acc);
                check::close("window_reverse" + at, xr, re, 0, 0);
                cases += 2;
            }
    return check::finish("window", cases);
}

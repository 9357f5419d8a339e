// Shim test of im2col.cu: im2col against the definition, col2im against im2col's adjoint
// (⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩, element by element: col2im of a one-hot column sums to it).
#include "cuda_shim.h"
#include "../../main/cuda/im2col.cu"
#include "check.h"

int main() {
    int cases = 0;
    // (n, c, h, w, kh, kw, stride, pad): 3×3 same, stride-2 downsample, 4×4 patch embedding, 1×1, odd sizes
    int cfgs[][8] = {{2, 3, 7, 5, 3, 3, 1, 1}, {1, 2, 9, 9, 3, 3, 2, 1}, {1, 3, 8, 8, 4, 4, 4, 0}, {3, 4, 1, 1, 1, 1, 1, 0}, {1, 1, 5, 6, 2, 3, 2, 2}};
    for (auto& k : cfgs)
        for (unsigned block : check::BLOCKS) {
            int n = k[0], c = k[1], h = k[2], w = k[3], kh = k[4], kw = k[5], st = k[6], pad = k[7];
            int oh = (h + 2 * pad - kh) / st + 1, ow = (w + 2 * pad - kw) / st + 1;
            int width = n * oh * ow, extra = 3, ld = width + 2 * extra, rowsC = c * kh * kw;
            auto x = check::random((size_t)n * c * h * w, 1);
            std::vector<float> e((size_t)rowsC * ld, NAN);
            for (int r = 0; r < rowsC; r++)
                for (int q = 0; q < width; q++) {
                    int j = r % kw, i = (r / kw) % kh, ch = r / (kw * kh), nn = q / (oh * ow), y = (q % (oh * ow)) / ow, z = q % ow;
                    int iy = y * st - pad + i, ix = z * st - pad + j;
                    e[(size_t)r * ld + extra + q] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(((size_t)nn * c + ch) * h + iy) * w + ix] : 0;
                }
            auto cols = check::poisoned(e.size());
            shim::launch(im2col, dim3(check::gridFor((long long)rowsC * width, block)), dim3(block), 0, cols.data(), (const float*)x.data(),
                         n, c, h, w, kh, kw, st, pad, oh, ow, ld, extra);
            check::close("im2col", cols, e, 0, 0); // the columns outside [extra, extra + width) stay NaN: untouched
            // col2im: dx[p] += Σ over the cols entries that im2col copied from p
            auto dc = check::random(e.size(), 2), dx = check::random(x.size(), 3);
            std::vector<double> de(dx.begin(), dx.end());
            for (int r = 0; r < rowsC; r++)
                for (int q = 0; q < width; q++) {
                    int j = r % kw, i = (r / kw) % kh, ch = r / (kw * kh), nn = q / (oh * ow), y = (q % (oh * ow)) / ow, z = q % ow;
                    int iy = y * st - pad + i, ix = z * st - pad + j;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) de[(((size_t)nn * c + ch) * h + iy) * w + ix] += dc[(size_t)r * ld + extra + q];
                }
            shim::launch(col2im, dim3(check::gridFor((long long)x.size(), block)), dim3(block), 0, dx.data(), (const float*)dc.data(), n, c,
                         h, w, kh, kw, st, pad, oh, ow, ld, extra);
            check::close("col2im", dx, std::vector<float>(de.begin(), de.end()), 1e-5f, 1e-5f);
            cases += 2;
        }
    return check::finish("im2col", cases);
}

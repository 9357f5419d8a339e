// Shim test of layout.cu against plain C++ loops.
#include "cuda_shim.h"
#include "../../main/cuda/layout.cu"
#include "check.h"

int main() {
    int cases = 0;
    // permute: the Swin head split (B, N, 3, H, D) → (3, B, H, N, D) and a 2-D transpose, odd sizes
    std::vector<std::vector<int>> shapes = {{2, 7, 3, 3, 5}, {33, 7}, {1, 1}, {3, 1, 4, 5}};
    std::vector<std::vector<int>> perms = {{2, 0, 3, 1, 4}, {1, 0}, {1, 0}, {3, 0, 2, 1}};
    for (size_t k = 0; k < shapes.size(); k++)
        for (unsigned block : check::BLOCKS)
            for (int acc = 0; acc < 2; acc++) {
                auto& sh = shapes[k];
                auto& pm = perms[k];
                int rank = (int)sh.size(), n = 1;
                for (int s : sh) n *= s;
                std::vector<int> xs(rank), dims(1 + 2 * rank);
                for (int i = rank - 1, s = 1; i >= 0; i--) { xs[i] = s; s *= sh[i]; }
                dims[0] = rank;
                for (int i = 0; i < rank; i++) { dims[1 + i] = sh[pm[i]]; dims[1 + rank + i] = xs[pm[i]]; }
                auto x = check::random(n, 1), out = check::random(n, 2);
                std::vector<float> e = out;
                std::vector<int> idx(rank, 0);
                for (int o = 0; o < n; o++) { // odometer over out axes
                    int src = 0;
                    for (int a = 0; a < rank; a++) src += idx[a] * xs[pm[a]];
                    e[o] = acc ? e[o] + x[src] : x[src];
                    for (int a = rank - 1; a >= 0; a--) { if (++idx[a] < sh[pm[a]]) break; idx[a] = 0; }
                }
                shim::launch(permute_forward, dim3(check::gridFor(n, block)), dim3(block), 0, out.data(), (const float*)x.data(),
                             (const int*)dims.data(), n, acc);
                check::close("permute case " + std::to_string(k), out, e, 0, 0);
                cases++;
            }
    // copy_block: a slice of the middle axis in and out (torch.cat / chunk)
    for (unsigned block : check::BLOCKS)
        for (int acc = 0; acc < 2; acc++) {
            int outer = 3, inner = 5, srcAxis = 7, dstAxis = 4, len = 3, srcStart = 2, dstStart = 1;
            auto src = check::random(outer * srcAxis * inner, 3), dst = check::random(outer * dstAxis * inner, 4);
            auto e = dst;
            for (int o = 0; o < outer; o++)
                for (int l = 0; l < len; l++)
                    for (int i = 0; i < inner; i++) {
                        float v = src[(o * srcAxis + srcStart + l) * inner + i];
                        float& d = e[(o * dstAxis + dstStart + l) * inner + i];
                        d = acc ? d + v : v;
                    }
            shim::launch(copy_block, dim3(check::gridFor(outer * len * inner, block)), dim3(block), 0, dst.data(), (const float*)src.data(),
                         outer, len, inner, dstAxis, dstStart, srcAxis, srcStart, acc);
            check::close("copy_block", dst, e, 0, 0);
            cases++;
        }
    // roll
    int rolls[][6] = {{2, 7, 9, 3, 3, 5}, {1, 1, 1, 1, 0, 0}, {1, 14, 14, 4, 11, 11}};
    for (auto& r : rolls)
        for (unsigned block : check::BLOCKS)
            for (int acc = 0; acc < 2; acc++) {
                int b = r[0], h = r[1], w = r[2], c = r[3], sh = r[4], sw = r[5], n = b * h * w * c;
                auto x = check::random(n, 5), out = check::random(n, 6);
                auto e = out;
                for (int bi = 0; bi < b; bi++)
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < w; j++)
                            for (int ch = 0; ch < c; ch++) {
                                float& d = e[((bi * h + (i + sh) % h) * w + (j + sw) % w) * c + ch];
                                float v = x[((bi * h + i) * w + j) * c + ch];
                                d = acc ? d + v : v;
                            }
                shim::launch(roll_forward, dim3(check::gridFor(n, block)), dim3(block), 0, out.data(), (const float*)x.data(), b, h, w, c,
                             sh, sw, acc);
                check::close("roll", out, e, 0, 0);
                cases++;
            }
    // index_select_rows / index_add_rows with repeated indices (a position-bias table)
    for (int n : check::SIZES)
        for (unsigned block : check::BLOCKS) {
            int rowsT = 13, cols = 3;
            auto table = check::random(rowsT * cols, 7), dy = check::random((size_t)n * cols, 8), dt = check::random(rowsT * cols, 9);
            std::vector<float> idx(n), e((size_t)n * cols);
            std::vector<double> de(dt.begin(), dt.end());
            for (int r = 0; r < n; r++) {
                idx[r] = (float)((r * 5) % rowsT);
                for (int c = 0; c < cols; c++) {
                    e[r * cols + c] = table[(int)idx[r] * cols + c];
                    de[(int)idx[r] * cols + c] += dy[r * cols + c];
                }
            }
            auto out = check::poisoned((size_t)n * cols);
            unsigned grid = check::gridFor((long long)n * cols, block);
            shim::launch(index_select_rows, dim3(grid), dim3(block), 0, out.data(), (const float*)table.data(), (const float*)idx.data(), n, cols);
            check::close("index_select_rows", out, e, 0, 0);
            shim::launch(index_add_rows, dim3(grid), dim3(block), 0, dt.data(), (const float*)idx.data(), (const float*)dy.data(), n, cols);
            check::close("index_add_rows", dt, std::vector<float>(de.begin(), de.end()), 1e-4f, 1e-5f);
            cases += 2;
        }
    return check::finish("layout", cases);
}

// Shim test of loss.cu against a double-precision cross-entropy with an ignore index.
#include "cuda_shim.h"
#include "../../main/cuda/loss.cu"
#include "check.h"

int main() {
    int cases = 0;
    for (int rows : check::ROWS)
        for (int cols : check::COLS)
            for (unsigned block : check::ROW_BLOCKS) {
                size_t n = (size_t)rows * cols;
                auto x = check::random(n, rows + cols, -5, 5), dl = check::random(rows, 2), dx = check::random(n, 3);
                std::vector<float> t(rows), le(rows), de = dx;
                for (int r = 0; r < rows; r++) {
                    t[r] = (r % 4 == 3) ? -100.0f : (float)((r * 3) % cols);
                    if (t[r] == -100.0f) { le[r] = 0; continue; }
                    double m = -INFINITY, s = 0;
                    for (int c = 0; c < cols; c++) m = std::max(m, (double)x[r * cols + c]);
                    for (int c = 0; c < cols; c++) s += std::exp(x[r * cols + c] - m);
                    le[r] = (float)(m + std::log(s) - x[r * cols + (int)t[r]]);
                    for (int c = 0; c < cols; c++)
                        de[r * cols + c] = (float)(dx[r * cols + c] + dl[r] * (std::exp(x[r * cols + c] - m) / s - (c == (int)t[r])));
                }
                auto lo = check::poisoned(rows);
                shim::launch(cross_entropy_forward, dim3(rows), dim3(block), 0, lo.data(), (const float*)x.data(), (const float*)t.data(),
                             rows, cols, -100);
                check::close("cross_entropy_forward", lo, le, 1e-5f, 1e-5f);
                shim::launch(cross_entropy_backward, dim3(rows), dim3(block), 0, dx.data(), (const float*)x.data(), (const float*)t.data(),
                             (const float*)dl.data(), rows, cols, -100);
                check::close("cross_entropy_backward", dx, de, 1e-5f, 1e-5f);
                cases += 2;
            }
    return check::finish("loss", cases);
}

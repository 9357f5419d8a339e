// Shim test of softmax.cu against a double-precision reference.
#include "cuda_shim.h"
#include "../../main/cuda/softmax.cu"
#include "check.h"

int main() {
    int cases = 0;
    for (int rows : check::ROWS)
        for (int cols : check::COLS)
            for (unsigned block : check::ROW_BLOCKS)
                for (int log = 0; log < 2; log++) {
                    std::string at = " log=" + std::to_string(log) + " rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) +
                                     " block=" + std::to_string(block);
                    size_t n = (size_t)rows * cols;
                    auto x = check::random(n, rows + cols, -6, 6), dy = check::random(n, 2), dx = check::random(n, 3);
                    std::vector<float> ye(n), de(n);
                    for (int r = 0; r < rows; r++) {
                        double m = -INFINITY, s = 0, sg = 0, sgy = 0;
                        for (int c = 0; c < cols; c++) m = std::max(m, (double)x[r * cols + c]);
                        for (int c = 0; c < cols; c++) s += std::exp(x[r * cols + c] - m);
                        for (int c = 0; c < cols; c++) {
                            double p = std::exp(x[r * cols + c] - m) / s;
                            ye[r * cols + c] = (float)(log ? x[r * cols + c] - m - std::log(s) : p);
                            sg += dy[r * cols + c];
                            sgy += dy[r * cols + c] * p;
                        }
                        for (int c = 0; c < cols; c++) {
                            double p = std::exp(x[r * cols + c] - m) / s, g = dy[r * cols + c];
                            de[r * cols + c] = (float)(dx[r * cols + c] + (log ? g - p * sg : p * (g - sgy)));
                        }
                    }
                    auto y = check::poisoned(n);
                    shim::launch(softmax_forward, dim3(rows), dim3(block), 0, y.data(), (const float*)x.data(), rows, cols, log);
                    check::close("softmax_forward" + at, y, ye, 1e-6f, 1e-5f);
                    shim::launch(softmax_backward, dim3(rows), dim3(block), 0, dx.data(), (const float*)y.data(), (const float*)dy.data(),
                                 rows, cols, log);
                    check::close("softmax_backward" + at, dx, de, 1e-5f, 1e-5f);
                    cases += 2;
                }
    return check::finish("softmax", cases);
}

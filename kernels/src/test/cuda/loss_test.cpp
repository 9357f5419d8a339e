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
    // sigmoid focal (and BCE-with-logits: γ = 0, α < 0): forward against the formula in double,
    // backward against central differences of that forward
    auto focal = [](double x, double t, double a, double g) {
        double p = 1 / (1 + std::exp(-x)), pt = p * t + (1 - p) * (1 - t), at = a >= 0 ? a * t + (1 - a) * (1 - t) : 1;
        double bce = std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::fabs(x)));
        return at * std::pow(1 - pt, g) * bce;
    };
    double params[][2] = {{0.25, 2.0}, {-1, 0.0}, {0.5, 1.5}};
    for (auto& pr : params)
        for (int n : check::SIZES)
            for (unsigned block : check::BLOCKS) {
                auto x = check::random(n, 70, -6, 6), dl = check::random(n, 71), dx = check::random(n, 72);
                std::vector<float> t(n), le(n), de(n);
                for (int i = 0; i < n; i++) {
                    t[i] = i % 3 == 0 ? 1.0f : i % 3 == 1 ? 0.0f : 0.3f; // soft targets too
                    le[i] = (float)focal(x[i], t[i], pr[0], pr[1]);
                    double h = 1e-4;
                    de[i] = (float)(dx[i] + dl[i] * (focal(x[i] + h, t[i], pr[0], pr[1]) - focal(x[i] - h, t[i], pr[0], pr[1])) / (2 * h));
                }
                auto lo = check::poisoned(n);
                unsigned g = check::gridFor(n, block);
                shim::launch(sigmoid_focal_forward, dim3(g), dim3(block), 0, lo.data(), (const float*)x.data(), (const float*)t.data(), n,
                             (float)pr[0], (float)pr[1]);
                std::string at = " alpha=" + std::to_string(pr[0]) + " gamma=" + std::to_string(pr[1]) + " n=" + std::to_string(n);
                check::close("sigmoid_focal_forward" + at, lo, le, 1e-6f, 1e-5f);
                shim::launch(sigmoid_focal_backward, dim3(g), dim3(block), 0, dx.data(), (const float*)x.data(), (const float*)t.data(),
                             (const float*)dl.data(), n, (float)pr[0], (float)pr[1]);
                check::close("sigmoid_focal_backward" + at, dx, de, 1e-5f, 1e-4f);
                cases += 2;
            }
    return check::finish("loss", cases);
}

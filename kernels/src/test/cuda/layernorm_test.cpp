// Shim test of layernorm.cu against a double-precision reference (with and without affine).
#include "cuda_shim.h"
#include "../../main/cuda/layernorm.cu"
#include "check.h"

int main() {
    int cases = 0;
    for (int rows : check::ROWS)
        for (int cols : check::COLS)
            for (unsigned block : check::ROW_BLOCKS)
                for (int affine = 0; affine < 2; affine++) {
                    std::string at = " rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) + " block=" + std::to_string(block) +
                                     " affine=" + std::to_string(affine);
                    size_t n = (size_t)rows * cols;
                    auto x = check::random(n, rows * 3 + cols, -3, 5), w = check::random(cols, 2), b = check::random(cols, 3);
                    auto dy = check::random(n, 4), dx = check::random(n, 5), dw = check::random(cols, 6), db = check::random(cols, 7);
                    std::vector<float> ye(n), me(rows), re(rows), dxe = dx, dwe = dw, dbe = db;
                    std::vector<double> dws(cols, 0), dbs(cols, 0);
                    float eps = 1e-5f;
                    for (int r = 0; r < rows; r++) {
                        double m = 0, v = 0;
                        for (int c = 0; c < cols; c++) m += x[r * cols + c];
                        m /= cols;
                        for (int c = 0; c < cols; c++) v += (x[r * cols + c] - m) * (x[r * cols + c] - m);
                        double rs = 1 / std::sqrt(v / cols + eps);
                        me[r] = (float)m;
                        re[r] = (float)rs;
                        double sg = 0, sgx = 0;
                        for (int c = 0; c < cols; c++) {
                            double xh = (x[r * cols + c] - m) * rs, wc = affine ? w[c] : 1, g = dy[r * cols + c] * wc;
                            ye[r * cols + c] = (float)(affine ? xh * w[c] + b[c] : xh);
                            sg += g;
                            sgx += g * xh;
                            dws[c] += dy[r * cols + c] * xh;
                            dbs[c] += dy[r * cols + c];
                        }
                        for (int c = 0; c < cols; c++) {
                            double xh = (x[r * cols + c] - m) * rs, g = dy[r * cols + c] * (affine ? w[c] : 1);
                            dxe[r * cols + c] = (float)(dx[r * cols + c] + rs * (g - sg / cols - xh * sgx / cols));
                        }
                    }
                    for (int c = 0; c < cols; c++) {
                        dwe[c] = (float)(dw[c] + dws[c]);
                        dbe[c] = (float)(db[c] + dbs[c]);
                    }
                    auto y = check::poisoned(n), mo = check::poisoned(rows), ro = check::poisoned(rows);
                    const float* wp = affine ? w.data() : nullptr;
                    const float* bp = affine ? b.data() : nullptr;
                    shim::launch(layernorm_forward, dim3(rows), dim3(block), 0, y.data(), mo.data(), ro.data(), (const float*)x.data(), wp, bp,
                                 rows, cols, eps);
                    check::close("layernorm_forward y" + at, y, ye, 1e-5f, 1e-5f);
                    check::close("layernorm_forward mean" + at, mo, me, 1e-6f, 1e-5f);
                    check::close("layernorm_forward rstd" + at, ro, re, 1e-6f, 1e-5f);
                    { // residual form: x = a + r with the same values up to rounding of the split
                        auto res = check::random(n, 11), a = x;
                        for (size_t i = 0; i < n; i++) a[i] = x[i] - res[i];
                        std::vector<float> sum_e(n);
                        for (size_t i = 0; i < n; i++) sum_e[i] = a[i] + res[i];
                        auto y2 = check::poisoned(n), s2 = check::poisoned(n), m2 = check::poisoned(rows), r2 = check::poisoned(rows);
                        shim::launch(layernorm_residual_forward, dim3(rows), dim3(block), 0, y2.data(), s2.data(), m2.data(), r2.data(),
                                     (const float*)a.data(), (const float*)res.data(), wp, bp, rows, cols, eps);
                        check::close("layernorm_residual_forward sum" + at, s2, sum_e, 0, 0);
                        check::close("layernorm_residual_forward y" + at, y2, ye, 1e-4f, 1e-4f);
                    }
                    shim::launch(layernorm_backward_dx, dim3(rows), dim3(block), 0, dx.data(), (const float*)dy.data(), (const float*)x.data(),
                                 (const float*)mo.data(), (const float*)ro.data(), wp, rows, cols);
                    check::close("layernorm_backward_dx" + at, dx, dxe, 1e-4f, 1e-4f);
                    cases += 2;
                    if (block == 32) { // dW, dB: fixed (32, 8) blocks; several row splits
                        for (unsigned splits : {1u, 3u}) {
                            auto dwo = dw, dbo = db;
                            shim::launch(layernorm_backward_dwdb, dim3((cols + 31) / 32, splits), dim3(32, DWDB_ROWS), 0, dwo.data(),
                                         dbo.data(), (const float*)dy.data(), (const float*)x.data(), (const float*)mo.data(),
                                         (const float*)ro.data(), rows, cols);
                            check::close("layernorm_backward dw" + at, dwo, dwe, 1e-4f, 1e-5f);
                            check::close("layernorm_backward db" + at, dbo, dbe, 1e-4f, 1e-5f);
                            cases++;
                        }
                    }
                }
    return check::finish("layernorm", cases);
}

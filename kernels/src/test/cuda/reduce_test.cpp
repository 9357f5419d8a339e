// Shim test of reduce.cu against plain C++ loops (sums in double).
#include "cuda_shim.h"
#include "../../main/cuda/reduce.cu"
#include "check.h"

int main() {
    int cases = 0;
    for (int rows : check::ROWS)
        for (int cols : check::COLS)
            for (unsigned block : check::ROW_BLOCKS) {
                std::string at = " rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) + " block=" + std::to_string(block);
                auto x = check::random((size_t)rows * cols, rows * 31 + cols);
                std::vector<float> se(rows), me(rows), ae(rows);
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    int best = 0;
                    for (int c = 0; c < cols; c++) {
                        s += x[r * cols + c];
                        if (x[r * cols + c] > x[r * cols + best]) best = c;
                    }
                    se[r] = (float)(0.5 * s);
                    me[r] = x[r * cols + best];
                    ae[r] = (float)best;
                }
                auto so = check::poisoned(rows), mo = check::poisoned(rows), ao = check::poisoned(rows);
                shim::launch(sum_rows, dim3(rows), dim3(block), 0, so.data(), (const float*)x.data(), rows, cols, 0.5f);
                check::close("sum_rows" + at, so, se, 1e-5f, 1e-5f);
                shim::launch(max_rows, dim3(rows), dim3(block), 0, mo.data(), ao.data(), (const float*)x.data(), rows, cols);
                check::close("max_rows" + at, mo, me, 0, 0);
                check::close("max_rows argmax" + at, ao, ae, 0, 0);
                cases += 2;
            }
    // ties take the first index; a NaN wins (the first NaN)
    {
        std::vector<float> x = {1, 3, 3, 2, 5, NAN, 7, NAN, -INFINITY, -INFINITY};
        std::vector<float> mo(2), ao(2);
        shim::launch(max_rows, dim3(2), dim3(32), 0, mo.data(), ao.data(), (const float*)x.data(), 2, 4);
        check::close("max_rows ties", ao, {1, 1}, 0, 0);
        std::vector<float> y = {-INFINITY, -INFINITY, -INFINITY}, m1(1), a1(1);
        shim::launch(max_rows, dim3(1), dim3(64), 0, m1.data(), a1.data(), (const float*)y.data(), 1, 3);
        check::close("max_rows all -inf", a1, {0}, 0, 0);
        cases += 2;
    }
    // reduce_to_mid over the Backend's broadcast shapes
    int shapes[][3] = {{1, 7, 1}, {33, 7, 1}, {4, 3, 33}, {1, 5, 4099}, {129, 1, 1}, {2, 96, 13}};
    for (auto& s : shapes)
        for (unsigned block : check::ROW_BLOCKS)
            for (int acc = 0; acc < 2; acc++) {
                int outer = s[0], mid = s[1], inner = s[2];
                auto x = check::random((size_t)outer * mid * inner, outer + mid + inner);
                auto out = check::random(mid, 99);
                std::vector<float> e(mid);
                for (int m = 0; m < mid; m++) {
                    double t = 0;
                    for (int o = 0; o < outer; o++)
                        for (int i = 0; i < inner; i++) t += x[((size_t)o * mid + m) * inner + i];
                    e[m] = acc ? out[m] + (float)t : (float)t;
                }
                shim::launch(reduce_to_mid, dim3(mid), dim3(block), 0, out.data(), (const float*)x.data(), outer, mid, inner, acc);
                check::close("reduce_to_mid " + std::to_string(outer) + "x" + std::to_string(mid) + "x" + std::to_string(inner), out,
                             e, 1e-4f, 1e-5f);
                cases++;
            }
    // gather / scatter with an ignore index
    for (int rows : check::SIZES) {
        int cols = 5;
        auto x = check::random((size_t)rows * cols, 3);
        std::vector<float> idx(rows), ge(rows), dy = check::random(rows, 4), dx = check::random((size_t)rows * cols, 5);
        auto de = dx;
        for (int r = 0; r < rows; r++) {
            idx[r] = (float)(r % 3 == 2 ? -100 : (r * 7) % cols);
            int t = (int)idx[r];
            ge[r] = t == -100 ? 0 : x[r * cols + t];
            if (t != -100) de[r * cols + t] += dy[r];
        }
        auto go = check::poisoned(rows);
        unsigned grid = check::gridFor(rows, 64);
        shim::launch(gather_rows, dim3(grid), dim3(64), 0, go.data(), (const float*)x.data(), (const float*)idx.data(), rows, cols, -100);
        check::close("gather_rows", go, ge, 0, 0);
        shim::launch(scatter_rows, dim3(grid), dim3(64), 0, dx.data(), (const float*)idx.data(), (const float*)dy.data(), rows, cols, -100);
        check::close("scatter_rows", dx, de, 0, 0);
        cases += 2;
    }
    return check::finish("reduce", cases);
}

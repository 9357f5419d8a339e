// Shim test of elementwise.cu against plain C++ references (double where the reference is a formula).
#include "cuda_shim.h"
#include "../../main/cuda/elementwise.cu"
#include "check.h"

static double gelu(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }

static double ref_f(int op, double x, double p) {
    switch (op) {
        case U_EXP: return std::exp(x);
        case U_LOG: return std::log(x);
        case U_SQRT: return std::sqrt(x);
        case U_TANH: return std::tanh(x);
        case U_SIGMOID: return 1 / (1 + std::exp(-x));
        case U_RELU: return x > 0 ? x : 0;
        case U_GELU: return gelu(x);
        case U_SOFTPLUS: return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
        case U_SQUARE: return x * x;
        case U_POW: return std::pow(x, p);
        case U_SCALE: return p * x;
        case U_ADD_SCALAR: return x + p;
        case U_RECIPROCAL: return 1 / x;
        case U_CLAMP_MIN: return std::max(x, p);
        default: return std::min(x, p);
    }
}

static double ref_df(int op, double x, double y, double p) {
    switch (op) {
        case U_EXP: return y;
        case U_LOG: return 1 / x;
        case U_SQRT: return 0.5 / y;
        case U_TANH: return 1 - y * y;
        case U_SIGMOID: return y * (1 - y);
        case U_RELU: return x > 0 ? 1 : 0;
        case U_GELU: return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
        case U_SOFTPLUS: return 1 / (1 + std::exp(-x));
        case U_SQUARE: return 2 * x;
        case U_POW: return p * std::pow(x, p - 1);
        case U_SCALE: return p;
        case U_ADD_SCALAR: return 1;
        case U_RECIPROCAL: return -y * y;
        case U_CLAMP_MIN: return x >= p ? 1 : 0;
        default: return x <= p ? 1 : 0;
    }
}

int main() {
    int cases = 0;
    for (int n : check::SIZES)
        for (unsigned block : check::BLOCKS) {
            unsigned grid = check::gridFor(n, block);
            std::string at = " n=" + std::to_string(n) + " block=" + std::to_string(block);
            // fill, axpy
            auto out = check::poisoned(n);
            shim::launch(fill_forward, dim3(grid), dim3(block), 0, out.data(), 2.5f, n);
            check::close("fill" + at, out, std::vector<float>(n, 2.5f));
            auto x = check::random(n, 1), y = check::random(n, 2), ye = y;
            for (int i = 0; i < n; i++) ye[i] += 0.75f * x[i];
            shim::launch(axpy_forward, dim3(grid), dim3(block), 0, y.data(), 0.75f, (const float*)x.data(), n);
            check::close("axpy" + at, y, ye);
            cases += 2;
            // unary forward and backward, every op (positive inputs for log/sqrt/pow/reciprocal)
            for (int op = U_EXP; op <= U_CLAMP_MAX; op++) {
                bool positive = op == U_LOG || op == U_SQRT || op == U_POW || op == U_RECIPROCAL;
                auto xi = positive ? check::random(n, 3, 0.1f, 3.0f) : check::random(n, 3);
                float p = op == U_POW ? 1.7f : 0.3f;
                std::vector<float> fe(n), ge(n), dy = check::random(n, 4), dx = check::random(n, 5);
                for (int i = 0; i < n; i++) {
                    double f = ref_f(op, xi[i], p);
                    fe[i] = (float)f;
                    ge[i] = (float)(dx[i] + dy[i] * ref_df(op, xi[i], (float)f, p));
                }
                auto fo = check::poisoned(n);
                shim::launch(unary_forward, dim3(grid), dim3(block), 0, fo.data(), (const float*)xi.data(), n, op, p);
                check::close("unary_forward op=" + std::to_string(op) + at, fo, fe, 1e-6f, 2e-6f);
                shim::launch(unary_backward, dim3(grid), dim3(block), 0, dx.data(), (const float*)xi.data(),
                             (const float*)fo.data(), (const float*)dy.data(), n, op, p);
                check::close("unary_backward op=" + std::to_string(op) + at, dx, ge, 1e-5f, 1e-5f);
                cases += 2;
            }
            // binary with the broadcasts of the Backend: equal, scalar, last-dim vector, per-channel
            int mids[][2] = {{n, 1}, {1, 1}, {n % 7 == 0 ? 7 : 1, 1}, {1, n}};
            for (auto& mi : mids)
                for (int op = B_ADD; op <= B_RDIV; op++)
                    for (int acc = 0; acc < 2; acc++) {
                        int mid = mi[0], inner = mi[1];
                        auto a = check::random(n, 6), b = check::random(mid, 7, 0.5f, 2.0f), o = check::random(n, 8);
                        std::vector<float> e(n);
                        for (int i = 0; i < n; i++) {
                            float bv = b[(i / inner) % mid];
                            float r = op == B_ADD ? a[i] + bv : op == B_SUB ? a[i] - bv : op == B_MUL ? a[i] * bv
                                    : op == B_DIV ? a[i] / bv : op == B_RSUB ? bv - a[i] : bv / a[i];
                            e[i] = acc ? o[i] + r : r;
                        }
                        shim::launch(binary_forward, dim3(grid), dim3(block), 0, o.data(), (const float*)a.data(),
                                     (const float*)b.data(), n, mid, inner, op, acc);
                        check::close("binary op=" + std::to_string(op) + " mid=" + std::to_string(mid) + at, o, e, 1e-5f, 1e-5f);
                        cases++;
                    }
            // binary_strided: (3, 1) op (1, 4)-style two-sided broadcasts and a gapped operand, rank 0..3
            if (n == 33) {
                struct Case { std::vector<int> dims, sa, sb; };
                std::vector<Case> cs = {{{3, 4}, {1, 0}, {0, 1}}, {{2, 3, 5}, {15, 5, 1}, {0, 1, 0}}, {{7}, {2}, {1}}, {{}, {}, {}},
                                        {{2, 1, 33}, {33, 0, 1}, {0, 0, 1}}};
                for (auto& c : cs)
                    for (int op = B_ADD; op <= B_RDIV; op++)
                        for (int acc = 0; acc < 2; acc++) {
                            int rank = (int)c.dims.size(), total = 1;
                            for (int d : c.dims) total *= d;
                            std::vector<int> dims = {rank};
                            for (auto* v : {&c.dims, &c.sa, &c.sb}) dims.insert(dims.end(), v->begin(), v->end());
                            auto a = check::random(200, 21), b = check::random(200, 22, 0.5f, 2.0f), o = check::random(total, 23);
                            std::vector<float> e(total);
                            for (int i = 0; i < total; i++) {
                                int rem = i, pa = 0, pb = 0;
                                for (int k = rank - 1; k >= 0; k--) {
                                    int idx = rem % c.dims[k];
                                    rem /= c.dims[k];
                                    pa += idx * c.sa[k];
                                    pb += idx * c.sb[k];
                                }
                                float av = a[pa], bv = b[pb];
                                float r = op == B_ADD ? av + bv : op == B_SUB ? av - bv : op == B_MUL ? av * bv : op == B_DIV ? av / bv
                                        : op == B_RSUB ? bv - av : bv / av;
                                e[i] = acc ? o[i] + r : r;
                            }
                            shim::launch(binary_strided, dim3(check::gridFor(total, block)), dim3(block), 0, o.data(), (const float*)a.data(),
                                         (const float*)b.data(), (const int*)dims.data(), total, op, acc);
                            check::close("binary_strided rank=" + std::to_string(rank) + " op=" + std::to_string(op), o, e, 1e-6f, 1e-6f);
                            cases++;
                        }
            }
            // AdamW: the CPU backend's scalar loop
            auto p = check::random(n, 9), g = check::random(n, 10), m = check::random(n, 11), v = check::random(n, 12, 0, 1);
            auto pe = p, me = m, ve = v;
            float b1 = 0.9f, b2 = 0.999f, c1 = 0.1f, c2 = (float)(1 - 0.999), decay = 1 - 1e-3f * 0.05f, step = 1e-3f / 0.19f,
                  sq = std::sqrt(0.002f), eps = 1e-8f;
            for (int i = 0; i < n; i++) {
                me[i] = b1 * me[i] + c1 * g[i];
                ve[i] = b2 * ve[i] + c2 * g[i] * g[i];
                pe[i] = pe[i] * decay - step * me[i] / (std::sqrt(ve[i]) / sq + eps);
            }
            shim::launch(adamw_step, dim3(grid), dim3(block), 0, p.data(), (const float*)g.data(), m.data(), v.data(), n, b1, b2,
                         c1, c2, decay, step, sq, eps);
            check::close("adamw p" + at, p, pe, 0, 0);
            check::close("adamw m" + at, m, me, 0, 0);
            check::close("adamw v" + at, v, ve, 0, 0);
            cases++;
        }
    // adamw_multi: tensors of sizes with tails (an empty one too) in one launch, against adamw_step's loop
    for (unsigned block : check::BLOCKS) {
        std::vector<int> sizes = {7, 1, 4099, 0, 33};
        int T = (int)sizes.size(), n = 0;
        std::vector<int> starts = {0};
        for (int s : sizes) starts.push_back(n += s);
        std::vector<std::vector<float>> P, G, M, V, PE, ME, VE;
        std::vector<float> decay;
        float b1 = 0.9f, b2 = 0.999f, c1 = 0.1f, c2 = (float)(1 - 0.999), step = 1e-3f / 0.19f, sq = std::sqrt(0.002f), eps = 1e-8f;
        for (int t = 0; t < T; t++) {
            P.push_back(check::random(sizes[t], 30 + t));
            G.push_back(check::random(sizes[t], 40 + t));
            M.push_back(check::random(sizes[t], 50 + t));
            V.push_back(check::random(sizes[t], 60 + t, 0, 1));
            decay.push_back(t % 2 ? 1.0f : 1 - 1e-3f * 0.05f);
            PE.push_back(P[t]);
            ME.push_back(M[t]);
            VE.push_back(V[t]);
            for (int i = 0; i < sizes[t]; i++) {
                ME[t][i] = b1 * ME[t][i] + c1 * G[t][i];
                VE[t][i] = b2 * VE[t][i] + c2 * G[t][i] * G[t][i];
                PE[t][i] = PE[t][i] * decay[t] - step * ME[t][i] / (std::sqrt(VE[t][i]) / sq + eps);
            }
        }
        std::vector<float*> table;
        for (auto* vs : {&P, &G, &M, &V})
            for (auto& v : *vs) table.push_back(v.data());
        shim::launch(adamw_multi, dim3(check::gridFor(n, block)), dim3(block), 0, table.data(), (const int*)starts.data(),
                     (const float*)decay.data(), n, T, b1, b2, c1, c2, step, sq, eps);
        for (int t = 0; t < T; t++) {
            check::close("adamw_multi p tensor " + std::to_string(t), P[t], PE[t], 0, 0);
            check::close("adamw_multi m tensor " + std::to_string(t), M[t], ME[t], 0, 0);
            check::close("adamw_multi v tensor " + std::to_string(t), V[t], VE[t], 0, 0);
        }
        cases++;
    }
    // to_bf16 against a reference written with the definition (nearest bf16, ties to even): the
    // neighbours below and above, compared in double; specials by bit pattern
    {
        std::vector<float> x = check::random(4099, 31, -1e4f, 1e4f);
        auto bits = [](float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; };
        auto from = [](uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; };
        x.push_back(from(0x3f808000u)); // a tie between 1.0 and 1.0078125: to even (1.0)
        x.push_back(from(0x3f818000u)); // a tie, odd below: rounds up
        x.push_back(INFINITY); x.push_back(-INFINITY); x.push_back(NAN); x.push_back(0.0f); x.push_back(-0.0f);
        x.push_back(3.4e38f);           // rounds past the largest bf16: inf, as cuda's __float2bfloat16_rn
        int n = (int)x.size(), bad = 0;
        std::vector<uint16_t> out(n, 0xdead);
        for (unsigned block : check::BLOCKS) {
            shim::launch(to_bf16, dim3(check::gridFor(n, block)), dim3(block), 0, (unsigned short*)out.data(), (const float*)x.data(), n);
            for (int i = 0; i < n; i++) {
                uint32_t u = bits(x[i]);
                uint16_t e;
                if (std::isnan(x[i])) {
                    e = (uint16_t)((u >> 16) | 0x40u);
                } else {
                    uint32_t lo = u & 0xffff0000u, hi = lo + 0x10000u;
                    // hi's value as if the exponent were unbounded (past the largest bf16 it is inf)
                    double vlo = from(lo), vhi = std::isinf(from(hi)) ? 2 * vlo - (double)from(lo - 0x10000u) : (double)from(hi);
                    double dl = std::fabs((double)x[i] - vlo), dh = std::fabs(vhi - x[i]);
                    bool up = std::isinf(x[i]) ? false : dh < dl || (dh == dl && ((lo >> 16) & 1u));
                    e = (uint16_t)((up ? hi : lo) >> 16);
                }
                if (out[i] != e && bad++ < 5) std::printf("FAIL to_bf16 x=%.9g: got 0x%04x expected 0x%04x\n", x[i], out[i], e);
            }
            cases++;
        }
        if (bad) check::failures += 1;
    }
    return check::finish("elementwise", cases);
}

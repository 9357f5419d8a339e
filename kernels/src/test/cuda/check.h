// check.h — helpers of the shim tests: seeded inputs, a tolerance check that names the first
// mismatches (llm.c's validate_result: |a − r| ≤ atol + rtol·|r|), and the shapes and block sizes
// every test sweeps. A test program returns non-zero after printing what failed.
#pragma once
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace check {

inline int failures = 0;

inline std::vector<float> random(size_t n, unsigned seed, float lo = -2.0f, float hi = 2.0f) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = u(g);
    return v;
}

/** Values poisoned with NaN: an element a kernel forgets to write stays NaN and fails the check. */
inline std::vector<float> poisoned(size_t n) { return std::vector<float>(n, NAN); }

inline bool close(const std::string& what, const std::vector<float>& actual, const std::vector<float>& expected,
                  float atol = 1e-5f, float rtol = 1e-5f) {
    if (actual.size() != expected.size()) {
        std::printf("FAIL %s: size %zu vs expected %zu\n", what.c_str(), actual.size(), expected.size());
        failures++;
        return false;
    }
    int bad = 0;
    double maxDiff = 0;
    for (size_t i = 0; i < actual.size(); i++) {
        float a = actual[i], e = expected[i];
        bool ok = (std::isnan(e) && std::isnan(a)) || (std::isinf(e) && a == e) ||
                  std::fabs(a - e) <= atol + rtol * std::fabs(e);
        if (!ok) {
            if (bad < 5) std::printf("FAIL %s [%zu]: actual %.9g expected %.9g\n", what.c_str(), i, a, e);
            bad++;
        }
        if (!std::isnan(a - e)) maxDiff = std::fmax(maxDiff, std::fabs(a - e));
    }
    if (bad) {
        std::printf("FAIL %s: %d of %zu mismatched (max |diff| %.3g)\n", what.c_str(), bad, actual.size(), maxDiff);
        failures++;
        return false;
    }
    return true;
}

inline int finish(const char* name, int cases) {
    if (failures) {
        std::printf("%s: %d of %d cases FAILED\n", name, failures, cases);
        return 1;
    }
    std::printf("%s: %d cases passed\n", name, cases);
    return 0;
}

// Sizes with tails (llm.c's and Lucene's odd sizes) and block sizes. Block-per-row kernels run
// every thread of a row block through its barriers and shuffles, so their sweep is smaller.
// -DSHIM_QUICK (the ThreadSanitizer build, ~10x slower) keeps one representative of each.
#ifndef SHIM_QUICK
inline const std::vector<int> SIZES = {1, 7, 33, 4099};
inline const std::vector<int> ROWS = {1, 7, 17};
inline const std::vector<int> COLS = {1, 7, 33, 96, 1025};
inline const std::vector<unsigned> BLOCKS = {32, 64, 256};
inline const std::vector<unsigned> ROW_BLOCKS = {32, 128};
#else
inline const std::vector<int> SIZES = {33, 4099};
inline const std::vector<int> ROWS = {3};
inline const std::vector<int> COLS = {33, 96};
inline const std::vector<unsigned> BLOCKS = {64};
inline const std::vector<unsigned> ROW_BLOCKS = {64};
#endif

/** Blocks for a grid-stride launch over n elements, capped so the shim's thread count stays small. */
inline unsigned gridFor(long long n, unsigned block, unsigned cap = 8) {
    long long g = (n + block - 1) / block;
    return (unsigned)std::max(1LL, std::min<long long>(g, cap));
}

} // namespace check

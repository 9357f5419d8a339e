// cuda_shim.h — compiles CUDA kernel source with g++ and runs it on host threads, to test kernel
// logic without a GPU (the idea of llm.c's dev/cuda, with real threads instead of a serial loop).
//
// A launch runs the grid's blocks one after another; inside a block every CUDA thread is one
// std::thread. __syncthreads is a std::barrier over the block, __syncwarp and the *_sync shuffles
// a std::barrier over the warp (32 consecutive linear thread ids). The threads are a team reused
// from block to block. __shared__ variables become
// function statics: one copy, used by one block at a time (the next block starts after the
// previous one's threads are joined). atomicAdd is std::atomic_ref.
//
// What it checks: indexing, bounds, barrier placement, reductions, shared-memory races (under
// -fsanitize=thread). What it does not: tensor-core instructions, memory-ordering subtleties of
// real hardware, warp lockstep (there is none here, so kernels must not rely on it), speed.
// Kernels must use full warps (blockDim a multiple of 32) when they shuffle.
#pragma once
#define UMEDPT_CUDA_SHIM 1

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace shim {

struct Block {
    std::unique_ptr<std::barrier<>> all;
    std::vector<std::unique_ptr<std::barrier<>>> warps;
    std::vector<uint64_t> lanes; // shuffle exchange: two slots per thread (double-buffered)
    std::vector<unsigned> warpSize; // threads in each warp (the last may be partial)
    std::vector<char> dynamic;
};

inline thread_local dim3 tThreadIdx, tBlockIdx;
inline thread_local unsigned tLinear;
inline dim3 gBlockDim, gGridDim; // set before a launch's threads start; read-only while they run
inline Block* gBlock = nullptr;

inline unsigned linearId() { return tLinear; }

inline thread_local unsigned tShuffles; // shuffles this thread has done in the current block

// One barrier per shuffle: slots are double-buffered by the parity of the shuffle count. A lane
// writes parity p again only two shuffles later, after a barrier that every lane reached after
// its read of p.
template <class T>
T shuffle(T v, int srcLane) {
    static_assert(sizeof(T) <= 8, "shuffle of a type wider than 8 bytes");
    unsigned lin = linearId(), warp = lin / 32;
    unsigned parity = tShuffles++ & 1u;
    uint64_t* slots = gBlock->lanes.data() + parity * gBlock->lanes.size() / 2;
    uint64_t slot = 0;
    std::memcpy(&slot, &v, sizeof(T));
    slots[lin] = slot;
    gBlock->warps[warp]->arrive_and_wait();
    T r = v;
    if (srcLane >= 0 && (unsigned)srcLane < gBlock->warpSize[warp]) {
        uint64_t s = slots[warp * 32 + srcLane];
        std::memcpy(&r, &s, sizeof(T));
    }
    return r;
}

/**
 * The host threads of one block, kept between blocks and launches (creating 256 threads per block
 * cost more than the kernels): rebuilt only when the block size changes. Each block is one round
 * of the start barrier (workers pick up the job) and the done barrier (main waits for them all).
 */
class Team {
public:
    explicit Team(unsigned n) : n_(n), start_(n + 1), done_(n + 1) {
        for (unsigned t = 0; t < n; t++) threads_.emplace_back([this, t] { work(t); });
    }
    ~Team() {
        quit_ = true;
        start_.arrive_and_wait();
        for (auto& th : threads_) th.join();
    }
    unsigned size() const { return n_; }
    void run(std::function<void(unsigned)> job) {
        job_ = std::move(job);
        start_.arrive_and_wait();
        done_.arrive_and_wait();
    }

private:
    void work(unsigned t) {
        for (;;) {
            start_.arrive_and_wait();
            if (quit_) return;
            job_(t);
            done_.arrive_and_wait();
        }
    }
    unsigned n_;
    std::barrier<> start_, done_;
    std::function<void(unsigned)> job_;
    bool quit_ = false; // written before a start round, read after it: ordered by the barrier
    std::vector<std::thread> threads_;
};

inline std::unique_ptr<Team> gTeam;

/** Runs kernel(args...) over grid × block host threads; shmem bytes of dynamic shared memory. */
template <class... P, class... A>
void launch(void (*kernel)(P...), dim3 grid, dim3 block, size_t shmem, A... args) {
    unsigned n = block.x * block.y * block.z;
    if (n == 0 || n > 1024) throw std::runtime_error("shim::launch: block of " + std::to_string(n) + " threads");
    if (!gTeam || gTeam->size() != n) {
        gTeam.reset();
        gTeam = std::make_unique<Team>(n);
    }
    gGridDim = grid;
    gBlockDim = block;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                Block b;
                b.all = std::make_unique<std::barrier<>>(n);
                unsigned nw = (n + 31) / 32;
                for (unsigned w = 0; w < nw; w++) {
                    unsigned size = std::min(32u, n - 32 * w);
                    b.warpSize.push_back(size);
                    b.warps.push_back(std::make_unique<std::barrier<>>(size));
                }
                b.lanes.assign(2 * nw * 32, 0);
                // poison dynamic shared memory: a kernel must not read what it did not write
                b.dynamic.assign(shmem + 16, (char)0x7f);
                gBlock = &b;
                gTeam->run([=](unsigned t) {
                    tLinear = t;
                    tShuffles = 0;
                    tThreadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
                    tBlockIdx = dim3(bx, by, bz);
                    kernel(args...);
                });
                gBlock = nullptr;
            }
}

} // namespace shim

#define threadIdx (shim::tThreadIdx)
#define blockIdx (shim::tBlockIdx)
#define blockDim (shim::gBlockDim)
#define gridDim (shim::gGridDim)
#define warpSize 32

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __shared__ static
#define DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(shim::gBlock->dynamic.data())

inline void __syncthreads() { shim::gBlock->all->arrive_and_wait(); }
inline void __syncwarp(unsigned = 0xffffffffu) { shim::gBlock->warps[shim::linearId() / 32]->arrive_and_wait(); }

template <class T> T __shfl_sync(unsigned, T v, int src, int = 32) { return shim::shuffle(v, src); }
template <class T> T __shfl_xor_sync(unsigned, T v, int mask, int = 32) {
    return shim::shuffle(v, (int)(shim::linearId() % 32) ^ mask);
}
template <class T> T __shfl_down_sync(unsigned, T v, unsigned delta, int = 32) {
    int src = (int)(shim::linearId() % 32 + delta);
    return shim::shuffle(v, src < 32 ? src : -1);
}

inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline unsigned int __float_as_uint(float f) {
    unsigned int u;
    std::memcpy(&u, &f, 4);
    return u;
}
using std::min;
using std::max;
#include <math.h> // expf, logf, erff, … as CUDA names them

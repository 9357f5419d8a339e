// shim_device.cpp — every kernel of src/main/cuda behind a C ABI, run by the CUDA-on-threads shim:
// the "device" of ShimDeviceApi (Java, through the JDK 17 foreign-function API), so that
// CudaBackend's launchers and staging run end to end on the CPU, against the real kernel code.
//
//   shim_launch(name, grid xyz, block xyz, shared bytes, args, nargs) → 0, or −1 for an unknown
//       kernel, −2 for a wrong parameter count; args are 64-bit slots: pointers as addresses, ints
//       as values, floats as their bit patterns in the low 32 bits (KernelArgs' order and types)
//   shim_gemm(...)  cuBLAS's column-major strided-batched SGEMM, plain loops in double
// Device memory is host memory (malloc'ed by the Java side); launches run one at a time.
#include "cuda_shim.h"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/reduce.cu"
#include "../../main/cuda/softmax.cu"
#include "../../main/cuda/layernorm.cu"
#include "../../main/cuda/layout.cu"
#include "../../main/cuda/window.cu"
#include "../../main/cuda/attention.cu"
#include "../../main/cuda/im2col.cu"
#include "../../main/cuda/loss.cu"
#include "../../main/cuda/pool.cu"
#include "../../main/cuda/resize.cu"

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace {

template <class T> T unpack(uint64_t v) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(static_cast<uintptr_t>(v));
    } else if constexpr (std::is_same_v<T, float>) {
        uint32_t bits = static_cast<uint32_t>(v);
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    } else {
        return static_cast<T>(static_cast<int64_t>(v));
    }
}

using Launch = std::function<int(dim3, dim3, size_t, const uint64_t*, int)>;

template <class... P, size_t... I>
int call(void (*k)(P...), dim3 g, dim3 b, size_t sh, const uint64_t* a, std::index_sequence<I...>) {
    shim::launch(k, g, b, sh, unpack<P>(a[I])...);
    return 0;
}

template <class... P> Launch wrap(void (*k)(P...)) {
    return [k](dim3 g, dim3 b, size_t sh, const uint64_t* a, int n) {
        if (n != (int)sizeof...(P)) return -2;
        return call(k, g, b, sh, a, std::index_sequence_for<P...>{});
    };
}

#define K(name) {#name, wrap(name)}
const std::map<std::string, Launch>& table() {
    static const std::map<std::string, Launch> t = {
        K(fill_forward), K(axpy_forward), K(unary_forward), K(unary_backward), K(binary_forward), K(binary_strided), K(adamw_step), K(adamw_multi), K(to_bf16),
        K(sum_rows), K(max_rows), K(reduce_to_mid), K(gather_rows), K(scatter_rows),
        K(softmax_forward), K(softmax_backward),
        K(layernorm_forward), K(layernorm_residual_forward), K(layernorm_backward_dx), K(layernorm_backward_dwdb),
        K(permute_forward), K(copy_block), K(roll_forward), K(index_select_rows), K(index_add_rows),
        K(window_partition), K(window_reverse), K(window_attention_forward), K(window_attention_backward), K(window_attention_cosine_backward),
        K(im2col), K(col2im), K(cross_entropy_forward), K(cross_entropy_backward), K(sigmoid_focal_forward), K(sigmoid_focal_backward),
        K(maxpool_forward), K(maxpool_backward), K(avgpool_forward), K(avgpool_backward),
        K(resize_forward), K(resize_backward),
    };
    return t;
}

} // namespace

extern "C" int shim_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                           unsigned long shared, const uint64_t* args, int nargs) {
    auto it = table().find(name);
    if (it == table().end()) return -1;
    return it->second(dim3(gx, gy, gz), dim3(bx, by, bz), shared, args, nargs);
}

extern "C" int shim_kernel_count() { return (int)table().size(); }

// a and b are fp32, or bf16 (uint16 bit patterns, element strides) when bf16 != 0
extern "C" void shim_gemm(int transA, int transB, int m, int n, int k, float alpha, const void* a, int lda, long long strideA,
                          const void* b, int ldb, long long strideB, float beta, float* c, int ldc, long long strideC, int batch, int bf16) {
    auto at = [bf16](const void* base, long long i) -> double {
        if (!bf16) return static_cast<const float*>(base)[i];
        uint32_t bits = (uint32_t) static_cast<const uint16_t*>(base)[i] << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    };
    for (int p = 0; p < batch; p++) {
        long long ao = p * strideA, bo = p * strideB;
        float* C = c + p * strideC;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    double av = transA ? at(a, ao + l + (long long)i * lda) : at(a, ao + i + (long long)l * lda);
                    double bv = transB ? at(b, bo + j + (long long)l * ldb) : at(b, bo + l + (long long)j * ldb);
                    s += av * bv;
                }
                float& out = C[i + (long long)j * ldc];
                out = (float)(alpha * s + (beta == 0.0f ? 0.0 : (double)beta * out));
            }
    }
}

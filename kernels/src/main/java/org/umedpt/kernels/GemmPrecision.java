package org.umedpt.kernels;

/**
 * How the CUDA backend's GEMMs multiply. Outputs, accumulation, activations, master weights,
 * reductions and optimizer state are fp32 in every mode; only the products' inputs change.
 */
public enum GemmPrecision {
    /** fp32 inputs, CUBLAS_COMPUTE_32F: the CPU backend's arithmetic (parity ≤ 1e-5). */
    FP32,
    /** fp32 inputs on TF32 tensor cores (10-bit mantissas in the products; PyTorch's allow_tf32, ≤ 1e-3). */
    TF32,
    /** Inputs rounded to bf16 (8-bit mantissas, round to nearest even) before the GEMM, tensor cores, fp32 accumulation (≤ 1e-2). */
    BF16;

    /** {@code fp32}, {@code tf32} or {@code bf16}, as in {@code --device cuda:bf16}. */
    public static GemmPrecision parse(String s) {
        for (GemmPrecision p : values()) if (p.name().equalsIgnoreCase(s)) return p;
        throw new IllegalArgumentException("unknown GEMM precision '" + s + "': expected fp32, tf32 or bf16");
    }
}

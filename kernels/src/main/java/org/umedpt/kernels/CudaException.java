package org.umedpt.kernels;

/**
 * A CUDA driver or cuBLAS call failed. The message names the error, the call and, for a launch,
 * the kernel with its grid and block: {@code CUDA_ERROR_ILLEGAL_ADDRESS (700) in cuLaunchKernel:
 * kernel softmax_forward grid (12,1,1) block (128,1,1)}. With asynchronous launches an error can
 * surface at a later call; {@link CudaContext}'s debug option synchronises after each launch so
 * that it names the kernel that failed.
 */
public final class CudaException extends RuntimeException {
    private final int code;
    private final String errorName;

    public CudaException(int code, String errorName, String call, String context) {
        super(errorName + " (" + code + ") in " + call + (context == null || context.isEmpty() ? "" : ": " + context));
        this.code = code;
        this.errorName = errorName;
    }

    /** The CUresult or cublasStatus_t value. */
    public int code() {
        return code;
    }

    /** {@code CUDA_ERROR_…} or {@code CUBLAS_STATUS_…}. */
    public String errorName() {
        return errorName;
    }
}

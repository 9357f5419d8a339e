package org.umedpt.kernels;

import org.umedpt.kernels.launch.Shim;

/** {@link FusedKernelCases} on the shim device: the launchers and the Java references, without a GPU. */
class ShimFusedKernelsTest extends FusedKernelCases {
    { // smaller than the GPU's cases: a host thread per CUDA thread
        WINDOWS = new int[][] {{1, 14, 14, 6, 7, 3}, {1, 9, 11, 5, 7, 3}, {2, 16, 8, 4, 8, 4}, {1, 5, 3, 2, 7, 0}};
        ATTENTION = new int[][] {{2, 2, 49, 32, 2, 1, 0}, {1, 2, 64, 32, 1, 1, 0}, {3, 1, 7, 5, 3, 1, 0}, {2, 1, 33, 40, 1, 0, 0},
                {2, 2, 64, 32, 2, 1, 1}};
        LAYERNORM = new int[][] {{1, 1}, {7, 33}, {5, 1025}};
        CROSS_ENTROPY = new int[][] {{1, 1}, {7, 3}, {5, 1000}, {33, 2}};
    }

    @Override
    void openDevice() {
        unavailable = Shim.compilerProblem();
        if (unavailable != null) return;
        try {
            ctx = new CudaContext(new ShimDeviceApi(Shim.sharedLibrary()), false);
        } catch (Exception e) {
            throw new IllegalStateException("building or loading the shim device library failed", e);
        }
    }
}

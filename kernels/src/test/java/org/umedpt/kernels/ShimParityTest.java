package org.umedpt.kernels;

import org.umedpt.kernels.launch.Shim;

import java.nio.file.Path;

/**
 * {@link BackendParityCases} with the CUDA backend on the shim device ({@link ShimDeviceApi}):
 * CudaBackend's device residency, launchers (shapes, argument order) and every kernel run on the CPU against
 * CpuBackend, at smaller sizes (a shim thread per CUDA thread is slow). What the type-only signature
 * check cannot see, e.g. two int arguments swapped, fails here. Skips where g++ is absent.
 */
class ShimParityTest extends BackendParityCases {
    {
        SIZES = new int[] {1, 7, 33, 4099};
        ROWS_COLS = new int[][] {{1, 1}, {7, 33}, {5, 1025}, {17, 96}};
        GEMMS = new int[][] {{1, 1, 1, 1}, {3, 7, 33, 5}, {2, 49, 49, 32}};
        REDUCE_SHAPES = new int[][] {{1, 7, 1}, {33, 7, 1}, {4, 3, 33}, {1, 5, 4099}, {257, 9, 1}, {2, 6, 41}};
        RESIZES = new int[][] {{6, 7, 7, 14, 14}, {2, 5, 3, 33, 17}, {3, 28, 28, 7, 9}};
    }

    @Override
    void openDevice() {
        String problem = Shim.compilerProblem();
        if (problem != null) {
            unavailable = problem;
            return;
        }
        try {
            Path lib = Shim.sharedLibrary();
            cuda = new CudaBackend(new CudaContext(new ShimDeviceApi(lib), false), false);
            cudaTf32 = new CudaBackend(new CudaContext(new ShimDeviceApi(lib), false), true);
            cudaBf16 = new CudaBackend(new CudaContext(new ShimDeviceApi(lib), false), GemmPrecision.BF16);
        } catch (Exception e) {
            throw new IllegalStateException("building or loading the shim device library failed", e);
        }
    }
}

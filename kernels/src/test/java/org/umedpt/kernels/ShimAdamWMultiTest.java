package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.kernels.launch.ElementwiseKernels;
import org.umedpt.kernels.launch.Shim;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multi-tensor AdamW launcher on the shim device (pointer table packing, offsets, per-tensor
 * decay) against CpuBackend.adamWStep tensor by tensor: bit-identical, as the kernel does the
 * CPU loop's operations in its order.
 */
class ShimAdamWMultiTest {
    @Test
    void oneLaunchForEveryTensorEqualsOneStepEach() throws Exception {
        String problem = Shim.compilerProblem();
        assumeTrue(problem == null, problem);
        int[] sizes = {7, 1, 4099, 0, 33};
        float[] wd = {0.05f, 0f, 0.05f, 0.05f, 0f};
        float lr = 1e-3f, eps = 1e-8f, bc1 = 0.19f, bc2 = 0.002f;
        double b1 = 0.9, b2 = 0.999;
        Rng rng = new Rng(4);
        ShimDeviceApi dev = new ShimDeviceApi(Shim.sharedLibrary());
        try (CudaContext ctx = new CudaContext(dev, false); CpuBackend cpu = new CpuBackend(1)) {
            int t = sizes.length;
            Tensor[][] host = new Tensor[4][t];
            long[][] ptr = new long[4][t];
            float[] decay = new float[t];
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < 4; k++) {
                    host[k][i] = k == 3 ? Tensor.uniform(rng, 0, 1, sizes[i]) : Tensor.uniform(rng, -1, 1, sizes[i]);
                    ptr[k][i] = dev.memAlloc(4L * sizes[i]);
                    dev.copyToDevice(ptr[k][i], host[k][i].toArray(), 0, sizes[i], ctx.stream());
                }
                decay[i] = 1 - lr * wd[i];
            }
            int[] starts = ElementwiseKernels.starts(sizes);
            long table = dev.memAlloc(64L * t), st = dev.memAlloc(4L * starts.length), dc = dev.memAlloc(4L * t);
            dev.copyToDevice(table, ElementwiseKernels.pointerTable(ptr[0], ptr[1], ptr[2], ptr[3]), 0, 8 * t, ctx.stream());
            dev.copyToDevice(st, starts, 0, starts.length, ctx.stream());
            dev.copyToDevice(dc, decay, 0, t, ctx.stream());
            ElementwiseKernels.adamWMulti(ctx, table, st, dc, starts[t], t, lr, b1, b2, eps, bc1, bc2);
            for (int i = 0; i < t; i++) {
                cpu.adamWStep(host[0][i], host[1][i], host[2][i], host[3][i], lr, b1, b2, eps, wd[i], bc1, bc2);
                for (int k : new int[] {0, 2, 3}) {
                    float[] got = new float[sizes[i]];
                    dev.copyToHost(got, 0, ptr[k][i], sizes[i], ctx.stream());
                    assertArrayEquals(host[k][i].toArray(), got, "tensor " + i + (k == 0 ? " p" : k == 2 ? " m" : " v"));
                }
            }
        }
    }
}

package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.kernels.launch.Shim;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CudaBackend.binaryStrided (the general broadcast the Backend SPI is getting) on the shim device
 * against a plain loop: two-sided broadcasts, a gapped operand, rank 0, an output that is the input.
 */
class ShimBinaryStridedTest {
    static float[] reference(BinaryOp op, float[] a, float[] b, float[] out, int[] dims, int[] sa, int[] sb, boolean acc) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] e = out.clone();
        for (int i = 0; i < n; i++) {
            int rem = i, pa = 0, pb = 0;
            for (int k = dims.length - 1; k >= 0; k--) {
                int idx = rem % dims[k];
                rem /= dims[k];
                pa += idx * sa[k];
                pb += idx * sb[k];
            }
            float r = (float) op.apply(a[pa], b[pb]);
            e[i] = acc ? e[i] + r : r;
        }
        return e;
    }

    @Test
    void matchesTheLoopOnTwoSidedAndGappedBroadcasts() throws Exception {
        String problem = Shim.compilerProblem();
        assumeTrue(problem == null, problem);
        int[][][] cases = {{{3, 4}, {1, 0}, {0, 1}}, {{2, 3, 5}, {15, 5, 1}, {0, 1, 0}}, {{7}, {2}, {1}}, {{}, {}, {}}, {{2, 1, 4099}, {4099, 0, 1}, {0, 0, 1}}};
        Rng rng = new Rng(9);
        try (CudaBackend cuda = new CudaBackend(new CudaContext(new ShimDeviceApi(Shim.sharedLibrary()), false), false)) {
            for (int[][] c : cases) {
                for (BinaryOp op : BinaryOp.values()) {
                    for (boolean acc : new boolean[] {false, true}) {
                        int n = 1;
                        for (int d : c[0]) n *= d;
                        Tensor a = Tensor.uniform(rng, 0.5f, 2f, 9000), b = Tensor.uniform(rng, 0.5f, 2f, 9000), out = Tensor.uniform(rng, -1, 1, n);
                        float[] e = reference(op, a.toArray(), b.toArray(), out.toArray(), c[0], c[1], c[2], acc);
                        cuda.binaryStrided(out, op, a, b, c[0], c[1], c[2], acc);
                        float[] g = out.toArray();
                        for (int i = 0; i < n; i++) assertEquals(e[i], g[i], 1e-6f * (1 + Math.abs(e[i])), op + " dims " + java.util.Arrays.toString(c[0]) + " at " + i);
                    }
                }
            }
            // out may be a: the broadcast applied in place
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), v = Tensor.of(new float[] {10, 20, 30}, 3);
            cuda.binaryStrided(x, BinaryOp.ADD, x, v, new int[] {2, 3}, new int[] {3, 1}, new int[] {0, 1}, false);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, x.toArray());
        }
    }
}

package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CudaBackend's glue on the fake device: what it uploads, launches and downloads, the row-major to
 * cuBLAS mapping of GEMM (executed by the fake's column-major GEMM and compared with the CPU), and
 * that the scratch arena stops allocating. Kernels the tests need are emulated in Java.
 */
class CudaBackendFakeTest {
    private static FakeDeviceApi fake() {
        return new FakeDeviceApi()
                .emulate("fill_forward", (d, l) -> {
                    long out = (Long) l.args()[0];
                    float v = (Float) l.args()[1];
                    for (int i = 0; i < (Integer) l.args()[2]; i++) d.set(out, i, v);
                })
                .emulate("axpy_forward", (d, l) -> {
                    long y = (Long) l.args()[0], x = (Long) l.args()[2];
                    float a = (Float) l.args()[1];
                    for (int i = 0; i < (Integer) l.args()[3]; i++) d.set(y, i, d.get(y, i) + a * d.get(x, i));
                })
                .emulate("unary_forward", (d, l) -> { // SCALE only
                    long out = (Long) l.args()[0], x = (Long) l.args()[1];
                    float p = (Float) l.args()[4];
                    for (int i = 0; i < (Integer) l.args()[2]; i++) d.set(out, i, p * d.get(x, i));
                });
    }

    @Test
    void uploadsInputsLaunchesThenDownloadsOutputsOnOneStream() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3), y = Tensor.of(new float[] {10, 20, 30}, 3);
            dev.log.clear();
            cuda.axpy(y, 2f, x);
            assertArrayEquals(new float[] {12, 24, 36}, y.toArray());
            long s = cuda.context().stream();
            List<String> ops = dev.log.stream().filter(e -> !e.startsWith("mem")).toList();
            assertEquals(List.of("HtoD 3 stream " + s, "HtoD 3 stream " + s, "moduleLoad elementwise", "getFunction axpy_forward",
                    "launch axpy_forward stream " + s, "DtoH 3 stream " + s), ops);
        }
    }

    @Test
    void anOutputThatIsTheInputHasOneDeviceCopy() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.of(new float[] {1, -2, 3, 4, 5}, 5);
            cuda.unary(x, UnaryOp.SCALE, x, 3f);
            assertArrayEquals(new float[] {3, -6, 9, 12, 15}, x.toArray());
            FakeDeviceApi.Launch l = dev.launches.get(0);
            assertEquals(l.args()[0], l.args()[1]);
            assertEquals(1, dev.log.stream().filter(e -> e.startsWith("HtoD")).count());
        }
    }

    @Test
    void overwrittenOutputsAreNotUploaded() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor t = Tensor.zeros(2, 3);
            cuda.fill(t, 7f);
            assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, t.toArray());
            assertEquals(0, dev.log.stream().filter(e -> e.startsWith("HtoD")).count());
        }
    }

    @Test
    void viewsAreStagedFromTheirOffset() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor whole = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 6);
            cuda.fill(whole.flatView(2, 3), -1f);
            assertArrayEquals(new float[] {1, 2, -1, -1, -1, 6}, whole.toArray());
        }
    }

    @Test
    void scratchStopsAllocatingAfterTheLargestOp() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.ones(100_000), y = Tensor.zeros(100_000);
            cuda.axpy(y, 1f, x); // overflow allocations, then the one regrow at its reset
            long after = dev.allocCalls;
            for (int i = 0; i < 10; i++) {
                cuda.axpy(y, 1f, x);
                cuda.fill(x, 1f);
            }
            assertEquals(after, dev.allocCalls);
            assertEquals(11f, y.get(5));
            assertEquals(0, cuda.scratch().bytesInUse());
        }
        assertEquals(dev.allocCalls, dev.freeCalls);
    }

    @Test
    void gemmMapsRowMajorToCublasForEveryTransposeAndBatchStride() {
        Rng rng = new Rng(3);
        try (CpuBackend cpu = new CpuBackend(1); CudaBackend cuda = new CudaBackend(new CudaContext(fake(), false), false)) {
            int batch = 3, m = 5, n = 7, k = 4;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (long strideB : new long[] {0, (long) k * n}) { // 0 broadcasts B over the batch
                        Tensor a = Tensor.normal(rng, 0, 1, batch, m * k), b = Tensor.normal(rng, 0, 1, strideB == 0 ? 1 : batch, k * n);
                        Tensor c0 = Tensor.normal(rng, 0, 1, batch, m * n), c1 = c0.copyToHeap();
                        cpu.gemm(c0, a, b, batch, m, n, k, ta, tb, 0.5f, 0.25f, (long) m * k, strideB, (long) m * n);
                        cuda.gemm(c1, a, b, batch, m, n, k, ta, tb, 0.5f, 0.25f, (long) m * k, strideB, (long) m * n);
                        float[] e = c0.toArray(), g = c1.toArray();
                        for (int i = 0; i < e.length; i++) {
                            assertEquals(e[i], g[i], 1e-5f * (1 + Math.abs(e[i])), "transA=" + ta + " transB=" + tb + " strideB=" + strideB + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gemmWithBetaZeroDoesNotReadC() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor a = Tensor.ones(2, 3), b = Tensor.ones(3, 2), c = Tensor.full(Float.NaN, 2, 2);
            dev.log.clear();
            cuda.gemm(c, a, b, 1, 2, 2, 3, false, false, 1f, 0f, 0, 0, 0);
            assertArrayEquals(new float[] {3, 3, 3, 3}, c.toArray());
            assertEquals(2, dev.log.stream().filter(e -> e.startsWith("HtoD")).count()); // a and b only
            assertTrue(dev.log.contains("gemm NN m=2 n=2 k=3 lda=2 ldb=3 ldc=2 batch=1 stream " + cuda.context().stream()), dev.log.toString());
        }
    }

    @Test
    void binaryPassesTheBroadcastShapeAndOpCode() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor a = Tensor.ones(2, 3, 4), b = Tensor.ones(3), out = Tensor.zeros(2, 3, 4);
            cuda.binary(out, BinaryOp.RDIV, a, b, 3, 4, true);
            Object[] args = dev.launches.get(0).args();
            assertEquals(List.of(24, 3, 4, BinaryOp.RDIV.ordinal(), 1), List.of(args).subList(3, 8));
        }
    }
}

package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.UnaryOp;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CudaBackend's glue on the fake device: what it uploads, launches and downloads (tensors stay
 * resident between primitives; host reads and writes cross once), the row-major to cuBLAS mapping
 * of GEMM (executed by the fake's column-major GEMM and compared with the CPU), and that steady
 * state allocates nothing. Kernels the tests need are emulated in Java.
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
    void aViewIsWrittenAtItsOffset() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor whole = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 6);
            cuda.fill(whole.flatView(2, 3), -1f);
            assertArrayEquals(new float[] {1, 2, -1, -1, -1, 6}, whole.toArray());
        }
    }

    private static long count(FakeDeviceApi dev, String prefix) {
        return dev.log.stream().filter(e -> e.startsWith(prefix)).count();
    }

    @Test
    void tensorsStayOnTheDeviceBetweenPrimitivesAndComeDownOnceWhenRead() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.ones(1000), y = Tensor.zeros(1000);
            cuda.axpy(y, 1f, x);
            long allocs = dev.allocCalls;
            dev.log.clear();
            for (int i = 0; i < 10; i++) {
                cuda.axpy(y, 1f, x);
                cuda.unary(x, UnaryOp.SCALE, x, 1f);
            }
            assertEquals(0, count(dev, "HtoD"), dev.log.toString());
            assertEquals(0, count(dev, "DtoH"), dev.log.toString());
            assertEquals(allocs, dev.allocCalls, "steady state allocates nothing");
            DeviceMemory.Stats st = cuda.memoryStats();
            assertEquals(dev.totalBytes, st.deviceTotalBytes());
            assertEquals(dev.totalBytes - dev.bytesInUse, st.deviceFreeBytes(), "cuMemGetInfo in the stats");
            assertEquals(11f, y.get(5));
            assertArrayEquals(y.toArray(), y.toArray());
            assertEquals(1, count(dev, "DtoH"), "one download: the host copy is current afterwards");
            assertEquals(1f, x.get(0)); // x was written on the device too
            assertEquals(2, count(dev, "DtoH"));
        }
    }

    @Test
    void hostWritesAreUploadedBeforeTheNextDeviceRead() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.ones(4), y = Tensor.zeros(4);
            cuda.axpy(y, 1f, x);
            x.data()[x.offset() + 2] = 5f; // host code writes through data(): the device copy is stale
            dev.log.clear();
            cuda.axpy(y, 1f, x);
            assertEquals(1, count(dev, "HtoD"), dev.log.toString());
            assertArrayEquals(new float[] {2, 2, 6, 2}, y.toArray());
            y.data()[0] = -1f; // taking the array downloads first, so the other values are kept
            cuda.axpy(y, 1f, x);
            assertArrayEquals(new float[] {0, 3, 11, 3}, y.toArray());
        }
    }

    @Test
    void aViewSharesItsTensorsDeviceCopy() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor whole = Tensor.zeros(6);
            cuda.fill(whole, 2f);
            dev.log.clear();
            cuda.fill(whole.flatView(3, 3), 4f); // a partial write: the rest must survive, and the device copy is current
            assertArrayEquals(new float[] {2, 2, 2, 4, 4, 4}, whole.toArray());
            cuda.fill(whole.view(2, 3), 1f); // reading on the host left the device copy valid
            assertEquals(0, count(dev, "HtoD"), dev.log.toString());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, whole.toArray());
        }
    }

    @Test
    void arenaTensorsLiveInOneDeviceBufferPerChunkAtTheirHostOffsets() {
        FakeDeviceApi dev = fake();
        Arena arena = new Arena(false);
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            long firstChunkAllocs = -1;
            for (int round = 0; round < 3; round++) {
                try (Graph g = new Graph(cuda, arena, false)) {
                    Tensor a = g.full(3f, 10), b = g.zeros(10);
                    cuda.axpy(b, 2f, a);
                    long pa = (Long) dev.launches.get(dev.launches.size() - 1).args()[2];
                    long pb = (Long) dev.launches.get(dev.launches.size() - 1).args()[0];
                    assertEquals(4L * (b.offset() - a.offset()), pb - pa, "device offsets mirror the host arena's");
                    assertEquals(6f, b.get(9));
                    if (round == 0) firstChunkAllocs = dev.allocCalls;
                }
            }
            assertEquals(firstChunkAllocs, dev.allocCalls, "later graphs reuse the mirrored chunk");
            assertEquals(0, count(dev, "HtoD"), "arena memory no host code wrote is never uploaded: " + dev.log);
        }
    }

    @Test
    void closingBringsHeapTensorsHomeAndAnArenaTensorSaysWhereItsValuesWent() {
        FakeDeviceApi dev = fake();
        Arena arena = new Arena(false);
        Tensor y = Tensor.zeros(3);
        Graph g;
        Tensor onDevice;
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            cuda.fill(y, 7f);
            g = new Graph(cuda, arena, false);
            onDevice = g.full(1f, 3);
        }
        assertArrayEquals(new float[] {7, 7, 7}, y.toArray());
        assertEquals(dev.allocCalls, dev.freeCalls, "all device memory freed");
        IllegalStateException e = assertThrows(IllegalStateException.class, onDevice::toArray);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        g.close();
    }

    @Test
    void aHeapTensorsBufferGoesBackToThePoolWhenTheTensorIsCollected() throws InterruptedException {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            cuda.fill(Tensor.zeros(1000), 1f); // a batch-like tensor, dropped at once
            long allocs = dev.allocCalls;
            boolean reused = false;
            for (int i = 0; i < 50 && !reused; i++) { // the cleaner runs after a GC: retry until it has
                System.gc();
                Thread.sleep(20);
                cuda.fill(Tensor.zeros(1000), 1f);
                reused = dev.allocCalls == allocs;
                allocs = dev.allocCalls;
            }
            assertTrue(reused, "a collected tensor's buffer was never reused");
            assertEquals(DeviceMemory.bufferBytes(1000), cuda.memoryStats().reservedBytes() / cuda.memoryStats().deviceAllocations());
        }
    }

    @Test
    void geometryTablesAreUploadedOncePerContent() {
        FakeDeviceApi dev = fake();
        try (CudaBackend cuda = new CudaBackend(new CudaContext(dev, false), false)) {
            Tensor x = Tensor.ones(2, 3, 4), out = Tensor.zeros(4, 3, 2);
            for (int i = 0; i < 3; i++) cuda.permute(out, x, new int[] {2, 3, 4}, new int[] {2, 1, 0}, false);
            cuda.permute(out.view(3, 4, 2), x, new int[] {2, 3, 4}, new int[] {1, 2, 0}, false);
            assertEquals(2, count(dev, "HtoD ints"), dev.log.toString());
        }
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

package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.kernels.launch.ElementwiseKernels;
import org.umedpt.kernels.launch.SoftmaxKernels;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaContextTest {
    @Test
    void loadsEachModuleOnceAndCachesFunctions() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (CudaContext ctx = new CudaContext(dev, false)) {
            ElementwiseKernels.fill(ctx, 0x10, 1f, 10);
            ElementwiseKernels.fill(ctx, 0x10, 2f, 10);
            ElementwiseKernels.axpy(ctx, 0x10, 2f, 0x20, 10);
            SoftmaxKernels.forward(ctx, 0x30, 0x40, 3, 5, false);
            assertEquals(List.of("moduleLoad elementwise", "getFunction fill_forward", "getFunction axpy_forward", "moduleLoad softmax",
                    "getFunction softmax_forward"), dev.log.stream().filter(s -> s.startsWith("module") || s.startsWith("getF")).toList());
            assertEquals(4, ctx.launchCount());
        }
        assertEquals(0, dev.modules.size()); // unloaded on close
    }

    @Test
    void launchesCarryShapeStreamAndArguments() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (CudaContext ctx = new CudaContext(dev, false)) {
            SoftmaxKernels.forward(ctx, 0x30, 0x40, 7, 1000, true);
            FakeDeviceApi.Launch l = dev.launches.get(0);
            assertEquals("softmax_forward", l.kernel());
            assertArrayEquals(new int[] {7, 1, 1}, l.grid());
            assertArrayEquals(new int[] {256, 1, 1}, l.block());
            assertEquals(ctx.stream(), l.stream());
            assertArrayEquals(new Object[] {0x30L, 0x40L, 7, 1000, 1}, l.args());
        }
    }

    @Test
    void launchErrorsNameKernelGridAndBlock() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (CudaContext ctx = new CudaContext(dev, false)) {
            dev.failNextLaunch = 701;
            CudaException e = assertThrows(CudaException.class, () -> SoftmaxKernels.forward(ctx, 0x30, 0x40, 7, 1000, false));
            assertEquals("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (701) in cuLaunchKernel: kernel softmax_forward (softmax.cu) "
                    + "grid (7,1,1) block (256,1,1)", e.getMessage());
        }
    }

    @Test
    void debugSyncReportsAnAsynchronousErrorAgainstItsKernel() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (CudaContext ctx = new CudaContext(dev, true)) {
            ElementwiseKernels.fill(ctx, 0x10, 1f, 10);
            assertEquals("streamSynchronize " + ctx.stream(), dev.log.get(dev.log.size() - 1)); // a sync after every launch
            dev.failNextSync = 700;
            CudaException e = assertThrows(CudaException.class, () -> ElementwiseKernels.fill(ctx, 0x10, 1f, 4099));
            assertEquals(700, e.code());
            assertTrue(e.getMessage().startsWith("CUDA_ERROR_ILLEGAL_ADDRESS (700) in cuStreamSynchronize after the launch: "
                    + "kernel fill_forward (elementwise.cu) grid (17,1,1) block (256,1,1)"), e.getMessage());
        }
    }

    @Test
    void timingRecordsEventsAroundTheWorkOnTheStream() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (CudaContext ctx = new CudaContext(dev, false)) {
            float ms = ctx.timeMs(() -> ElementwiseKernels.fill(ctx, 0x10, 1f, 10));
            assertEquals(1.5f, ms);
            long s = ctx.stream();
            List<String> order = dev.log.stream().filter(x -> x.startsWith("event") || x.startsWith("launch")).toList();
            assertEquals(6, order.size());
            assertTrue(order.get(0).matches("eventRecord \\d+ stream " + s), order.toString());
            assertEquals("launch fill_forward stream " + s, order.get(1));
            assertTrue(order.get(2).matches("eventRecord \\d+ stream " + s), order.toString());
            assertTrue(order.get(3).startsWith("eventSynchronize"), order.toString());
        }
    }

    @Test
    void closeIsIdempotent() {
        FakeDeviceApi dev = new FakeDeviceApi();
        CudaContext ctx = new CudaContext(dev, false);
        ElementwiseKernels.fill(ctx, 0x10, 1f, 10);
        ctx.close();
        ctx.close();
        assertEquals(1, dev.closeCalls);
        assertThrows(IllegalStateException.class, () -> ElementwiseKernels.fill(ctx, 0x10, 1f, 10));
    }
}

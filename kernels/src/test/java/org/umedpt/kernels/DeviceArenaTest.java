package org.umedpt.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceArenaTest {
    @Test
    void bumpsAlignedOffsetsInOneAllocation() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (DeviceArena a = new DeviceArena(dev, 1 << 20)) {
            DeviceArena.Block b0 = a.allocate(4), b1 = a.allocate(1000), b2 = a.allocate(256);
            assertEquals(b0.ptr() + 256, b1.ptr());
            assertEquals(b1.ptr() + 1024, b2.ptr());
            assertEquals(256 + 1024 + 256, a.bytesInUse());
            assertEquals(1, a.deviceAllocations());
        }
        assertEquals(1, dev.freeCalls);
    }

    @Test
    void freedBlocksAreReusedBestFitAndTheRestKept() {
        try (DeviceArena a = new DeviceArena(new FakeDeviceApi(), 1 << 20)) {
            DeviceArena.Block big = a.allocate(4096), small = a.allocate(512);
            a.allocate(256);
            a.free(small);
            a.free(big);
            DeviceArena.Block r = a.allocate(300); // best fit: the 512 block, not the 4096 one
            assertEquals(small.ptr(), r.ptr());
            DeviceArena.Block r2 = a.allocate(1024); // from the 4096 block; its rest stays free
            assertEquals(big.ptr(), r2.ptr());
            assertEquals(big.ptr() + 1024, a.allocate(3072).ptr());
        }
    }

    @Test
    void resetIsAGenerationBumpAndStaleBlocksAreDetected() {
        try (DeviceArena a = new DeviceArena(new FakeDeviceApi(), 1 << 20)) {
            DeviceArena.Block b = a.allocate(100);
            a.checkAlive(b);
            a.reset();
            assertEquals(0, a.bytesInUse());
            var e = assertThrows(IllegalStateException.class, () -> a.checkAlive(b));
            assertTrue(e.getMessage().contains("generation 0, the arena is now at generation 1"), e.getMessage());
            assertEquals(b.ptr(), a.allocate(100).ptr()); // same memory again
        }
    }

    @Test
    void growsOnceToTheHighWaterThenAllocatesNothing() {
        FakeDeviceApi dev = new FakeDeviceApi();
        try (DeviceArena a = new DeviceArena(dev, 0)) {
            for (int step = 0; step < 5; step++) {
                a.allocate(3 << 20);
                a.allocate(1 << 20);
                a.reset();
            }
            // step 0: two overflow allocations, then one regrow; steps 1-4: none
            assertEquals(3, a.deviceAllocations());
            assertEquals(4L << 20, a.highWaterBytes());
            assertTrue(a.reservedBytes() >= a.highWaterBytes());
            long before = dev.allocCalls;
            a.allocate(4 << 20);
            assertEquals(before, dev.allocCalls);
        }
        assertEquals(dev.allocCalls, dev.freeCalls);
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        FakeDeviceApi dev = new FakeDeviceApi();
        DeviceArena a = new DeviceArena(dev, 4096);
        a.close();
        a.close();
        assertEquals(1, dev.freeCalls);
        assertThrows(IllegalStateException.class, () -> a.allocate(1));
    }
}

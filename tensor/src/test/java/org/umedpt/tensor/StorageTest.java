package org.umedpt.tensor;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.memory.Arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host side of device residency: which tensor operations download, which mark a device copy
 * stale, and that views and handed-on gradient blocks share one storage. A "device" here is an
 * array standing in for device memory.
 */
class StorageTest {
    /** A device copy held in a Java array; counts downloads. */
    static final class ArrayDevice implements Storage.DeviceCopy {
        final float[] values;
        int downloads;

        /** Starts as an upload of the host values. */
        ArrayDevice(Storage s) {
            values = java.util.Arrays.copyOfRange(s.array(), s.base(), s.base() + s.length());
        }

        @Override
        public void download(Storage s) {
            System.arraycopy(values, 0, s.array(), s.base(), s.length());
            downloads++;
        }

        /** What a device kernel does: write, then tell the storage. */
        void write(Storage s, int i, float v) {
            values[i] = v;
            s.deviceWritten();
        }
    }

    @Test
    void readsDownloadOnceAndKeepTheDeviceCopyValid() {
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
        Storage s = t.storage();
        ArrayDevice d = new ArrayDevice(s);
        s.attach(d);
        assertTrue(s.deviceStale(), "a heap tensor's device copy starts stale: its values are on the host");
        s.deviceSynced();
        d.write(s, 1, 20f);
        assertTrue(s.hostStale());
        assertArrayEquals(new float[] {1, 20, 3}, t.toArray());
        assertEquals(20f, t.get(1));
        assertEquals(1, d.downloads);
        assertFalse(s.deviceStale(), "reading leaves the device copy valid");
        assertFalse(t.toString().contains("on the device"), t.toString());
    }

    @Test
    void takingTheArrayDownloadsThenMarksTheDeviceCopyStale() {
        Tensor t = Tensor.zeros(4);
        Storage s = t.storage();
        ArrayDevice d = new ArrayDevice(s);
        s.attach(d);
        s.deviceSynced();
        d.write(s, 3, 7f);
        assertTrue(t.toString().contains("on the device"), t.toString());
        float[] a = t.data();
        assertEquals(7f, a[t.offset() + 3]);
        assertTrue(s.deviceStale(), "the caller may write: the device must upload before its next read");
        assertFalse(s.hostStale());
        float[] r = t.readOnlyData();
        assertSame(a, r);
        assertEquals(1, d.downloads);
    }

    @Test
    void viewsAndHandedOnBlocksShareTheStorage() {
        try (CpuBackend cpu = new CpuBackend(1); Graph g = new Graph(cpu, new Arena(false))) {
            Tensor t = g.zeros(2, 3);
            assertSame(t.storage(), t.view(3, 2).storage());
            assertSame(t.storage(), t.flatView(2, 3).storage());
            assertTrue(t.storage().inArena());
            assertEquals(t.offset(), t.storage().base());
            assertEquals(6, t.storage().length());
            Tensor grad = g.zeros(2, 3);
            Storage st = grad.storage();
            assertSame(st, grad.takeBlockAs(new int[] {6}).storage(), "a gradient handed on keeps its device copy");
            Tensor heap = Tensor.zeros(5);
            assertFalse(heap.storage().inArena());
            assertSame(heap.storage(), heap.flatView(1, 2).storage());
        }
    }

    @Test
    void arenaMemoryNoHostCodeWroteNeedsNoUpload() {
        try (CpuBackend cpu = new CpuBackend(1); Graph g = new Graph(cpu, new Arena(false))) {
            Tensor fresh = g.empty(8);
            fresh.storage().attach(new ArrayDevice(fresh.storage()));
            assertFalse(fresh.storage().deviceStale(), "undefined on both sides: nothing to upload");
            Tensor written = g.of(new float[] {1, 2}, 2);
            written.storage().attach(new ArrayDevice(written.storage()));
            assertTrue(written.storage().deviceStale(), "host-written arena memory is uploaded");
        }
    }

    @Test
    void attachingElsewhereBringsTheNewerValuesHomeFirst() {
        Tensor t = Tensor.zeros(2);
        Storage s = t.storage();
        ArrayDevice first = new ArrayDevice(s);
        s.attach(first);
        s.deviceSynced();
        first.write(s, 0, 5f);
        ArrayDevice second = new ArrayDevice(s);
        s.attach(second);
        assertEquals(1, first.downloads);
        assertTrue(s.deviceStale());
        assertArrayEquals(new float[] {5, 0}, t.toArray());
        s.detach();
        assertEquals(null, s.device());
    }

    @Test
    void arenaValuesThatCameFromOneDeviceAreUploadedToTheNext() {
        try (CpuBackend cpu = new CpuBackend(1); Graph g = new Graph(cpu, new Arena(false))) {
            Tensor t = g.empty(3);
            Storage s = t.storage();
            ArrayDevice first = new ArrayDevice(s);
            s.attach(first);
            assertFalse(s.deviceStale(), "fresh arena memory: nothing to upload");
            first.write(s, 1, 9f);  // a kernel on the first backend
            t.data();                // host code takes the array (a download)
            s.attach(new ArrayDevice(s)); // a second backend
            assertTrue(s.deviceStale(), "the values now live on the host and must be uploaded");
        }
    }
}

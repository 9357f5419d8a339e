package org.umedpt.tensor;

/**
 * The memory behind one allocation and its views: a window {@code [base, base + length)} of a host
 * array and, once a device backend has used it, that backend's copy of the window. It records which
 * side holds the newest values, so that a tensor lives on the device across primitives and crosses
 * to the host only when host code touches it.
 *
 * <p>The rules, for a storage with a device copy:
 * <ul>
 *   <li>host code reading values ({@link Tensor#toArray}, {@code get}, {@code item}) first downloads
 *       them if the device is newer;</li>
 *   <li>host code taking the array ({@link Tensor#data()}, which may write) downloads likewise and
 *       then marks the device copy stale, so the next device use uploads it again;</li>
 *   <li>a device backend uploads before reading a stale copy, and marks the host stale after
 *       writing ({@link #deviceWritten}).</li>
 * </ul>
 * A storage without a device copy costs one null check per {@link Tensor#data()}: the CPU backend
 * never sees any of this.
 */
public final class Storage {
    /** A device backend's copy of a storage's window. */
    public interface DeviceCopy {
        /** Copies the device values of the window into the host array, after pending device work. */
        void download(Storage s);
    }

    private final float[] array;
    private final int base;
    private final int length;
    private final boolean inArena;
    private DeviceCopy device;
    private volatile boolean hostStale;
    private boolean deviceStale;
    private boolean hostTouched; // the host array holds values (host code took it, or a download filled it)

    Storage(float[] array, int base, int length, boolean inArena) {
        this.array = array;
        this.base = base;
        this.length = length;
        this.inArena = inArena;
    }

    /** The host array (for device backends' copies; host code uses {@link Tensor#data()}). */
    public float[] array() {
        return array;
    }

    /** Index of the window's first element in {@link #array()}. */
    public int base() {
        return base;
    }

    /** Elements in the window. */
    public int length() {
        return length;
    }

    /** True for a window of a graph arena's chunk (the array is the chunk); false for a heap tensor's own array. */
    public boolean inArena() {
        return inArena;
    }

    /** The device copy, or null while the values have only been on the host. */
    public DeviceCopy device() {
        return device;
    }

    /** True when the device copy is older than the host array (must be uploaded before a device read). */
    public boolean deviceStale() {
        return deviceStale;
    }

    /** True when the device copy is newer than the host array. */
    public boolean hostStale() {
        return hostStale;
    }

    /**
     * Gives this storage a device copy, stale (to be uploaded before a device read) unless the window
     * is arena memory that host code never took, whose contents are undefined on both sides. A copy
     * held before, by this or another backend, is first downloaded if it was the newer side.
     */
    public void attach(DeviceCopy copy) {
        toHost();
        device = copy;
        deviceStale = hostTouched || !inArena;
    }

    /** Forgets the device copy after downloading it if newer (its backend is closing). */
    public void detach() {
        toHost();
        device = null;
        deviceStale = false;
    }

    /** The device copy now equals the host array (just uploaded, or just overwritten whole on the device). */
    public void deviceSynced() {
        deviceStale = false;
    }

    /** A device kernel wrote (part of) the window: the host array is stale. */
    public void deviceWritten() {
        hostStale = true;
    }

    /** Before a host read: brings the host array up to date. */
    void hostRead() {
        if (hostStale) toHost();
    }

    /** Before host code takes the array (it may write): up to date, and the device copy stale. */
    void hostAccess() {
        if (device != null) {
            if (hostStale) toHost();
            deviceStale = true;
        }
        if (!hostTouched) hostTouched = true;
    }

    private synchronized void toHost() {
        if (hostStale) {
            device.download(this);
            hostStale = false;
            hostTouched = true; // a copy attached later (another backend) must upload these values
        }
    }
}

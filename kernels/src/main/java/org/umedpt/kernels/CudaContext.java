package org.umedpt.kernels;

import org.umedpt.kernels.launch.Kernel;
import org.umedpt.kernels.launch.KernelArgs;
import org.umedpt.kernels.launch.LaunchConfig;
import org.umedpt.kernels.launch.Launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * One device as the backend sees it: the device API, one stream, the fatbin modules (loaded from
 * the classpath on first use) and their functions (cached here, never in statics). With
 * {@code syncAfterLaunch} (a debug option) every launch is followed by a stream synchronisation,
 * so an asynchronous error is reported against the kernel that caused it.
 */
public final class CudaContext implements Launcher, AutoCloseable {
    /** Classpath folder of the fatbins built by {@code kernels/build-fatbins.sh}. */
    public static final String FATBIN_DIR = "/org/umedpt/kernels/fatbin/";

    private final DeviceApi api;
    private final boolean syncAfterLaunch;
    private final long stream;
    private final Map<String, Long> modules = new HashMap<>();
    private final Map<Kernel, Long> functions = new HashMap<>();
    private long launches;
    private boolean closed;

    public CudaContext(DeviceApi api, boolean syncAfterLaunch) {
        this.api = api;
        this.syncAfterLaunch = syncAfterLaunch;
        this.stream = api.streamCreate();
    }

    public DeviceApi api() {
        return api;
    }

    public long stream() {
        return stream;
    }

    public boolean syncAfterLaunch() {
        return syncAfterLaunch;
    }

    /** Launches so far (for tests and stats). */
    public long launchCount() {
        return launches;
    }

    @Override
    public void launch(LaunchConfig c, KernelArgs args) {
        checkOpen();
        Kernel k = args.kernel();
        Object[] packed = args.packed();
        String describe = "kernel " + k.name() + " (" + k.file() + ".cu) " + c.describe();
        api.launch(function(k), c.gridX(), c.gridY(), c.gridZ(), c.blockX(), c.blockY(), c.blockZ(), c.sharedBytes(), stream, packed,
                describe);
        launches++;
        if (syncAfterLaunch) {
            try {
                api.streamSynchronize(stream);
            } catch (CudaException e) {
                throw new CudaException(e.code(), e.errorName(), "cuStreamSynchronize after the launch", describe);
            }
        }
    }

    /** The kernel's function, loading its module on first use. */
    long function(Kernel k) {
        Long f = functions.get(k);
        if (f == null) {
            long module = modules.computeIfAbsent(k.file(), this::loadModule);
            f = api.moduleGetFunction(module, k.name());
            functions.put(k, f);
        }
        return f;
    }

    private long loadModule(String file) {
        String path = FATBIN_DIR + file + ".fatbin";
        try (InputStream in = CudaContext.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("fatbin resource " + path + " is missing from the classpath; rebuild it with "
                        + "kernels/build-fatbins.sh " + file);
            }
            return api.moduleLoad(file, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fatbin resource " + path, e);
        }
    }

    /** Waits for this context's stream. */
    public void synchronize() {
        api.streamSynchronize(stream);
    }

    /** Milliseconds the device spent on {@code work}'s launches (events around it on the stream). */
    public float timeMs(Runnable work) {
        long start = api.eventCreate(), end = api.eventCreate();
        try {
            api.eventRecord(start, stream);
            work.run();
            api.eventRecord(end, stream);
            api.eventSynchronize(end);
            return api.eventElapsedMs(start, end);
        } finally {
            api.eventDestroy(start);
            api.eventDestroy(end);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CudaContext is closed");
    }

    /** Unloads the modules, destroys the stream and closes the device API. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            api.streamSynchronize(stream);
            for (long m : modules.values()) api.moduleUnload(m);
            modules.clear();
            functions.clear();
            api.streamDestroy(stream);
        } finally {
            api.close();
        }
    }
}

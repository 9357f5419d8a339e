package org.umedpt.tensor;

import org.umedpt.tensor.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A backend found at run time through {@link ServiceLoader} ({@code META-INF/services/org.umedpt.tensor.BackendProvider}),
 * so that {@code tensor} never depends on the module that provides it (the CUDA backend lives in
 * {@code kernels}). A provider is cheap to construct: it must not touch native libraries until
 * {@link #open} is called.
 */
public interface BackendProvider {

    /** The device name users select it by, e.g. {@code cuda} ({@code --device cuda}). */
    String name();

    /** Opens a backend; {@code threads} is a hint (host threads for CPU work). */
    Backend open(int threads);

    /**
     * Opens a backend with an option, the part after the colon in {@code --device name:option}
     * (empty: none). Providers without options refuse one.
     */
    default Backend openWith(String option, int threads) {
        if (!option.isEmpty()) throw new IllegalArgumentException("device " + name() + " takes no option, got '" + option + "'");
        return open(threads);
    }

    /**
     * Opens the backend named {@code device}, {@code name} or {@code name:option}: {@code cpu}
     * (built in) or any provider on the class path, e.g. {@code cuda:bf16}.
     *
     * @throws IllegalArgumentException when no provider has that name (the message lists those found)
     */
    static Backend open(String device, int threads) {
        int colon = device.indexOf(':');
        String name = colon < 0 ? device : device.substring(0, colon), option = colon < 0 ? "" : device.substring(colon + 1);
        if (name.equals("cpu")) {
            if (!option.isEmpty()) throw new IllegalArgumentException("device cpu takes no option, got '" + option + "'");
            return new CpuBackend(threads);
        }
        List<String> names = new ArrayList<>(List.of("cpu"));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(name)) return p.openWith(option, threads);
            names.add(p.name());
        }
        throw new IllegalArgumentException("unknown device '" + device + "': available " + names
                + (name.equals("cuda") ? " (the CUDA backend is in the kernels module; is it on the class path?)" : ""));
    }
}

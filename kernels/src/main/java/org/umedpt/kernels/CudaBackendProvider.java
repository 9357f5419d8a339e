package org.umedpt.kernels;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;

/**
 * Registers {@code cuda} with {@link BackendProvider} (META-INF/services). Constructing it loads
 * nothing; {@link #open} loads JavaCPP and the CUDA libraries, and turns a missing library or
 * device into one {@link CudaUnavailableException}. Device 0, TF32 GEMMs (PyTorch's default for
 * the peer benchmark), no sync after launches.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Backend open(int threads) {
        return CudaBackend.open(0, true, false);
    }
}

package org.umedpt.kernels;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;

/**
 * Registers {@code cuda} with {@link BackendProvider} (META-INF/services). Constructing it loads
 * nothing; {@link #open} loads JavaCPP and the CUDA libraries, and turns a missing library or
 * device into one {@link CudaUnavailableException}. Device 0, no sync after launches; GEMMs in
 * TF32 (PyTorch's {@code allow_tf32}, as the peer benchmark) unless the option says otherwise:
 * {@code cuda:fp32}, {@code cuda:tf32}, {@code cuda:bf16} ({@link GemmPrecision}).
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Backend open(int threads) {
        return openWith("", threads);
    }

    @Override
    public Backend openWith(String option, int threads) {
        GemmPrecision precision = option.isEmpty() ? GemmPrecision.TF32 : GemmPrecision.parse(option);
        return CudaBackend.open(0, precision, false);
    }
}

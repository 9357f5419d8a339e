package org.umedpt.kernels;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUDA backend is registered with ServiceLoader, and finding it loads no native code. */
class CudaBackendProviderTest {
    @Test
    void cudaIsRegisteredAndCpuIsBuiltIn() {
        boolean found = ServiceLoader.load(BackendProvider.class).stream().anyMatch(p -> p.type() == CudaBackendProvider.class);
        assertTrue(found, "CudaBackendProvider missing from META-INF/services/org.umedpt.tensor.BackendProvider");
        try (Backend cpu = BackendProvider.open("cpu", 1)) {
            assertEquals("cpu", cpu.name());
        }
    }

    @Test
    void anUnknownDeviceListsTheAvailableOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> BackendProvider.open("tpu", 1));
        assertEquals("unknown device 'tpu': available [cpu, cuda]", e.getMessage());
    }

    @Test
    void aDeviceOptionIsParsedBeforeAnythingLoads() {
        var e = assertThrows(IllegalArgumentException.class, () -> BackendProvider.open("cuda:fp16", 1));
        assertEquals("unknown GEMM precision 'fp16': expected fp32, tf32 or bf16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BackendProvider.open("cpu:bf16", 1));
        assertEquals("device cpu takes no option, got 'bf16'", e.getMessage());
        assertEquals(GemmPrecision.BF16, GemmPrecision.parse("BF16"));
    }
}

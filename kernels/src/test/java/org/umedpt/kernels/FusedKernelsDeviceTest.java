package org.umedpt.kernels;

import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@link FusedKernelCases} on the CUDA device; skips with the reason where there is none (kernels/gpu-check.sh runs it). */
@Tag("cuda")
class FusedKernelsDeviceTest extends FusedKernelCases {
    @Override
    void openDevice() {
        boolean node = Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/nvidia0"));
        if (!node && !"1".equals(System.getenv("UMEDPT_CUDA"))) {
            unavailable = "no CUDA device (no /dev/nvidiactl; set UMEDPT_CUDA=1 to try anyway); run kernels/gpu-check.sh on a GPU machine";
            return;
        }
        try {
            ctx = new CudaContext(JavaCppDeviceApi.open(0), true);
        } catch (CudaUnavailableException e) {
            unavailable = e.getMessage();
        }
    }
}

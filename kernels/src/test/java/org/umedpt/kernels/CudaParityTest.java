package org.umedpt.kernels;

import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link BackendParityCases} on the CUDA device (JavaCPP), launches synchronised one by one so that
 * a failure names its kernel. Skips with the reason where there is no device; run by
 * {@code kernels/gpu-check.sh}.
 */
@Tag("cuda")
class CudaParityTest extends BackendParityCases {
    @Override
    void openDevice() {
        // Without a device node, do not even load JavaCPP (CI); UMEDPT_CUDA=1 (gpu-check.sh) tries regardless
        boolean node = Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/nvidia0"));
        if (!node && !"1".equals(System.getenv("UMEDPT_CUDA"))) {
            unavailable = "no CUDA device (no /dev/nvidiactl; set UMEDPT_CUDA=1 to try anyway); these tests run on a GPU machine: "
                    + "kernels/gpu-check.sh";
            return;
        }
        try {
            cuda = CudaBackend.open(0, GemmPrecision.FP32, true);
            cudaTf32 = CudaBackend.open(0, GemmPrecision.TF32, true);
            cudaBf16 = CudaBackend.open(0, GemmPrecision.BF16, true);
        } catch (CudaUnavailableException e) {
            unavailable = e.getMessage();
        }
    }
}

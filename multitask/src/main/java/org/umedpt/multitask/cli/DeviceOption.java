package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.cpu.CpuBackend;

/**
 * {@code --device cpu|cuda}: the backend a command runs on. Only the CPU backend exists today;
 * {@code cuda} is refused with a clear message rather than silently running on the CPU.
 */
final class DeviceOption {
    private DeviceOption() {}

    static Backend open(String device, int threads) {
        if (threads < 0) throw new InputException("--threads must be >= 0 (0 = all cores), got " + threads);
        switch (device) {
            case "cpu":
                return threads > 0 ? new CpuBackend(threads) : new CpuBackend();
            case "cuda":
                throw new InputException("--device cuda: not available in this build (no CUDA backend yet); use --device cpu");
            default:
                throw new InputException("--device: expected cpu or cuda, got '" + device + "'");
        }
    }
}

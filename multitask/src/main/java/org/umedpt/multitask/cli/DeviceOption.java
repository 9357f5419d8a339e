package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;

/**
 * {@code --device cpu|cuda}: the backend a command runs on, found by name ({@link BackendProvider}).
 * A CUDA backend that cannot start (no library, no device) is one message naming what is missing.
 */
final class DeviceOption {
    private DeviceOption() {}

    /** @param threads compute threads (0 = all cores); for cuda, the host threads of its CPU fallbacks */
    static Backend open(String device, int threads) {
        if (threads < 0) throw new InputException("--threads must be >= 0 (0 = all cores), got " + threads);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return InputException.reading("--device " + device, () -> BackendProvider.open(device, t));
    }
}

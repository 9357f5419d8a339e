package org.umedpt.kernels.launch;

/** What a kernel launcher needs: launch a kernel of a loaded fatbin on the current stream. */
public interface Launcher {
    void launch(LaunchConfig config, KernelArgs args);
}

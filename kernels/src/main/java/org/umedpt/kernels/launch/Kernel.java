package org.umedpt.kernels.launch;

/**
 * One {@code extern "C" __global__} function: the {@code .cu} file (= fatbin resource) it lives in,
 * its name, and its parameter signature, one letter per parameter in order: {@code p} a device
 * pointer (any {@code T*}), {@code i} an {@code int}, {@code f} a {@code float}.
 * {@code KernelSignatureTest} parses the CUDA sources and checks every declared signature, so a
 * launcher cannot pack arguments a kernel does not take.
 */
public record Kernel(String file, String name, String signature) {
    public Kernel {
        if (!signature.matches("[pif]*")) throw new IllegalArgumentException("Kernel " + name + ": bad signature " + signature);
    }
}

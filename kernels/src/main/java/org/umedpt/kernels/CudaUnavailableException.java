package org.umedpt.kernels;

/**
 * CUDA cannot be used on this machine: a library is missing or there is no device. One message
 * says which and how to fix it; it is thrown when a CUDA backend is asked for, never at class load.
 */
public final class CudaUnavailableException extends org.umedpt.tensor.BackendUnavailableException {
    /** How to get the CUDA 13 libraries the JavaCPP presets link against. */
    public static final String HOW_TO_GET_LIBRARIES =
            "install CUDA 13 (driver 580 or newer provides libcuda.so.1; the toolkit provides libcudart.so.13, "
                    + "libcublas.so.13 and libcublasLt.so.13 in /usr/local/cuda/lib64), or point LD_LIBRARY_PATH at PyTorch's "
                    + "CUDA 13 wheels: export LD_LIBRARY_PATH=$(python3 -c 'import nvidia; print(nvidia.__path__[0])')"
                    + "/cu13/lib:$LD_LIBRARY_PATH";

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A native library could not be loaded; {@code library} is its soname when known. */
    static CudaUnavailableException missingLibrary(String library, Throwable cause) {
        return new CudaUnavailableException("CUDA backend unavailable: cannot load " + library + " ("
                + rootMessage(cause) + "). To get it: " + HOW_TO_GET_LIBRARIES, cause);
    }

    static CudaUnavailableException noDevice(String detail) {
        return new CudaUnavailableException("CUDA backend unavailable: no CUDA device (" + detail + "). The libraries "
                + "loaded, but the driver sees no GPU: check nvidia-smi, CUDA_VISIBLE_DEVICES and that the NVIDIA driver "
                + "(580 or newer for CUDA 13) is installed; use --device cpu to run on the CPU.", null);
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        return r.getClass().getSimpleName() + ": " + r.getMessage();
    }
}

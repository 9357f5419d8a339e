/**
 * The CUDA backend: {@link org.umedpt.kernels.CudaBackend} over a small device API
 * ({@link org.umedpt.kernels.DeviceApi}: the driver calls the engine uses, and cuBLAS), implemented
 * with JavaCPP's CUDA 13 presets ({@link org.umedpt.kernels.JavaCppDeviceApi}) and, in tests, by a
 * fake. Kernels are CUDA C in {@code kernels/src/main/cuda}, shipped as fatbins (resources under
 * {@code org/umedpt/kernels/fatbin}); their launchers, argument signatures and launch shapes are in
 * {@link org.umedpt.kernels.launch}.
 *
 * <p>Only this module imports {@code org.bytedeco}, and only {@code JavaCppDeviceApi} touches it:
 * nothing loads JavaCPP until a CUDA device is asked for ({@link org.umedpt.kernels.CudaBackendProvider}).
 *
 * <p>To add a kernel: write it in a {@code .cu} file (header comment: what, shapes, launch), test
 * it under the shim ({@code kernels/src/test/cuda/NAME_test.cpp}), run {@code kernels/build-fatbins.sh},
 * declare it with its signature in the file's {@code XxxKernels} launcher (KernelSignatureTest
 * checks the signature against the source), and call it from {@code CudaBackend}.
 */
package org.umedpt.kernels;

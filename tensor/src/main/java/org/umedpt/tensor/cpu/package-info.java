/**
 * The pure-Java CPU backend: {@link org.umedpt.tensor.cpu.CpuBackend}, its packed GEMM, and one
 * package-private class of kernels per primitive family (elementwise, reductions, normalisation,
 * window attention, layout, images, and the direct 3×3 convolutions: the band kernels and
 * Winograd) to which CpuBackend delegates.
 * <p>The only package that imports {@code jdk.incubator.vector}; run with
 * {@code --add-modules jdk.incubator.vector -XX:-TieredCompilation} (the launcher, Surefire and
 * JMH do). Vector code rule learnt the hard way: keep every {@code FloatVector} inside one method;
 * passing vectors to a helper that C2 does not inline makes it box them on the heap (10× slower),
 * and so does a method of more than a few dozen vector operations (C2's inlining budget): check
 * with JFR allocation samples (DESIGN-NOTES, "Vector API pitfalls"). Never produce subnormal floats
 * in a hot path: x86 computes each one in a ~100-cycle assist (DESIGN-NOTES, "Subnormals").
 */
package org.umedpt.tensor.cpu;

/**
 * The pure-Java CPU backend: {@link org.umedpt.tensor.cpu.CpuBackend}, its packed GEMM, and one
 * package-private class of kernels per primitive family (elementwise, reductions, normalisation,
 * window attention, layout, images) to which CpuBackend delegates.
 * <p>The only package that imports {@code jdk.incubator.vector}; run with
 * {@code --add-modules jdk.incubator.vector -XX:-TieredCompilation} (the launcher, Surefire and
 * JMH do). Vector code rule learnt the hard way: keep every {@code FloatVector} inside one method;
 * passing vectors to a helper that C2 does not inline makes it box them on the heap (10× slower).
 */
package org.umedpt.tensor.cpu;

/**
 * The tensor core: {@link org.umedpt.tensor.Tensor} (float32, contiguous, row-major), the
 * {@link org.umedpt.tensor.Graph} tape with its arena, the {@link org.umedpt.tensor.Backend}
 * primitive list, and the {@link org.umedpt.tensor.Ops} facade over the differentiable ops.
 *
 * <h2>How to add an op</h2>
 * <ol>
 *   <li>Compose it from existing ops if you can (focal loss, window partition and cross-entropy
 *       are compositions): autograd then derives its gradient, and there is nothing else to add.</li>
 *   <li>Otherwise write one class in {@code org.umedpt.tensor.autograd} holding its shape checks,
 *       forward and backward, with the derivative formula in its javadoc; validate at entry with
 *       messages of the form {@code op: what: expected vs actual (shapes)}; allocate outputs with
 *       {@code g.empty(...)} and record the backward with {@code g.record(...)}; accumulate into
 *       {@code g.gradFor(input)}.</li>
 *   <li>If it needs a new primitive, add it to {@link org.umedpt.tensor.Backend} (outputs first,
 *       {@code dX} outputs accumulate) and to every backend, with a scalar reference beside any
 *       vectorised loop in the CPU backend.</li>
 *   <li>Test: a finite-difference check in {@code OpsGradTest}, and, where PyTorch has the op, a
 *       golden case in {@code tools/goldens/make_goldens.py} read by {@code GoldenParityTest}.</li>
 *   <li>Add a dispatching method to {@link org.umedpt.tensor.Ops}.</li>
 * </ol>
 */
package org.umedpt.tensor;

package org.umedpt.tensor;

import org.umedpt.tensor.memory.Arena;

import java.util.ArrayList;
import java.util.List;

/**
 * One forward/backward computation: a tape of recorded ops and the arena that holds every tensor
 * created while it is open. Open it with try-with-resources; {@link #close()} resets the arena in
 * O(1), so nothing of this graph survives and the next graph reuses the memory.
 *
 * <pre>{@code
 * try (Graph g = new Graph(backend, arena)) {
 *     Tensor loss = Ops.mean(g, Ops.square(g, Ops.matmul(g, x, w)));
 *     g.backward(loss);          // w.grad() += dloss/dw  (a heap buffer: survives the graph)
 * }                              // arena reset: x·w and every other intermediate is gone
 * }</pre>
 *
 * <p>Grad mode is a property of the graph, never a thread-local: a graph made with
 * {@code gradEnabled = false} records nothing, and {@link #noGrad()} turns recording off for a scope.
 * Op authors use {@link #empty}, {@link #zeros}, {@link #record} and {@link #gradFor}.
 */
public final class Graph implements AutoCloseable {
    /** The derivative of one recorded op: reads {@code dOut} and accumulates into its inputs' grads. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor dOut);
    }

    private record Node(String op, Tensor out, Backward backward) {}

    private final Backend backend;
    private final Arena arena;
    private final List<Node> tape = new ArrayList<>();
    private boolean gradEnabled;
    private boolean closed;
    private boolean backwardDone;

    /** A graph that records ops for backward. */
    public Graph(Backend backend, Arena arena) {
        this(backend, arena, true);
    }

    public Graph(Backend backend, Arena arena, boolean gradEnabled) {
        if (backend == null || arena == null) throw new IllegalArgumentException("Graph: backend and arena are required");
        arena.claim("a new Graph");
        this.backend = backend;
        this.arena = arena;
        this.gradEnabled = gradEnabled;
    }

    public Backend backend() {
        return backend;
    }

    public Arena arena() {
        return arena;
    }

    public boolean gradEnabled() {
        return gradEnabled;
    }

    /** Number of recorded ops. */
    public int tapeLength() {
        return tape.size();
    }

    /** A scope in which nothing is recorded (evaluation); closing it restores the previous mode. */
    public NoGrad noGrad() {
        checkOpen();
        boolean previous = gradEnabled;
        gradEnabled = false;
        return () -> gradEnabled = previous;
    }

    /** The scope returned by {@link #noGrad()}. */
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }

    // ---------------------------------------------------------------- allocation

    /** An arena tensor whose contents are undefined: only for outputs a kernel overwrites fully. */
    public Tensor empty(int... shape) {
        checkOpen();
        return new Tensor(shape, arena, arena.allocate(Shape.size(shape)));
    }

    public Tensor zeros(int... shape) {
        Tensor t = empty(shape);
        backend.fill(t, 0f);
        return t;
    }

    /** An arena copy of {@code values} (e.g. a batch of data). */
    public Tensor of(float[] values, int... shape) {
        Tensor t = empty(shape);
        if (values.length != t.size()) {
            throw new IllegalArgumentException("Graph.of: " + values.length + " values for shape " + Shape.str(shape));
        }
        System.arraycopy(values, 0, t.data(), t.offset(), values.length);
        return t;
    }

    public Tensor full(float value, int... shape) {
        Tensor t = empty(shape);
        backend.fill(t, value);
        return t;
    }

    /**
     * Returns an arena tensor's memory before the graph closes, for reuse by the next allocation of
     * the same size. For op authors, for temporaries of a backward pass (e.g. a recomputed im2col
     * buffer); the tensor must not be used again. Views and heap tensors are ignored.
     */
    public void release(Tensor t) {
        if (t.block() != null && t.arena() == arena) {
            t.checkAlive();
            arena.free(t.block());
        }
    }

    // ---------------------------------------------------------------- autograd

    /** True when an op on these inputs must be recorded: grad is on and some input needs a gradient. */
    public boolean needsGrad(Tensor... inputs) {
        if (!gradEnabled) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /**
     * Records {@code out = op(inputs)} if any input requires a gradient; marks {@code out} as requiring
     * one. Returns {@code out}.
     */
    public Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        checkOpen();
        if (needsGrad(inputs)) {
            out.requiresGrad(true);
            out.markOpOutput();
            tape.add(new Node(op, out, backward));
        }
        return out;
    }

    /**
     * The gradient buffer of {@code t}, created as zeros on first use. A leaf keeps its gradient where
     * it lives (a parameter's on the heap, so it accumulates across graphs); an op output's gradient is
     * an arena tensor. Backward functions accumulate into it ({@code +=}).
     */
    public Tensor gradFor(Tensor t) {
        Tensor gr = t.grad();
        if (gr != null) {
            gr.checkAlive();
            return gr;
        }
        if (gradientInArena(t)) {
            gr = zeros(t.shape());
        } else {
            gr = Tensor.zeros(t.shape());
            backend.fill(gr, 0f); // zeroed by the backend too: a device backend then need not upload the host's zeros
        }
        t.setGrad(gr);
        return gr;
    }

    /**
     * The derivative of a view op (reshape): {@code in}'s gradient is {@code out}'s under
     * {@code in}'s shape. When {@code in} has no gradient yet and {@code out}'s owns an arena block,
     * the block changes hands — no zero-fill, no copy, one buffer less live; otherwise it is
     * accumulated. {@code out}'s gradient is dead after its node ran either way (reverse tape order).
     */
    public void gradAsView(Tensor out, Tensor in) {
        Tensor dy = out.grad();
        if (in.grad() == null && dy.block() != null && gradientInArena(in)) {
            in.setGrad(dy.takeBlockAs(in.shape()));
            out.setGrad(null);
            return;
        }
        backend.axpy(gradFor(in), 1f, dy);
    }

    /** Op outputs and arena tensors keep their gradient in the arena; heap leaves (parameters) on the heap. */
    private static boolean gradientInArena(Tensor t) {
        return t.isOpOutput() || t.isArena();
    }

    /** Backpropagates from a scalar {@code loss} (seed gradient 1). */
    public void backward(Tensor loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward: loss must have one element, got " + loss.describe()
                    + "; pass a seed gradient with backward(out, dOut)");
        }
        backward(loss, full(1f, loss.shape()));
    }

    /**
     * Backpropagates {@code dOut} from {@code out}: walks the tape in reverse and runs each node that
     * received a gradient. Leaf gradients accumulate; call it once per graph. Gradients of op
     * outputs (intermediates) are released as soon as their node has run, so after backward only
     * leaves hold gradients (PyTorch likewise keeps no intermediate {@code .grad}).
     */
    public void backward(Tensor out, Tensor dOut) {
        checkOpen();
        if (backwardDone) throw new IllegalStateException("backward: already called on this graph; open a new graph per step");
        if (!Shape.equal(out.shape(), dOut.shape())) {
            throw new IllegalArgumentException("backward: seed gradient " + dOut.describe() + " does not match output " + out.describe());
        }
        if (!out.requiresGrad()) {
            throw new IllegalArgumentException("backward: " + out.describe() + " does not require grad (no parameter or "
                    + "input with requiresGrad reached it, or it was computed in a no-grad scope)");
        }
        backend.axpy(gradFor(out), 1f, dOut);
        backwardDone = true;
        for (int i = tape.size() - 1; i >= 0; i--) {
            Node n = tape.get(i);
            Tensor d = n.out().grad();
            if (d == null) continue;
            n.backward().apply(d);
            // every consumer of n.out ran before n (reverse tape order): its gradient is dead now, and
            // its memory goes back to the arena for the gradients still to come (unless the node
            // handed the block on as its input's gradient: gradAsView)
            if (d.block() != null && n.out().grad() == d) {
                n.out().setGrad(null);
                arena.free(d.block());
            }
        }
    }

    /** Resets the arena: every tensor made in this graph becomes unusable. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        tape.clear();
        arena.reset();
        arena.release();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("Graph is closed: open a new Graph for the next computation");
    }
}

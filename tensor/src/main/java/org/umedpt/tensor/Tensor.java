package org.umedpt.tensor;

import org.umedpt.tensor.memory.Arena;

import java.util.Arrays;

/**
 * A float32, contiguous, row-major tensor: a shape and a window {@code [offset, offset+size)} of a
 * {@code float[]}. A reshape is a view of the same memory; every other layout change is an op that
 * copies, so kernels never deal with strides.
 *
 * <p>Two kinds of tensors exist. <b>Heap tensors</b> (made by the static factories here) own their
 * array: parameters, gradients, optimizer state, data. <b>Arena tensors</b> are made by a {@link Graph}
 * and live in its arena; they die when the graph closes, and any later use throws at once, naming
 * the arena generation it came from and the current one.
 *
 * <p>For autograd, a tensor carries {@code requiresGrad}, its gradient buffer {@link #grad()} (heap for
 * heap tensors, so parameter gradients accumulate across graphs; arena otherwise) and, when it is the
 * output of a recorded op, nothing else: the op's node lives on the graph's tape.
 */
public final class Tensor {
    private final int[] shape;
    private final int size;
    private final float[] data;     // storage.array(), cached for the kernels
    private final int offset;
    private final Storage storage;  // shared with views: where the newest values are
    private final Arena arena;      // null for heap tensors
    private final Arena.Block block; // the arena allocation this tensor owns (null for heap tensors and views)
    private final int generation;
    private boolean requiresGrad;
    private boolean opOutput;       // produced by a recorded op (not a leaf)
    private Tensor grad;
    private String name;

    /** A heap tensor owning {@code data} (all of it). */
    private Tensor(int[] shape, float[] data) {
        this(shape, data, 0, null, null, new Storage(data, 0, data.length, false));
    }

    /** An arena tensor owning {@code block}. */
    Tensor(int[] shape, Arena arena, Arena.Block block) {
        this(shape, block.array(), block.offset(), arena, block, new Storage(block.array(), block.offset(), Shape.size(shape), true));
    }

    private Tensor(int[] shape, float[] data, int offset, Arena arena, Arena.Block block, Storage storage) {
        this.shape = shape.clone();
        this.size = Shape.size(shape);
        this.data = data;
        this.offset = offset;
        this.arena = arena;
        this.block = block;
        this.storage = storage;
        this.generation = arena == null ? 0 : arena.generation();
    }

    /** A view of {@code size(shape)} elements starting {@code offset} into this tensor's array. */
    private Tensor viewAt(int[] shape, int offset) {
        return new Tensor(shape, data, offset, arena, null, storage);
    }

    /** The arena block this tensor owns, or null (heap tensors, views). */
    Arena.Block block() {
        return block;
    }

    // ---------------------------------------------------------------- heap factories

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new float[Shape.size(shape)]);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** 0, 1, …, n−1 as a vector. */
    public static Tensor arange(int n) {
        Tensor t = zeros(n);
        for (int i = 0; i < n; i++) t.data[i] = i;
        return t;
    }

    /** Copies {@code values} (row-major) into a new tensor of the given shape. */
    public static Tensor of(float[] values, int... shape) {
        if (values.length != Shape.size(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + values.length + " values for shape " + Shape.str(shape)
                    + " (" + Shape.size(shape) + " elements)");
        }
        return new Tensor(shape, values.clone());
    }

    public static Tensor scalar(float value) {
        return new Tensor(new int[0], new float[] {value});
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = lo + (hi - lo) * rng.nextFloat();
        return t;
    }

    public static Tensor normal(Rng rng, float mean, float std, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = (float) (mean + std * rng.nextGaussian());
        return t;
    }

    /**
     * Normal(mean, std) truncated to [a, b] by rejection, as {@code torch.nn.init.trunc_normal_}
     * (which timm and torchvision use for Swin's linear and position-bias weights).
     */
    public static Tensor truncatedNormal(Rng rng, float mean, float std, float a, float b, int... shape) {
        if (!(a < b)) throw new IllegalArgumentException("truncatedNormal: need a < b, got [" + a + ", " + b + "]");
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) {
            double v;
            int tries = 0;
            do {
                v = mean + std * rng.nextGaussian();
                if (++tries > 1000) { // interval far in a tail: fall back to uniform inside it
                    v = a + (b - a) * rng.nextDouble();
                    break;
                }
            } while (v < a || v > b);
            t.data[i] = (float) v;
        }
        return t;
    }

    // ---------------------------------------------------------------- accessors

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[Shape.axis("dim", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size;
    }

    /**
     * Backing array; index {@link #offset()} is element 0. Kernels and host code that writes: checks
     * the tensor is alive, brings the values from the device if they are newer there, and marks a
     * device copy stale (the caller may write). To read, prefer {@link #toArray} or {@link #get}.
     */
    public float[] data() {
        checkAlive();
        storage.hostAccess();
        return data;
    }

    /**
     * The backing array for reading only (index {@link #offset()} is element 0): brought up to date
     * from a device like {@link #data()}, but a device copy stays valid, so the caller must not write.
     * For host-side checks and decoding that read many elements without copying them.
     */
    public float[] readOnlyData() {
        checkAlive();
        storage.hostRead();
        return data;
    }

    /** The allocation this tensor and its views share (device backends track their copies there). */
    public Storage storage() {
        return storage;
    }

    public int offset() {
        return offset;
    }

    public boolean isArena() {
        return arena != null;
    }

    Arena arena() {
        return arena;
    }

    /** Throws if this tensor's arena was reset since it was created (its graph is closed). */
    public void checkAlive() {
        if (arena != null && arena.generation() != generation) {
            throw new IllegalStateException("tensor " + describe() + " belongs to a closed graph: it was allocated in arena "
                    + "generation " + generation + ", the arena is now at generation " + arena.generation()
                    + "; copy what you need (toArray/copyToHeap) before closing the graph");
        }
    }

    /** Copies the values out. */
    public float[] toArray() {
        checkAlive();
        storage.hostRead();
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public float get(int... index) {
        checkAlive();
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " out of bounds for " + Shape.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        storage.hostRead();
        return data[offset + flat];
    }

    /** The single value of a tensor with one element. */
    public float item() {
        if (size != 1) throw new IllegalArgumentException("item: tensor " + describe() + " has " + size + " elements");
        checkAlive();
        storage.hostRead();
        return data[offset];
    }

    /** A heap copy that survives the graph. */
    public Tensor copyToHeap() {
        return new Tensor(shape, toArray());
    }

    /** A view with another shape of the same size (no copy; lives as long as this tensor). */
    public Tensor view(int... newShape) {
        newShape = inferShape(newShape);
        if (Shape.size(newShape) != size) {
            throw new IllegalArgumentException("view: cannot view " + Shape.str(shape) + " (" + size + " elements) as "
                    + Shape.str(newShape));
        }
        checkAlive();
        return viewAt(newShape, offset);
    }

    /**
     * This tensor's arena block under another shape of the same size, the block's ownership moving
     * to the result: this tensor must not be used afterwards (a gradient handed on, see
     * {@link Graph#gradAsView}).
     */
    Tensor takeBlockAs(int[] newShape) {
        if (block == null || Shape.size(newShape) != size) {
            throw new IllegalStateException("takeBlockAs: " + describe() + " owns no block or differs in size from " + Shape.str(newShape));
        }
        checkAlive();
        return new Tensor(newShape, data, offset, arena, block, storage);
    }

    /** A 1-D view of {@code len} elements starting {@code from} elements into this tensor (no copy). */
    public Tensor flatView(int from, int len) {
        if (from < 0 || len < 0 || from + len > size) {
            throw new IllegalArgumentException("flatView: [" + from + ", " + (from + len) + ") out of range for " + describe());
        }
        checkAlive();
        return viewAt(new int[] {len}, offset + from);
    }

    /** Resolves one −1 dimension. */
    int[] inferShape(int[] s) {
        int infer = -1;
        int known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(s));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer < 0) return s;
        if (known == 0 || size % known != 0) {
            throw new IllegalArgumentException("reshape: cannot infer -1 in " + Shape.str(s) + " for " + size + " elements");
        }
        int[] r = s.clone();
        r[infer] = size / known;
        return r;
    }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a heap tensor as a leaf that collects gradients (a parameter, or an input under test). */
    public Tensor requiresGrad(boolean value) {
        this.requiresGrad = value;
        return this;
    }

    /** True for the output of a recorded op; false for leaves (parameters, data, inputs under test). */
    public boolean isOpOutput() {
        return opOutput;
    }

    void markOpOutput() {
        this.opOutput = true;
    }

    /** The accumulated gradient, or null if none has flowed here yet. */
    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient buffer (null clears it). Used by the graph and by optimizers' zero_grad. */
    public void setGrad(Tensor grad) {
        if (grad != null && grad.size != size) {
            throw new IllegalArgumentException("setGrad: gradient " + Shape.str(grad.shape) + " does not match " + describe());
        }
        this.grad = grad;
    }

    public String name() {
        return name;
    }

    public Tensor name(String name) {
        this.name = name;
        return this;
    }

    /** {@code name(2,3,8)} or {@code (2,3,8)}. */
    public String describe() {
        return (name == null ? "" : name) + Shape.str(shape);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(describe()).append(arena == null ? " heap" : " arena");
        if (storage.hostStale()) {
            sb.append(" (on the device)");
        } else if (arena == null || arena.generation() == generation) {
            sb.append(" [");
            int n = Math.min(size, 8);
            for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(data[offset + i]);
            sb.append(size > n ? ", …]" : "]");
        } else {
            sb.append(" (dead)");
        }
        return sb.toString();
    }
}

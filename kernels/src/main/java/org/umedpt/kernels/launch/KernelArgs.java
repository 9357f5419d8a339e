package org.umedpt.kernels.launch;

import java.util.Arrays;

/**
 * The parameters of one launch, in order, checked against the kernel's signature as they are
 * added: a device pointer is a {@code Long}, an int an {@code Integer}, a float a {@code Float}.
 * {@link #packed()} gives them to the device API; {@link #offsets()} is the byte layout the
 * parameters have in the kernel's parameter buffer (natural alignment: 8 for pointers, 4 for int
 * and float), which is what cuLaunchKernel's {@code extra} form would need.
 */
public final class KernelArgs {
    private final Kernel kernel;
    private final Object[] values;
    private int count;

    private KernelArgs(Kernel kernel) {
        this.kernel = kernel;
        this.values = new Object[kernel.signature().length()];
    }

    public static KernelArgs of(Kernel kernel) {
        return new KernelArgs(kernel);
    }

    /** A device pointer (0 passes a null pointer, for optional tensors). */
    public KernelArgs ptr(long devicePtr) {
        return add('p', devicePtr);
    }

    public KernelArgs i(int v) {
        return add('i', v);
    }

    public KernelArgs i(boolean v) {
        return add('i', v ? 1 : 0);
    }

    public KernelArgs f(float v) {
        return add('f', v);
    }

    private KernelArgs add(char type, Object v) {
        String sig = kernel.signature();
        if (count >= sig.length()) {
            throw new IllegalArgumentException(kernel.name() + ": more than the " + sig.length() + " parameters of signature " + sig);
        }
        if (sig.charAt(count) != type) {
            throw new IllegalArgumentException(kernel.name() + ": parameter " + count + " is '" + sig.charAt(count) + "' in signature "
                    + sig + ", got '" + type + "'");
        }
        values[count++] = v;
        return this;
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The values, after checking that every parameter was given. */
    public Object[] packed() {
        if (count != values.length) {
            throw new IllegalArgumentException(kernel.name() + ": " + count + " of " + values.length + " parameters given (signature "
                    + kernel.signature() + ")");
        }
        return values.clone();
    }

    /** Byte offset of each parameter in the parameter buffer, then the buffer's total size. */
    public int[] offsets() {
        String sig = kernel.signature();
        int[] off = new int[sig.length() + 1];
        int at = 0;
        for (int i = 0; i < sig.length(); i++) {
            int size = sig.charAt(i) == 'p' ? 8 : 4;
            at = (at + size - 1) / size * size;
            off[i] = at;
            at += size;
        }
        off[sig.length()] = (at + 7) / 8 * 8;
        return off;
    }

    @Override
    public String toString() {
        return kernel.name() + Arrays.toString(Arrays.copyOf(values, count));
    }
}

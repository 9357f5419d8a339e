package org.umedpt.tensor;

/**
 * An explicit, seeded random generator (SplitMix64). There is no hidden global RNG in umedpt:
 * every initialiser, dropout mask and data sampler takes one of these. Its whole state is one
 * {@code long}, so checkpoints can save and restore it exactly ({@link #state()}).
 *
 * <p>Not thread-safe: give each thread its own generator ({@link #split()}).
 */
public final class Rng {
    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The full state, for checkpoints; {@code new Rng(0).restore(s)} continues the same stream. */
    public long state() {
        return state;
    }

    /** Continue from a state returned by {@link #state()}. A cached Gaussian is discarded. */
    public Rng restore(long state) {
        this.state = state;
        this.hasSpare = false;
        return this;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable as a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Standard normal (Box–Muller, polar form). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        hasSpare = true;
        return u * m;
    }

    /** An independent generator seeded from this one (for per-thread or per-task streams). */
    public Rng split() {
        return new Rng(nextLong());
    }
}

package org.umedpt.tensor;

/**
 * The error function, which {@link Math} lacks; needed by exact (erf-form) GELU.
 *
 * <p>Uses the Chebyshev fit of erfc from Numerical Recipes (3rd ed., §6.2, {@code erfccheb}'s
 * cousin {@code erfc} with fractional error below 1.2e−7 everywhere). That is at the level of float32
 * rounding, which is what the float kernels need; PyTorch goldens confirm GELU to 1e−6.
 */
public final class Erf {
    private Erf() {}

    public static double erf(double x) {
        return 1 - erfc(x);
    }

    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}

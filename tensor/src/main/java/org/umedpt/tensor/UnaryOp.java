package org.umedpt.tensor;

/**
 * The elementwise unary primitives and their derivatives, in one reviewable table (PyTorch's
 * {@code derivatives.yaml}). {@code p} is the op's scalar parameter where it has one.
 * The double-precision {@link #f} and {@link #df} are the reference: the CPU backend's fast loops
 * must agree with them, and gradient checks differentiate {@link #f} numerically.
 */
public enum UnaryOp {
    //                          y = f(x, p)                          dy/dx = df(x, y, p)
    EXP,        //              e^x                                  y
    LOG,        //              ln x                                 1/x
    SQRT,       //              √x                                   1/(2y)
    TANH,       //              tanh x                               1 − y²
    SIGMOID,    //              1/(1+e^−x)                           y(1 − y)
    RELU,       //              max(x, 0)                            x > 0 ? 1 : 0
    GELU,       //              x·Φ(x)  (exact, erf form)            Φ(x) + x·φ(x)
    SOFTPLUS,   //              ln(1+e^x) (stable)                   sigmoid(x)
    SQUARE,     //              x²                                   2x
    POW,        //              x^p                                  p·x^(p−1)
    SCALE,      //              p·x                                  p
    ADD_SCALAR, //              x + p                                1
    RECIPROCAL, //              1/x                                  −y²
    CLAMP_MIN,  //              max(x, p)                            x ≥ p ? 1 : 0   (PyTorch's clamp_min)
    CLAMP_MAX;  //              min(x, p)                            x ≤ p ? 1 : 0

    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    /** Reference forward, in double. */
    public double f(double x, double p) {
        return switch (this) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> x > 0 ? x : 0;
            case GELU -> 0.5 * x * (1 + Erf.erf(x * INV_SQRT2));
            case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SQUARE -> x * x;
            case POW -> Math.pow(x, p);
            case SCALE -> p * x;
            case ADD_SCALAR -> x + p;
            case RECIPROCAL -> 1 / x;
            case CLAMP_MIN -> Math.max(x, p);
            case CLAMP_MAX -> Math.min(x, p);
        };
    }

    /** Reference derivative dy/dx, given x and y = f(x). */
    public double df(double x, double y, double p) {
        return switch (this) {
            case EXP -> y;
            case LOG -> 1 / x;
            case SQRT -> 0.5 / y;
            case TANH -> 1 - y * y;
            case SIGMOID -> y * (1 - y);
            case RELU -> x > 0 ? 1 : 0;
            case GELU -> 0.5 * (1 + Erf.erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case SOFTPLUS -> 1 / (1 + Math.exp(-x));
            case SQUARE -> 2 * x;
            case POW -> p * Math.pow(x, p - 1);
            case SCALE -> p;
            case ADD_SCALAR -> 1;
            case RECIPROCAL -> -y * y;
            case CLAMP_MIN -> x >= p ? 1 : 0;
            case CLAMP_MAX -> x <= p ? 1 : 0;
        };
    }

    /** True when the backward needs the forward output y (else only x). */
    public boolean backwardUsesOutput() {
        return this == EXP || this == SQRT || this == TANH || this == SIGMOID || this == RECIPROCAL;
    }
}

package org.umedpt.multitask.transfer;

import java.util.Arrays;

/**
 * Multinomial logistic regression with an L2 penalty, fitted by L-BFGS — the frozen-feature probe
 * of DINOv2, CLIP and torchgeo-bench. It minimises scikit-learn's objective for
 * {@code LogisticRegression(C=c)} (multinomial, intercept unpenalised):
 * <pre>
 *   f(W, b) = Σ_i −log softmax(W x_i + b)[y_i] + ‖W‖² / (2C)        W (K, D), b (K)
 * </pre>
 * divided by n for conditioning (same minimiser). Like scikit-learn it keeps all K rows of W (the
 * penalty makes the over-parameterised solution unique). Doubles throughout; checked against
 * scikit-learn's coefficients and probabilities in {@code LogisticProbeTest} (goldens from
 * {@code tools/goldens/logistic_probe.py}).
 */
public final class LogisticProbe {
    private final int classes, dim;
    private final double[] w; // (K, D) row-major, then b (K)

    private LogisticProbe(int classes, int dim, double[] params) {
        this.classes = classes;
        this.dim = dim;
        this.w = params;
    }

    /** x (n, d) row-major, y in [0, classes); fitted to max |gradient| < 1e-9 (the optimum, for the scikit-learn check). */
    public static LogisticProbe fit(double[] x, int[] y, int n, int d, int classes, double c) {
        return fit(x, y, n, d, classes, c, 1e-9);
    }

    /** As above, stopping at max |gradient of the mean objective| < {@code tol} (or 1000 iterations). */
    public static LogisticProbe fit(double[] x, int[] y, int n, int d, int classes, double c, double tol) {
        if (x.length != (long) n * d || y.length != n) throw new IllegalArgumentException("probe: x has " + x.length + " values, y " + y.length
                + "; expected n·d = " + n + "·" + d + " and n");
        if (!(c > 0)) throw new IllegalArgumentException("probe: C must be > 0, got " + c);
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) throw new IllegalArgumentException("probe: label " + y[i] + " at " + i + " not in [0, " + classes + ")");
        }
        Objective f = new Objective(x, y, n, d, classes, 1.0 / c);
        double[] p = Lbfgs.minimise(f, new double[classes * d + classes], 1000, tol);
        return new LogisticProbe(classes, d, p);
    }

    /** Class probabilities (n, K) row-major. */
    public double[] probabilities(double[] x, int n) {
        double[] out = new double[n * classes];
        for (int i = 0; i < n; i++) softmaxRow(w, x, i, dim, classes, out, i * classes);
        return out;
    }

    /** Coefficient W[k][j]. */
    public double coef(int k, int j) {
        return w[k * dim + j];
    }

    public double intercept(int k) {
        return w[classes * dim + k];
    }

    public int classes() {
        return classes;
    }

    static void softmaxRow(double[] p, double[] x, int i, int d, int k, double[] out, int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double z = p[k * d + c];
            for (int j = 0; j < d; j++) z += p[c * d + j] * x[i * d + j];
            out[at + c] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) sum += out[at + c] = Math.exp(out[at + c] - max);
        for (int c = 0; c < k; c++) out[at + c] /= sum;
    }

    /** The mean negative log-likelihood plus ‖W‖² / (2 C n), and its gradient. */
    private record Objective(double[] x, int[] y, int n, int d, int k, double invC) implements Lbfgs.Function {
        public double value(double[] p, double[] grad) {
            Arrays.fill(grad, 0);
            double[] prob = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++) {
                softmaxRow(p, x, i, d, k, prob, 0);
                loss -= Math.log(Math.max(prob[y[i]], 1e-300));
                for (int c = 0; c < k; c++) {
                    double r = prob[c] - (c == y[i] ? 1 : 0);
                    for (int j = 0; j < d; j++) grad[c * d + j] += r * x[i * d + j];
                    grad[k * d + c] += r;
                }
            }
            double reg = 0;
            for (int q = 0; q < k * d; q++) {
                reg += p[q] * p[q];
                grad[q] += invC * p[q];
            }
            for (int q = 0; q < grad.length; q++) grad[q] /= n;
            return (loss + 0.5 * invC * reg) / n;
        }
    }
}

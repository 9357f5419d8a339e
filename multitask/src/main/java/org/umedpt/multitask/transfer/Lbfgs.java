package org.umedpt.multitask.transfer;

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4: two-loop recursion, m = 10 pairs) with a
 * backtracking Armijo line search — enough for the smooth, strictly convex probe objective. It
 * stops when max |gradient| falls below {@code tol}, the step stops changing the value, or after
 * {@code maxIter} iterations.
 */
final class Lbfgs {
    private Lbfgs() {}

    interface Function {
        /** f(p); writes ∇f(p) into {@code grad}. */
        double value(double[] p, double[] grad);
    }

    static double[] minimise(Function f, double[] x0, int maxIter, double tol) {
        int n = x0.length, m = 10;
        double[] x = x0.clone(), g = new double[n], xn = new double[n], gn = new double[n], dir = new double[n];
        double[][] s = new double[m][n], y = new double[m][n];
        double[] rho = new double[m], alpha = new double[m];
        int stored = 0, head = 0;
        double fx = f.value(x, g);
        for (int it = 0; it < maxIter; it++) {
            if (maxAbs(g) < tol) break;
            // two-loop recursion: dir = −H g
            System.arraycopy(g, 0, dir, 0, n);
            for (int j = 0; j < stored; j++) {
                int i = Math.floorMod(head - 1 - j, m);
                alpha[i] = rho[i] * dot(s[i], dir);
                axpy(-alpha[i], y[i], dir);
            }
            double gamma = stored == 0 ? 1.0 / Math.max(1e-12, Math.sqrt(dot(g, g))) : dot(s[Math.floorMod(head - 1, m)], y[Math.floorMod(head - 1, m)])
                    / dot(y[Math.floorMod(head - 1, m)], y[Math.floorMod(head - 1, m)]);
            for (int q = 0; q < n; q++) dir[q] *= gamma;
            for (int j = stored - 1; j >= 0; j--) {
                int i = Math.floorMod(head - 1 - j, m);
                double beta = rho[i] * dot(y[i], dir);
                axpy(alpha[i] - beta, s[i], dir);
            }
            for (int q = 0; q < n; q++) dir[q] = -dir[q];
            double slope = dot(g, dir);
            if (slope >= 0) { // not a descent direction (rounding): restart from steepest descent
                for (int q = 0; q < n; q++) dir[q] = -g[q];
                slope = dot(g, dir);
                stored = 0;
            }
            double step = 1, fn;
            while (true) {
                for (int q = 0; q < n; q++) xn[q] = x[q] + step * dir[q];
                fn = f.value(xn, gn);
                if (fn <= fx + 1e-4 * step * slope || step < 1e-20) break;
                step *= 0.5;
            }
            if (step < 1e-20) break;
            double[] si = s[head], yi = y[head];
            for (int q = 0; q < n; q++) {
                si[q] = xn[q] - x[q];
                yi[q] = gn[q] - g[q];
            }
            double sy = dot(si, yi);
            if (sy > 1e-16) { // keep the pair only when the curvature condition holds
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            double change = fx - fn;
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (change >= 0 && change < 1e-16 * Math.max(1, Math.abs(fx)) && maxAbs(g) < Math.sqrt(tol)) break;
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}

package org.umedpt.multitask.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe against scikit-learn: {@code LogisticRegression(multi_class='multinomial',
 * solver='lbfgs', C)} fitted to the optimum on a fixed 60×7 feature set, 3 classes
 * (goldens/logistic_probe.json from tools/goldens/logistic_probe.py). Tolerances: coefficients
 * 2e-4 absolute + 1e-3 relative (both solvers stop near, not at, the optimum), test probabilities 1e-4.
 */
class LogisticProbeTest {
    @Test
    void matchesScikitLearnAtEveryC() throws Exception {
        JsonNode g;
        try (InputStream in = getClass().getResourceAsStream("/goldens/logistic_probe.json")) {
            g = new ObjectMapper().readTree(in);
        }
        int n = g.get("n").asInt(), d = g.get("d").asInt(), k = g.get("classes").asInt();
        double[] x = flat(g.get("x_train"), d);
        double[] xt = flat(g.get("x_test"), d);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = g.get("y_train").get(i).asInt();
        for (JsonNode fit : g.get("fits")) {
            double c = fit.get("C").asDouble();
            LogisticProbe p = LogisticProbe.fit(x, y, n, d, k, c);
            for (int cl = 0; cl < k; cl++) {
                for (int j = 0; j < d; j++) {
                    double e = fit.get("coef").get(cl).get(j).asDouble();
                    assertEquals(e, p.coef(cl, j), 2e-4 + 1e-3 * Math.abs(e), "C=" + c + " coef[" + cl + "][" + j + "]");
                }
                double e = fit.get("intercept").get(cl).asDouble();
                assertEquals(e, p.intercept(cl), 2e-4 + 1e-3 * Math.abs(e), "C=" + c + " intercept[" + cl + "]");
            }
            int nt = g.get("x_test").size();
            double[] prob = p.probabilities(xt, nt);
            // the transfer study's probe stops at max |gradient| < 1e-6: its probabilities must agree too
            double[] early = LogisticProbe.fit(x, y, n, d, k, c, 1e-6).probabilities(xt, nt);
            for (int i = 0; i < nt; i++) {
                for (int cl = 0; cl < k; cl++) {
                    double e = fit.get("proba_test").get(i).get(cl).asDouble();
                    assertEquals(e, prob[i * k + cl], 1e-4, "C=" + c + " proba[" + i + "][" + cl + "]");
                    assertEquals(e, early[i * k + cl], 1e-4, "tol 1e-6: C=" + c + " proba[" + i + "][" + cl + "]");
                }
            }
        }
    }

    @Test
    void rejectsLabelsOutOfRange() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LogisticProbe.fit(new double[] {1, 2}, new int[] {0, 3}, 2, 1, 2, 1));
        assertTrue(e.getMessage().contains("label 3 at 1"), e.getMessage());
    }

    private static double[] flat(JsonNode rows, int d) {
        double[] out = new double[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) for (int j = 0; j < d; j++) out[i * d + j] = rows.get(i).get(j).asDouble();
        return out;
    }
}

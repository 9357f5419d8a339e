package org.umedpt.tensor.testing;

import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * PyTorch goldens: safetensors files under {@code src/test/resources/goldens}, written by
 * {@code tools/goldens/make_goldens.py} (float64 forward and backward of float32 inputs).
 */
public final class Goldens {
    private Goldens() {}

    public static SafeTensors.Contents load(String file) {
        URL url = Goldens.class.getResource("/goldens/" + file);
        if (url == null) {
            fail("golden file goldens/" + file + " is missing from the test resources\n---> HINT: /usr/bin/python3 tools/goldens/make_goldens.py");
        }
        try {
            return SafeTensors.read(Path.of(url.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise; on failure lists the first
     * mismatches with index, expected, actual, and the max difference (llm.c check_tensor).
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + expected.describe() + " vs " + actual.describe());
        float[] e = expected.toArray(), a = actual.toArray();
        int bad = 0;
        double maxDiff = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= atol + rtol * Math.abs(e[i]))) { // NaN fails too
                if (bad++ < 5) sb.append(String.format("  [%d] expected %.8g actual %.8g diff %.3g%n", i, e[i], a[i], d));
            }
            if (!Double.isNaN(d)) maxDiff = Math.max(maxDiff, d);
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + e.length + " elements differ (rtol " + rtol + ", atol " + atol + "), max diff "
                    + maxDiff + ":\n" + sb);
        }
    }
}

package org.umedpt.multitask.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EvaluatorMultiLabelTest {
    @Test
    void accuracyExactMatchAndMacroAuroc() {
        List<double[]> scores = List.of(new double[] {2, -1}, new double[] {-3, 1}, new double[] {1, 2});
        List<float[]> truth = List.of(new float[] {1, 0}, new float[] {0, 0}, new float[] {1, 1});
        Map<String, Double> m = Evaluator.multiLabel(scores, truth, 2);
        assertEquals(5 / 6.0, m.get("accuracy"), 1e-12); // one wrong decision: image 1, class 1
        assertEquals(2 / 3.0, m.get("exact_match"), 1e-12);
        assertEquals(1.0, m.get("auroc"), 1e-12); // both classes perfectly ranked
    }
}

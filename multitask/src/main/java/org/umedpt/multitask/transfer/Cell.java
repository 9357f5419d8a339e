package org.umedpt.multitask.transfer;

import org.umedpt.tensor.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One cell of a transfer study — (init, task, fraction, seed, mode) of one encoder — and its result.
 * {@code init} is {@code pretrained} or a baseline ({@code random}, {@code imagenet}). Each finished
 * cell is one JSON file under {@code DIR/cells/}, written atomically, so a rerun skips it and an
 * interrupted study loses at most the cell it was in.
 */
public record Cell(Key key, String encoderId, int trainCount, String metric, Map<String, Double> metrics,
                   Map<String, double[]> intervals, Map<String, String> details, double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Key(String init, String task, double fraction, long seed, String mode) {
        /** The cell's file, relative to the study folder. */
        public Path file() {
            return Path.of("cells", task, String.format(Locale.ROOT, "%s-%s-f%s-s%d.json", init, mode, fractionId(fraction), seed));
        }
    }

    /** A fraction as a file-name part: the percentage, '.' written 'p' (0.01 → "1", 0.025 → "2p5"). */
    public static String fractionId(double fraction) {
        return new BigDecimal(Double.toString(fraction * 100)).stripTrailingZeros().toPlainString().replace('.', 'p');
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", "umedpt-transfer-cell-1").put("init", key.init()).put("task", key.task()).put("fraction", key.fraction())
                .put("seed", key.seed()).put("mode", key.mode()).put("encoder", encoderId).put("train_count", trainCount)
                .put("metric", metric).put("seconds", seconds);
        ObjectNode m = n.putObject("metrics");
        metrics.forEach((k, v) -> m.put(k, v));
        ObjectNode ci = n.putObject("ci95");
        intervals.forEach((k, v) -> ci.putArray(k).add(v[0]).add(v[1]));
        ObjectNode d = n.putObject("details");
        details.forEach(d::put);
        return n.toPrettyString();
    }

    public void write(Path studyDir) {
        AtomicFiles.write(studyDir.resolve(key.file()), toJson());
    }

    /** Reads a cell file; a file that does not parse names itself and what it expected. */
    public static Cell read(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new org.umedpt.multitask.InputException("cell " + file + ": not valid JSON (" + e.getMessage() + "); delete it to rerun the cell");
        }
        if (n == null || !"umedpt-transfer-cell-1".equals(n.path("format").asText())) {
            throw new org.umedpt.multitask.InputException("cell " + file + ": format is '" + (n == null ? "" : n.path("format").asText())
                    + "', expected 'umedpt-transfer-cell-1'; delete it to rerun the cell");
        }
        Key k = new Key(n.path("init").asText(), n.path("task").asText(), n.path("fraction").asDouble(), n.path("seed").asLong(), n.path("mode").asText());
        Map<String, Double> m = new LinkedHashMap<>();
        n.path("metrics").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN));
        Map<String, double[]> ci = new LinkedHashMap<>();
        n.path("ci95").fields().forEachRemaining(e -> ci.put(e.getKey(), new double[] {num(e.getValue().get(0)), num(e.getValue().get(1))}));
        Map<String, String> d = new LinkedHashMap<>();
        n.path("details").fields().forEachRemaining(e -> d.put(e.getKey(), e.getValue().asText()));
        return new Cell(k, n.path("encoder").asText(), n.path("train_count").asInt(), n.path("metric").asText(), m, ci, d, n.path("seconds").asDouble());
    }

    private static double num(JsonNode v) {
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** The finished cell at {@code key} in {@code studyDir}, or null. */
    public static Cell find(Path studyDir, Key key) {
        Path f = studyDir.resolve(key.file());
        return Files.isRegularFile(f) ? read(f) : null;
    }
}

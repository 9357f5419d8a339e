package org.umedpt.multitask.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.umedpt.tensor.io.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's PNGs, drawn with XChart (headless): the data-efficiency curve of a task (primary
 * metric vs training fraction in %, log x; one line per encoder and mode — solid fine-tuned,
 * dashed frozen, dotted frozen-all — with error bars of ± one std over seeds) and the pretraining loss curves (per task, smoothed, from {@code metrics.jsonl}).
 */
public final class Charts {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
            new Color(0x8c564b)};

    private Charts() {}

    public static void efficiency(Path png, String task, List<Summary.Point> points) {
        XYChart ch = new XYChartBuilder().width(720).height(460).title("Data efficiency: " + task)
                .xAxisTitle("training data (% of the split, log scale)").yAxisTitle(points.isEmpty() ? "" : points.get(0).metric()).build();
        ch.getStyler().setXAxisLogarithmic(true);
        ch.getStyler().setChartBackgroundColor(Color.WHITE);
        ch.getStyler().setPlotGridLinesVisible(true);
        ch.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        ch.getStyler().setXAxisDecimalPattern("0.#");
        ch.getStyler().setErrorBarsColorSeriesColor(true);
        Map<String, List<Summary.Point>> curves = new LinkedHashMap<>();
        for (Summary.Point p : points) if (p.task().equals(task)) curves.computeIfAbsent(p.init() + " · " + p.mode(), k -> new ArrayList<>()).add(p);
        int i = 0;
        for (var e : curves.entrySet()) {
            List<Summary.Point> c = e.getValue().stream().sorted((a, b) -> Double.compare(a.fraction(), b.fraction())).toList();
            double[] x = c.stream().mapToDouble(p -> p.fraction() * 100).toArray();
            double[] y = c.stream().mapToDouble(Summary.Point::mean).toArray();
            double[] lo = c.stream().mapToDouble(p -> p.mean() - p.std()).toArray();
            double[] hi = c.stream().mapToDouble(p -> p.mean() + p.std()).toArray();
            double[] err = c.stream().mapToDouble(Summary.Point::std).toArray();
            String init = e.getKey().substring(0, e.getKey().indexOf(' '));
            Color col = init.equals("pretrained") ? COLORS[0] : init.equals("random") ? COLORS[1] : COLORS[2 + i % 4];
            XYSeries s = ch.addSeries(e.getKey(), x, y, err);
            s.setLineColor(col);
            s.setMarkerColor(col);
            String mode = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
            s.setMarker(mode.equals("frozen") ? SeriesMarkers.DIAMOND : mode.equals("frozen-all") ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
            if (!mode.equals("finetune")) { // frozen dashed, frozen-all dotted, finetune solid
                float[] dash = mode.equals("frozen") ? new float[] {7f, 4f} : new float[] {2f, 3f};
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
            }
            i++;
        }
        write(png, ch);
    }

    /** Per-task training loss from a pretrain run's {@code metrics.jsonl} (moving average over 1/50 of the run). */
    public static void pretrainLoss(Path png, Path metricsJsonl) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        try {
            for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                if (!"train".equals(n.path("split").asText())) continue;
                int r = n.path("round").asInt();
                n.path("loss").fields().forEachRemaining(e -> series.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {r, e.getValue().asDouble()}));
            }
        } catch (IOException e) {
            throw new org.umedpt.multitask.InputException("pretraining metrics " + metricsJsonl + ": cannot read (" + e.getMessage() + "); expected pretrain's metrics.jsonl");
        }
        if (series.isEmpty()) throw new org.umedpt.multitask.InputException("pretraining metrics " + metricsJsonl + ": no training-loss lines ({\"split\":\"train\",\"loss\":{...}})");
        XYChart ch = new XYChartBuilder().width(720).height(460).title("Pretraining loss per task").xAxisTitle("round").yAxisTitle("loss (moving average)").build();
        ch.getStyler().setChartBackgroundColor(Color.WHITE);
        ch.getStyler().setMarkerSize(0);
        int i = 0;
        for (var e : series.entrySet()) {
            List<double[]> pts = e.getValue();
            int w = Math.max(1, pts.size() / 50);
            double[] x = new double[pts.size()], y = new double[pts.size()];
            double acc = 0;
            for (int k = 0; k < pts.size(); k++) {
                acc += pts.get(k)[1];
                if (k >= w) acc -= pts.get(k - w)[1];
                x[k] = pts.get(k)[0];
                y[k] = acc / Math.min(k + 1, w);
            }
            XYSeries s = ch.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(COLORS[i++ % COLORS.length]);
        }
        write(png, ch);
    }

    /** The chart as {@code png} and, beside it, the same chart as SVG (text: it can go into a repository or a paper). */
    private static void write(Path png, XYChart ch) {
        // ImageIO's stream cache would put a temp file in java.io.tmpdir: the demo writes nothing
        // outside its folder (a JDK-wide switch; the bytes are in memory anyway)
        javax.imageio.ImageIO.setUseCache(false);
        Path svg = png.resolveSibling(png.getFileName().toString().replaceFirst("\\.png$", "") + ".svg");
        try {
            AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(ch, BitmapEncoder.BitmapFormat.PNG));
            java.io.ByteArrayOutputStream vector = new java.io.ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(ch, vector, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            AtomicFiles.write(svg, vector.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + png + ": " + e.getMessage(), e);
        }
    }
}

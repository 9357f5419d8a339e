package org.umedpt.multitask.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.umedpt.multitask.transfer.Cell;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report from a hand-made results table: CSV rows, mean ± std, the headline, PNGs that decode. */
class ReportTest {
    /** accuracy per (init, fraction) for seeds 0..2: pretrained reaches random's 100 % (0.80) at 10 %. */
    private static List<Cell> table() {
        double[][] pre = {{0.70, 0.72, 0.74}, {0.80, 0.81, 0.82}, {0.90, 0.90, 0.90}};
        double[][] rnd = {{0.50, 0.55, 0.60}, {0.60, 0.72, 0.84}, {0.79, 0.80, 0.81}};
        double[] fr = {0.01, 0.1, 1.0};
        List<Cell> cells = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            for (int s = 0; s < 3; s++) {
                cells.add(cell("pretrained", fr[f], s, pre[f][s]));
                cells.add(cell("random", fr[f], s, rnd[f][s]));
            }
        }
        return cells;
    }

    private static Cell cell(String init, double f, long seed, double acc) {
        Map<String, Double> m = new java.util.LinkedHashMap<>(); // metric columns keep the cells' order (Map.of has none)
        m.put("accuracy", acc);
        m.put("auroc", acc + 0.05);
        return new Cell(new Cell.Key(init, "t", f, seed, "frozen"), init + "-id", (int) Math.round(f * 100), "accuracy",
                m, Map.of("accuracy", new double[] {acc - 0.05, acc + 0.05}), Map.of(), 1.0);
    }

    @Test
    void headlineIsTheSmallestFractionReachingTheBaselineAtFullData() {
        List<Headline.Line> h = Headline.of(Summary.of(table()));
        assertEquals(1, h.size());
        Headline.Line l = h.get(0);
        assertEquals("random", l.baseline());
        assertEquals(0.80, l.baselineFull(), 1e-12);
        assertEquals(0.1, l.reachedAt(), 1e-12);
        assertEquals(0.81, l.reachedMean(), 1e-12);
        assertEquals(0.01, l.reachedStd(), 1e-12);
        // 1 %: 0.72 − 0.02 > 0.55 + 0.05; 10 %: 0.81 − 0.01 < 0.72 + 0.12; 100 %: 0.90 > 0.80 + 0.01
        assertEquals(List.of(0.01, 1.0), l.beyondSpread());
        assertTrue(l.text().contains("reaches it at 10 %"), l.text());
    }

    @Test
    void neverReachingIsSaid() {
        List<Cell> cells = new ArrayList<>();
        cells.add(cell("pretrained", 0.5, 0, 0.6));
        cells.add(cell("pretrained", 1.0, 0, 0.7));
        cells.add(cell("random", 1.0, 0, 0.8));
        Headline.Line l = Headline.of(Summary.of(cells)).get(0);
        assertNull(l.reachedAt());
        assertTrue(l.text().contains("does not reach it"), l.text());
    }

    @Test
    void writesCsvMarkdownAndPngs(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int r = 1; r <= 30; r++) sb.append("{\"round\":").append(r).append(",\"split\":\"train\",\"loss\":{\"a\":").append(1.0 / r).append(",\"b\":0.5}}\n");
        sb.append("{\"round\":30,\"split\":\"val\",\"task\":\"a\",\"accuracy\":0.9}\n");
        Files.writeString(metrics, sb.toString());
        List<String> head = Report.write(dir, table(), metrics, "test report");
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(19, csv.size(), "header + 18 cells");
        assertTrue(csv.get(0).startsWith("task,mode,init,fraction,seed,train_count,metric,value,ci_lo,ci_hi,encoder,seconds,"), csv.get(0));
        assertTrue(csv.contains("t,frozen,pretrained,0.1,1,10,accuracy,0.81,0.76,0.86,pretrained-id,1.00,0.81,0.86"), String.join("\n", csv));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains(head.get(0)), md);
        assertTrue(md.contains("| t | frozen | random | 10 % | 10 | 3 | accuracy | 0.720 ± 0.120 | [0.670, 0.770] |"), md);
        for (String png : new String[] {"efficiency-t.png", "pretrain-loss.png"}) {
            assertTrue(md.contains("](" + png + ")"), md);
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(img, png + " decodes");
            String svg = Files.readString(dir.resolve(png.replace(".png", ".svg")));
            assertTrue(svg.contains("<svg") && svg.strip().endsWith("</svg>"), png + ": its SVG twin is a whole SVG document");
            assertEquals(720, img.getWidth());
        }
    }
}

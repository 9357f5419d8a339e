package org.umedpt.multitask.transfer;

import org.umedpt.multitask.InputException;
import org.umedpt.multitask.eval.Predictions;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.multitask.train.Evaluator;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.tensor.Backend;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The label-efficiency study: for every target task, encoder (the pretrained one and each
 * baseline), seed, mode and training fraction, one {@link Cell} — train on the subset, score on the
 * test split — written to {@code DIR/cells/} when done. Cells already there are skipped, so
 * rerunning an interrupted study continues it. Every cell's test metrics carry bootstrap 95 %
 * intervals ({@link Scoring}), whatever the task type. Writes the subsets to {@code DIR/splits/} and frozen
 * features to {@code DIR/features/}.
 *
 * <p>Modes: {@code frozen} — classification: the logistic-regression probe ({@link FrozenProbe};
 * multi-label: one binary probe per label) on the cached pooled last stage; segmentation and
 * detection: the task's shared block and head trained over the frozen encoder ({@link FineTuner}
 * without the encoder). {@code frozen-all} — the probe on every stage's pooled output
 * concatenated (classification and multi-label; segmentation and detection train as
 * {@code frozen}). {@code finetune} — the whole encoder and
 * a fresh head ({@link FineTuner}). The seed changes the subset, the head's (and a random
 * encoder's) init and the batch order.
 */
public final class TransferStudy {
    public static final List<String> MODES = List.of("frozen", "frozen-all", "finetune");

    public record Options(double[] fractions, List<String> modes, int seeds, FineTuner.Options fineTune,
                          int bootstrap, int featureBatch) {
        public Options {
            for (String m : modes) if (!MODES.contains(m)) throw new InputException("--modes: unknown mode '" + m + "'; expected " + MODES);
            if (seeds < 1) throw new InputException("--seeds must be >= 1, got " + seeds);
            if (fractions.length == 0) throw new InputException("--fractions: none given");
            for (double f : fractions) if (!(f > 0 && f <= 1)) throw new InputException("--fractions: " + f * 100 + " % is not in (0, 100]");
        }
    }

    private final Backend backend;
    private final Path dir;
    private final Options o;
    private final PrintStream out;
    private final FeatureCache features;

    public TransferStudy(Backend backend, Path dir, Options options, PrintStream out) {
        this.backend = backend;
        this.dir = dir;
        this.o = options;
        this.out = out;
        this.features = new FeatureCache(dir.resolve("features"), backend);
    }

    /** Runs (or continues) the study; returns every cell, finished before or now. */
    public List<Cell> run(List<EncoderRef> encoders, List<Target> targets) {
        int total = targets.size() * encoders.size() * o.seeds() * o.modes().size() * o.fractions().length, index = 0, computed = 0;
        List<Cell> cells = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Target t : targets) {
            int[] strata = t.strata();
            for (long seed = 0; seed < o.seeds(); seed++) {
                List<Subsets.Subset> subsets = Subsets.nested(t.name(), strata, t.type() == TaskType.MULTICLASS ? t.classes() : 0, o.fractions(), seed);
                for (Subsets.Subset s : subsets) {
                    Subsets.write(dir.resolve("splits").resolve(Subsets.fileName(s)), s);
                    if (!s.shortfalls().isEmpty() && s.fraction() == o.fractions()[0]) out.println("note task=" + t.name() + " seed=" + seed + ": " + s.shortfalls());
                }
                for (EncoderRef enc : encoders) {
                    for (String mode : o.modes()) {
                        for (Subsets.Subset s : subsets) {
                            index++;
                            Cell.Key key = new Cell.Key(enc.init(), t.name(), s.fraction(), seed, mode);
                            Cell done = Cell.find(dir, key);
                            if (done != null) {
                                if (!done.encoderId().equals(enc.id(seed))) {
                                    throw new InputException("study " + dir + ": cell " + key.file() + " was computed with encoder " + done.encoderId()
                                            + ", this run's " + enc.init() + " encoder is " + enc.id(seed) + "; use another --out or delete the cells");
                                }
                                cells.add(done);
                                continue;
                            }
                            long c0 = System.nanoTime();
                            Cell c = runCell(enc, t, s, mode, key);
                            c.write(dir);
                            cells.add(c);
                            computed++;
                            double el = (System.nanoTime() - t0) / 1e9, per = el / computed;
                            out.printf(Locale.ROOT, "cell %d/%d task=%s init=%s mode=%s fraction=%s n=%d seed=%d %s=%.4f [%.4f, %.4f] %.1fs eta=%.0fs%n",
                                    index, total, t.name(), enc.init(), mode, pct(s.fraction()), s.count(), seed, c.metric(), c.metrics().get(c.metric()),
                                    ci(c)[0], ci(c)[1], (System.nanoTime() - c0) / 1e9, per * (total - index));
                        }
                    }
                }
            }
        }
        if (computed < total) out.println("cells " + (total - computed) + " of " + total + " were already done in " + dir.resolve("cells") + " (skipped)");
        return cells;
    }

    private static double[] ci(Cell c) {
        return c.intervals().getOrDefault(c.metric(), new double[] {Double.NaN, Double.NaN});
    }

    static String pct(double f) {
        return Cell.fractionId(f).replace('p', '.') + "%";
    }

    private Cell runCell(EncoderRef enc, Target t, Subsets.Subset s, String mode, Cell.Key key) {
        long t0 = System.nanoTime();
        Map<String, String> details = new LinkedHashMap<>();
        Predictions predictions;
        boolean probe = t.type() == TaskType.MULTICLASS || t.type() == TaskType.MULTILABEL;
        if (mode.startsWith("frozen") && probe) {
            boolean allStages = mode.equals("frozen-all");
            SwinEncoder e = new SwinEncoder(enc.config(), EncoderRef.initRng(key.seed()));
            enc.loadInto(e);
            String id = enc.id(key.seed());
            FeatureCache.Features tr = features.get(id, t.name(), "train", e, t.train(), o.featureBatch());
            FeatureCache.Features va = features.get(id, t.name(), "val", e, t.val(), o.featureBatch());
            FeatureCache.Features te = features.get(id, t.name(), "test", e, t.test(), o.featureBatch());
            int d = tr.dim(allStages);
            double[] xtr = new double[s.count() * d];
            for (int i = 0; i < s.count(); i++) System.arraycopy(tr.pick(allStages), s.indices()[i] * d, xtr, i * d, d);
            details.put("features", allStages ? "all stages pooled" : "last stage pooled");
            if (t.type() == TaskType.MULTICLASS) {
                int[] all = labels(t.train()), ytr = new int[s.count()];
                for (int i = 0; i < s.count(); i++) ytr[i] = all[s.indices()[i]];
                FrozenProbe.Fit fit = FrozenProbe.fit(xtr, ytr, va.pick(allStages), labels(t.val()), te.pick(allStages), d, t.classes());
                details.put("probe", fit.describe());
                predictions = Scoring.classification(fit.testProb(), labels(t.test()), t.classes());
            } else {
                float[][] all = truth(t.train()), ytr = new float[s.count()][];
                for (int i = 0; i < s.count(); i++) ytr[i] = all[s.indices()[i]];
                FrozenProbe.MultiLabelFit fit = FrozenProbe.fitPerLabel(xtr, ytr, va.pick(allStages), truth(t.val()), te.pick(allStages), d, t.classes());
                details.put("probe", fit.describe());
                predictions = new Predictions.MultiLabel(t.classes(), fit.testLogits(), truth(t.test()));
            }
        } else {
            FineTuner.Result r = FineTuner.train(backend, enc, t, t.trainSubset(s.indices()), key.seed(), mode.equals("finetune"), o.fineTune(),
                    line -> out.println("  " + key.init() + " " + mode + " " + pct(s.fraction()) + " seed=" + key.seed() + " " + line));
            details.put("steps", Integer.toString(r.steps()));
            details.put("best_step", Integer.toString(r.bestStep()));
            details.put("best_val", String.format(Locale.ROOT, "%.4f", r.bestVal()));
            predictions = Evaluator.predict(backend, r.shared(), r.task(), t.test(), o.fineTune().evalBatch());
        }
        Scoring.Scored scored = Scoring.score(predictions, o.bootstrap(), key.seed());
        return new Cell(key, enc.id(key.seed()), s.count(), t.primaryMetric(), scored.metrics(), scored.intervals(), details,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Labels per split, read once (reading a real dataset's sample decodes its image). */
    private final Map<org.umedpt.multitask.data.Dataset, int[]> labelCache = new java.util.IdentityHashMap<>();

    private final Map<org.umedpt.multitask.data.Dataset, float[][]> truthCache = new java.util.IdentityHashMap<>();

    private int[] labels(org.umedpt.multitask.data.Dataset d) {
        return labelCache.computeIfAbsent(d, TransferStudy::readLabels);
    }

    private float[][] truth(org.umedpt.multitask.data.Dataset d) {
        return truthCache.computeIfAbsent(d, x -> {
            float[][] y = new float[x.size()][];
            for (int i = 0; i < y.length; i++) y[i] = x.get(i).labels();
            return y;
        });
    }

    private static int[] readLabels(org.umedpt.multitask.data.Dataset d) {
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) y[i] = d.get(i).label();
        return y;
    }
}

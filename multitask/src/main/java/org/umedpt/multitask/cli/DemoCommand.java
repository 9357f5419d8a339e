package org.umedpt.multitask.cli;

import org.umedpt.multitask.report.Report;
import org.umedpt.multitask.transfer.Cell;
import org.umedpt.multitask.transfer.Demo;
import org.umedpt.multitask.transfer.EncoderRef;
import org.umedpt.multitask.transfer.TransferStudy;
import org.umedpt.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code umedpt demo}: the whole method on the embedded synthetic tasks — multi-task pretraining,
 * then the transfer study on one in-domain and one out-of-domain target, frozen and fine-tuned,
 * against random init — and its report. No download, nothing written outside {@code --out}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Pretrain a small Swin on the synthetic tasks, measure how much labelled data two held-apart targets need "
                + "(frozen probe and fine-tuning vs random init), and write the report (results.csv, report.md, PNG plots).",
                "Default grid: fractions 1,10,100 %%, 3 seeds (about 10 minutes on 2 cores); --full: 1,5,10,25,50,100 %%, 5 seeds, longer pretraining.",
                "Rerunning with the same --out reuses the pretrained encoder and the finished cells."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--full", description = "The whole grid (much longer).")
    boolean full;

    @Option(names = "--threads", defaultValue = "2", description = "CPU threads (default: ${DEFAULT-VALUE}; 0 = all cores).")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, or cuda (TF32 GEMMs), cuda:fp32, cuda:bf16 (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--rounds", hidden = true, description = "Pretraining rounds (tuning only).")
    Integer rounds;

    @Option(names = "--seeds", hidden = true, description = "Seeds per cell (tuning only).")
    Integer seeds;

    @Override
    public Integer call() {
        Demo.Plan plan = (full ? Demo.Plan.full() : Demo.Plan.small()).with(rounds, seeds);
        long t0 = System.nanoTime();
        try (Backend backend = DeviceOption.open(device, threads)) {
            System.out.println("demo: writing to " + out.toAbsolutePath());
            Path enc = Demo.pretrain(backend, plan, out.resolve("pretrain"), System.out);
            EncoderRef pretrained = EncoderRef.file("pretrained", enc, null, true);
            TransferStudy.Options o = new TransferStudy.Options(plan.fractions(), TransferStudy.MODES, plan.seeds(), plan.fineTune(), 200, 100);
            Path study = out.resolve("transfer");
            System.out.println("transfer: targets " + Demo.TARGETS + " (in-domain, out-of-domain), modes " + o.modes() + ", fractions "
                    + fractions(plan.fractions()) + ", " + plan.seeds() + " seeds, pretrained vs random init");
            List<Cell> cells = new TransferStudy(backend, study, o, System.out).run(List.of(pretrained, EncoderRef.random(pretrained.config())),
                    Demo.targets(plan));
            List<String> headline = Report.write(study, cells, out.resolve("pretrain").resolve("metrics.jsonl"),
                    "umedpt demo: synthetic pretraining → cells-shape (in-domain), ultrasound-target (out-of-domain)");
            System.out.println("headline:");
            headline.forEach(l -> System.out.println("  " + l));
            System.out.printf(Locale.ROOT, "report: %s (%.0f s)%n", study.resolve("report.md"), (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    static String fractions(double[] f) {
        StringBuilder sb = new StringBuilder();
        for (double x : f) sb.append(sb.length() > 0 ? "," : "").append(Cell.fractionId(x).replace('p', '.'));
        return sb + " %";
    }
}

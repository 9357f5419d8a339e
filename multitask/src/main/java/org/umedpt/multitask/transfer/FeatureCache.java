package org.umedpt.multitask.transfer;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.task.Task;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.swin.SwinOutput;
import org.umedpt.tensor.Backend;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.memory.Arena;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frozen encoder features, computed once per (encoder, task, split) and kept in
 * {@code DIR/features/<encoder id>-<task>-<split>.safetensors}. Two tensors per file:
 * {@code last} (N, C_K): the encoder's pooled output (final LayerNorm, global average pool — what a
 * classifier head sees), and {@code all} (N, C_1 + … + C_K): each stage's output averaged over
 * space, the last one replaced by {@code last} — multi-scale features, which transfer better at
 * small scale (../shared/notes/transfer-at-cpu-scale.md). Images are the splits' un-augmented draws.
 */
public final class FeatureCache {
    /** Features of one split, row-major. */
    public record Features(double[] last, int lastDim, double[] all, int allDim, int n) {
        public double[] pick(boolean allStages) {
            return allStages ? all : last;
        }

        public int dim(boolean allStages) {
            return allStages ? allDim : lastDim;
        }
    }

    private final Path dir;
    private final Backend backend;

    public FeatureCache(Path dir, Backend backend) {
        this.dir = dir;
        this.backend = backend;
    }

    /** The features of {@code data}, from the cache or computed with {@code enc} (in eval mode) and stored. */
    public Features get(String encoderId, String task, String split, SwinEncoder enc, Dataset data, int batchSize) {
        Path f = dir.resolve(encoderId + "-" + task + "-" + split + ".safetensors");
        if (Files.isRegularFile(f)) {
            SafeTensors.Contents c = SafeTensors.read(f);
            Tensor last = c.get("last"), all = c.get("all");
            if (last != null && all != null && last.dim(0) == data.size()) return of(last, all);
        }
        Features x = compute(enc, data, batchSize);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("last", toTensor(x.last(), x.n(), x.lastDim()));
        t.put("all", toTensor(x.all(), x.n(), x.allDim()));
        SafeTensors.write(f, t, Map.of("encoder", encoderId, "task", task, "split", split));
        return x;
    }

    Features compute(SwinEncoder enc, Dataset data, int batchSize) {
        boolean was = enc.training();
        enc.eval();
        Arena arena = new Arena();
        List<double[]> last = new ArrayList<>(), all = new ArrayList<>();
        int lastDim = 0, allDim = 0;
        try {
            for (int start = 0; start < data.size(); start += batchSize) {
                List<Sample> batch = new ArrayList<>();
                for (int i = start; i < Math.min(data.size(), start + batchSize); i++) batch.add(data.get(i));
                try (Graph g = new Graph(backend, arena, false)) {
                    SwinOutput out = enc.forward(g, Task.stack(g, batch), null);
                    float[] pooled = out.pooled().toArray();
                    int c = out.pooled().dim(1);
                    lastDim = c;
                    List<float[]> stages = new ArrayList<>();
                    int total = 0;
                    for (int s = 0; s < out.stages().size() - 1; s++) {
                        stages.add(out.stages().get(s).toArray());
                        total += out.stages().get(s).dim(3);
                    }
                    allDim = total + c;
                    for (int b = 0; b < batch.size(); b++) {
                        double[] l = new double[c], a = new double[allDim];
                        for (int k = 0; k < c; k++) l[k] = pooled[b * c + k];
                        int at = 0;
                        for (int s = 0; s < stages.size(); s++) {
                            Tensor st = out.stages().get(s); // (B, H, W, C)
                            int hw = st.dim(1) * st.dim(2), ch = st.dim(3);
                            float[] v = stages.get(s);
                            for (int p = 0; p < hw; p++) for (int k = 0; k < ch; k++) a[at + k] += v[(b * hw + p) * ch + k];
                            for (int k = 0; k < ch; k++) a[at + k] /= hw;
                            at += ch;
                        }
                        System.arraycopy(l, 0, a, at, c);
                        last.add(l);
                        all.add(a);
                    }
                }
            }
        } finally {
            enc.train(was);
        }
        return new Features(flatten(last, lastDim), lastDim, flatten(all, allDim), allDim, data.size());
    }

    private static double[] flatten(List<double[]> rows, int d) {
        double[] out = new double[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, out, i * d, d);
        return out;
    }

    private static Features of(Tensor last, Tensor all) {
        return new Features(toDoubles(last), last.dim(1), toDoubles(all), all.dim(1), last.dim(0));
    }

    private static double[] toDoubles(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static Tensor toTensor(double[] v, int n, int d) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, n, d);
    }
}

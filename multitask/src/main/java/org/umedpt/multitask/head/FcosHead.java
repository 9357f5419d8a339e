package org.umedpt.multitask.head;

import org.umedpt.nn.Conv2d;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A detection task's own FCOS head on the shared neck: class logits (3×3 conv on the
 * classification tower, bias at the 1 % prior), box distances l, t, r, b (3×3 conv on the
 * regression tower, exp(scale_level · x) · stride with a learnable scale per level) and
 * centerness (3×3 conv on the regression tower).
 */
public final class FcosHead extends Module {
    public final int classes;
    private final Conv2d cls, box, ctr;
    private final Tensor scales;

    /** All levels flattened to rows: location r of level l of image b, levels in order. */
    public record Outputs(Tensor logits, Tensor distances, Tensor centerness, List<int[]> levelShapes) {}

    public FcosHead(int classes, Rng rng) {
        this.classes = classes;
        this.cls = child("cls_logits", new Conv2d(DetectionNeck.CHANNELS, classes, 3, 1, 1, true, rng));
        this.box = child("bbox_pred", new Conv2d(DetectionNeck.CHANNELS, 4, 3, 1, 1, true, rng));
        this.ctr = child("centerness", new Conv2d(DetectionNeck.CHANNELS, 1, 3, 1, 1, true, rng));
        this.scales = param("scales", Tensor.ones(DetectionNeck.LEVELS));
        java.util.Arrays.fill(cls.bias.data(), (float) -Math.log((1 - 0.01) / 0.01));
    }

    /**
     * Per level, (B, K, H, W) → rows (B·H·W, K), then all levels concatenated: logits (N, C),
     * distances in pixels (N, 4), centerness logits (N, 1). Row order: level, image, y, x.
     */
    public Outputs forward(Graph g, List<DetectionNeck.Level> levels) {
        List<Tensor> lg = new ArrayList<>(), ds = new ArrayList<>(), ct = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        List<Tensor> clsIn = new ArrayList<>(), regIn = new ArrayList<>();
        for (DetectionNeck.Level lv : levels) {
            clsIn.add(lv.cls());
            regIn.add(lv.reg());
        }
        // each head conv runs on every level in one GEMM
        List<Tensor> clsOut = cls.forward(g, clsIn), boxOut = box.forward(g, regIn), ctrOut = ctr.forward(g, regIn);
        for (int l = 0; l < levels.size(); l++) {
            DetectionNeck.Level lv = levels.get(l);
            lg.add(rows(g, clsOut.get(l)));
            Tensor raw = rows(g, boxOut.get(l));
            Tensor scale = Ops.slice(g, scales, 0, l, l + 1);
            ds.add(Ops.mul(g, Ops.exp(g, Ops.mul(g, raw, scale)), (float) lv.stride()));
            ct.add(rows(g, ctrOut.get(l)));
            shapes.add(new int[] {lv.cls().dim(0), lv.cls().dim(2), lv.cls().dim(3), lv.stride()});
        }
        return new Outputs(Ops.concat(g, 0, lg.toArray(new Tensor[0])), Ops.concat(g, 0, ds.toArray(new Tensor[0])),
                Ops.concat(g, 0, ct.toArray(new Tensor[0])), shapes);
    }

    private static Tensor rows(Graph g, Tensor nchw) {
        int k = nchw.dim(1);
        return Ops.reshape(g, Ops.permute(g, nchw, 0, 2, 3, 1), -1, k);
    }
}

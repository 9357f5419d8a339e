package org.umedpt.multitask.loss;

import org.umedpt.multitask.eval.Box;
import org.umedpt.multitask.head.FcosHead;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.autograd.Reduction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * FCOS training targets, loss and decoding (Tian et al. 2019), over the rows of {@link FcosHead.Outputs}
 * (level, image, y, x). A location of a level with stride s sits at (s·x + s/2, s·y + s/2).
 *
 * <ul>
 *   <li><b>Assignment</b>: a location is positive for a box that contains it and whose largest
 *       distance max(l, t, r, b) falls in the level's range (0, 64], (64, 128], (128, 256],
 *       (256, 512], (512, ∞); among several, the smallest box.</li>
 *   <li><b>Loss</b>: sigmoid focal (γ 2, α 0.25, summed) / #positives / ln C + IoU loss
 *       (−ln IoU, mean over positives) + 0.2 × centerness BCE (mean over positives); ln C at least
 *       ln 2, #positives at least 1.</li>
 *   <li><b>Decoding</b>: score √(σ(cls)·σ(ctr)) ≥ 0.05, the top 1000 per level, per-class NMS at
 *       IoU 0.5, at most 100 boxes per image.</li>
 * </ul>
 */
public final class Fcos {
    private Fcos() {}

    static final float[] RANGES = {0, 64, 128, 256, 512, Float.POSITIVE_INFINITY};

    /** Per row: one-hot classes (N·C), distances l, t, r, b (N·4), centerness (N); and the positive rows. */
    public record Targets(float[] classes, float[] distances, float[] centerness, int[] positives) {}

    public static Targets assign(List<int[]> levelShapes, List<List<Box>> boxes, int classes) {
        int total = 0;
        for (int[] s : levelShapes) total += s[0] * s[1] * s[2];
        float[] cls = new float[total * classes], dist = new float[total * 4], ctr = new float[total];
        List<Integer> pos = new ArrayList<>();
        int row = 0;
        for (int l = 0; l < levelShapes.size(); l++) {
            int[] s = levelShapes.get(l);
            int b = s[0], h = s[1], w = s[2], stride = s[3];
            float lo = RANGES[Math.min(l, RANGES.length - 2)], hi = RANGES[Math.min(l + 1, RANGES.length - 1)];
            for (int img = 0; img < b; img++) {
                List<Box> gts = boxes.get(img);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++, row++) {
                        float px = stride * x + stride / 2f, py = stride * y + stride / 2f;
                        Box best = null;
                        float bestArea = Float.POSITIVE_INFINITY;
                        for (Box g : gts) {
                            float dl = px - g.x1(), dt = py - g.y1(), dr = g.x2() - px, db = g.y2() - py;
                            if (Math.min(Math.min(dl, dt), Math.min(dr, db)) <= 0) continue;
                            float m = Math.max(Math.max(dl, dt), Math.max(dr, db));
                            if (m <= lo || m > hi) continue;
                            if (g.area() < bestArea) {
                                bestArea = g.area();
                                best = g;
                            }
                        }
                        if (best == null) continue;
                        if (best.label() < 0 || best.label() >= classes) {
                            throw new IllegalArgumentException("FCOS: box class " + best.label() + " not in [0, " + classes + ")");
                        }
                        float dl = px - best.x1(), dt = py - best.y1(), dr = best.x2() - px, db = best.y2() - py;
                        cls[row * classes + best.label()] = 1f;
                        dist[row * 4] = dl;
                        dist[row * 4 + 1] = dt;
                        dist[row * 4 + 2] = dr;
                        dist[row * 4 + 3] = db;
                        ctr[row] = (float) Math.sqrt(Math.min(dl, dr) / Math.max(dl, dr) * Math.min(dt, db) / Math.max(dt, db));
                        pos.add(row);
                    }
                }
            }
        }
        return new Targets(cls, dist, ctr, pos.stream().mapToInt(Integer::intValue).toArray());
    }

    public static Tensor loss(Graph g, FcosHead.Outputs out, Targets t) {
        int n = out.logits().dim(0), c = out.logits().dim(1), np = t.positives().length;
        Tensor focal = Ops.sigmoidFocalLoss(g, out.logits(), g.of(t.classes(), n, c), 0.25f, 2f, Reduction.SUM);
        Tensor loss = Ops.mul(g, focal, (float) (1.0 / Math.max(np, 1) / Math.log(Math.max(c, 2))));
        if (np == 0) return loss;
        float[] idx = new float[np], regT = new float[np * 4], ctrT = new float[np];
        for (int i = 0; i < np; i++) {
            int r = t.positives()[i];
            idx[i] = r;
            System.arraycopy(t.distances(), r * 4, regT, i * 4, 4);
            ctrT[i] = t.centerness()[r];
        }
        Tensor rows = g.of(idx, np);
        Tensor pred = Ops.indexSelect(g, out.distances(), rows);                 // (P, 4)
        Tensor target = g.of(regT, np, 4);
        // IoU of l,t,r,b boxes around the same point: inter = (min l + min r)(min t + min b)
        Tensor mins = Ops.sub(g, target, Ops.relu(g, Ops.sub(g, target, pred)));   // min(pred, target)
        Tensor[] m = Ops.split(g, mins, 1, 1, 1, 1, 1), p = Ops.split(g, pred, 1, 1, 1, 1, 1), q = Ops.split(g, target, 1, 1, 1, 1, 1);
        Tensor inter = Ops.mul(g, Ops.add(g, m[0], m[2]), Ops.add(g, m[1], m[3]));
        Tensor areaP = Ops.mul(g, Ops.add(g, p[0], p[2]), Ops.add(g, p[1], p[3]));
        Tensor areaT = Ops.mul(g, Ops.add(g, q[0], q[2]), Ops.add(g, q[1], q[3]));
        Tensor iou = Ops.div(g, inter, Ops.sub(g, Ops.add(g, areaP, areaT), inter));
        Tensor iouLoss = Ops.neg(g, Ops.mean(g, Ops.log(g, Ops.clampMin(g, iou, 1e-6f))));
        Tensor ctrLogits = Ops.indexSelect(g, out.centerness(), rows);             // (P, 1)
        Tensor ctrLoss = Ops.bceWithLogits(g, ctrLogits, g.of(ctrT, np, 1), Reduction.MEAN);
        return Ops.add(g, Ops.add(g, loss, iouLoss), Ops.mul(g, ctrLoss, 0.2f));
    }

    /** Boxes per image from the head's outputs (values read on the host). */
    public static List<List<Box>> decode(FcosHead.Outputs out, int images, float scoreThreshold, float nmsIou, int maxBoxes) {
        float[] lg = out.logits().toArray(), ds = out.distances().toArray(), ct = out.centerness().toArray();
        int c = out.logits().dim(1);
        List<List<Box>> perImage = new ArrayList<>();
        for (int i = 0; i < images; i++) perImage.add(new ArrayList<>());
        int row = 0;
        for (int[] s : out.levelShapes()) {
            int b = s[0], h = s[1], w = s[2], stride = s[3];
            for (int img = 0; img < b; img++) {
                List<Box> cand = new ArrayList<>();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++, row++) {
                        float px = stride * x + stride / 2f, py = stride * y + stride / 2f;
                        float centerness = sigmoid(ct[row]);
                        for (int k = 0; k < c; k++) {
                            float score = (float) Math.sqrt(sigmoid(lg[row * c + k]) * centerness);
                            if (score < scoreThreshold) continue;
                            cand.add(new Box(px - ds[row * 4], py - ds[row * 4 + 1], px + ds[row * 4 + 2], py + ds[row * 4 + 3], k, score));
                        }
                    }
                }
                cand.sort(Comparator.comparingDouble((Box x) -> -x.score()));
                perImage.get(img).addAll(cand.subList(0, Math.min(1000, cand.size())));
            }
        }
        List<List<Box>> result = new ArrayList<>();
        for (List<Box> cand : perImage) result.add(nms(cand, nmsIou, maxBoxes));
        return result;
    }

    /** Per-class greedy non-maximum suppression, highest score first, at most {@code max} boxes. */
    public static List<Box> nms(List<Box> boxes, float iou, int max) {
        List<Box> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingDouble((Box x) -> -x.score()));
        List<Box> keep = new ArrayList<>();
        for (Box b : sorted) {
            boolean suppressed = false;
            for (Box k : keep) {
                if (k.label() == b.label() && k.iou(b) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) keep.add(b);
            if (keep.size() == max) break;
        }
        return keep;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}

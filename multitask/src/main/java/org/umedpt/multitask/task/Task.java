package org.umedpt.multitask.task;

import org.umedpt.multitask.data.Dataset;
import org.umedpt.multitask.data.Sample;
import org.umedpt.multitask.head.FcosHead;
import org.umedpt.multitask.head.SharedBlocks;
import org.umedpt.multitask.loss.Fcos;
import org.umedpt.multitask.head.PixelDecoder;
import org.umedpt.multitask.loss.TaskLoss;
import org.umedpt.nn.Conv2d;
import org.umedpt.nn.Linear;
import org.umedpt.nn.Module;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.List;

/**
 * One task of a multi-task run: its data, its small head, its loss and its weight in the sum.
 * Heads: classification a Linear on the squeezer vector; segmentation a 3×3 conv from the pixel
 * embedding to the classes; detection an FCOS head on the shared neck. The head is the task's own module, with its own optimizer in the
 * trainer; everything else is shared.
 */
public final class Task {
    public final String name;
    public final TaskType type;
    public final int classes;
    public final Dataset data;
    public final int batchSize;
    public final float lossWeight;
    public final Module head;

    public Task(String name, TaskType type, int classes, Dataset data, int batchSize, float lossWeight, int featureDim, Rng rng) {
        if (classes < 1 || batchSize < 1 || !(lossWeight >= 0)) {
            throw new IllegalArgumentException("task " + name + ": need classes >= 1, batch size >= 1, loss weight >= 0");
        }
        this.name = name;
        this.type = type;
        this.classes = classes;
        this.data = data;
        this.batchSize = batchSize;
        this.lossWeight = lossWeight;
        this.head = switch (type) {
            case SEGMENTATION -> new SegHead(classes, rng);
            case DETECTION -> new FcosHead(classes, rng);
            default -> new ClsHead(featureDim, classes, rng);
        };
    }

    private SharedBlocks.Need need() {
        return switch (type) {
            case SEGMENTATION -> SharedBlocks.Need.PIXELS;
            case DETECTION -> SharedBlocks.Need.LEVELS;
            default -> SharedBlocks.Need.POOLED;
        };
    }

    /** Logits of a batch: (B, classes) for classification, (B, classes, H/2, W/2) for segmentation. */
    public Tensor logits(Graph g, SharedBlocks shared, Tensor images, Rng rng) {
        if (type == TaskType.DETECTION) throw new IllegalStateException("task " + name + ": detection has no logits; use detect()");
        SharedBlocks.Features f = shared.forward(g, images, need(), rng);
        return type == TaskType.SEGMENTATION ? ((SegHead) head).conv.forward(g, f.pixels()) : ((ClsHead) head).fc.forward(g, f.pooled());
    }

    /** The FCOS head's outputs for a batch (detection tasks). */
    public FcosHead.Outputs detect(Graph g, SharedBlocks shared, Tensor images, Rng rng) {
        return ((FcosHead) head).forward(g, shared.forward(g, images, SharedBlocks.Need.LEVELS, rng).levels());
    }

    /** The weighted loss of a batch. */
    public Tensor loss(Graph g, SharedBlocks shared, List<Sample> batch, Rng rng) {
        Tensor images = stack(g, batch);
        if (type == TaskType.DETECTION) {
            FcosHead.Outputs out = detect(g, shared, images, rng);
            Tensor loss = Fcos.loss(g, out, Fcos.assign(out.levelShapes(), batch.stream().map(Sample::boxes).toList(), classes));
            return lossWeight == 1f ? loss : Ops.mul(g, loss, lossWeight);
        }
        Tensor logits = logits(g, shared, images, rng);
        Tensor loss = switch (type) {
            case MULTICLASS -> TaskLoss.classification(g, logits, batch.stream().mapToInt(Sample::label).toArray());
            case MULTILABEL -> {
                float[] t = new float[batch.size() * classes];
                for (int i = 0; i < batch.size(); i++) System.arraycopy(batch.get(i).labels(), 0, t, i * classes, classes);
                yield TaskLoss.multiLabel(g, logits, t);
            }
            case SEGMENTATION -> TaskLoss.segmentation(g, logits, resizeMasks(batch, logits.dim(2), logits.dim(3)));
            case DETECTION -> throw new IllegalStateException("detection");
        };
        return lossWeight == 1f ? loss : Ops.mul(g, loss, lossWeight);
    }

    /** The batch's images as one (B, 3, H, W) arena tensor. */
    public static Tensor stack(Graph g, List<Sample> batch) {
        Sample s0 = batch.get(0);
        int per = 3 * s0.height() * s0.width();
        float[] all = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) System.arraycopy(batch.get(i).image(), 0, all, i * per, per);
        return g.of(all, batch.size(), 3, s0.height(), s0.width());
    }

    /** Masks nearest-resized to the logits' size (PyTorch's nearest: src = floor(dst · in / out)). */
    public static int[] resizeMasks(List<Sample> batch, int oh, int ow) {
        int[] out = new int[batch.size() * oh * ow];
        for (int b = 0; b < batch.size(); b++) {
            Sample s = batch.get(b);
            float sy = (float) s.height() / oh, sx = (float) s.width() / ow;
            for (int y = 0; y < oh; y++) {
                int iy = Math.min((int) Math.floor(y * sy), s.height() - 1);
                for (int x = 0; x < ow; x++) {
                    int ix = Math.min((int) Math.floor(x * sx), s.width() - 1);
                    out[(b * oh + y) * ow + x] = s.mask()[iy * s.width() + ix];
                }
            }
        }
        return out;
    }

    static final class ClsHead extends Module {
        final Linear fc;

        ClsHead(int in, int classes, Rng rng) {
            fc = child("fc", new Linear(in, classes, true, rng));
        }
    }

    static final class SegHead extends Module {
        final Conv2d conv;

        SegHead(int classes, Rng rng) {
            conv = child("conv", new Conv2d(PixelDecoder.EMBEDDING, classes, 3, 1, 1, true, rng));
        }
    }
}

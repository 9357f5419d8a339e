package org.umedpt.multitask.head;

import org.umedpt.nn.Conv2d;
import org.umedpt.nn.Module;
import org.umedpt.nn.ModuleList;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared detection neck of all detection tasks (FCOS): an FPN over the Swin stages from
 * stage 2 up (1×1 laterals to 128 channels, nearest top-down upsampling and sums, 3×3 output
 * convs), extra levels by stride-2 3×3 convs until there are five (strides 8 … 128 for a Swin
 * pyramid), then two towers shared by every level — classification and regression — each
 * 4 × [3×3 conv, GroupNorm(1), GELU].
 */
public final class DetectionNeck extends Module {
    public static final int CHANNELS = 128;
    public static final int LEVELS = 5;

    private final ModuleList<Conv2d> lateral = new ModuleList<>(), output = new ModuleList<>(), extra = new ModuleList<>();
    private final ModuleList<ConvBlock> clsTower = new ModuleList<>(), regTower = new ModuleList<>();
    private final int firstStage;

    /** Per level: the towers' outputs (B, 128, H_l, W_l) and the level's stride in input pixels. */
    public record Level(Tensor cls, Tensor reg, int stride) {}

    /** @param stageChannels channels of the encoder stages, shallow to deep (stage 1 at stride {@code patch}) */
    public DetectionNeck(int[] stageChannels, Rng rng) {
        if (stageChannels.length < 2) throw new IllegalArgumentException("DetectionNeck: needs at least 2 encoder stages");
        this.firstStage = 1; // stage 2
        child("lateral", lateral);
        child("output", output);
        child("extra", extra);
        child("cls_tower", clsTower);
        child("reg_tower", regTower);
        for (int s = firstStage; s < stageChannels.length; s++) {
            lateral.add(new Conv2d(stageChannels[s], CHANNELS, 1, 1, 0, true, rng));
            output.add(new Conv2d(CHANNELS, CHANNELS, 3, 1, 1, true, rng));
        }
        for (int l = stageChannels.length - firstStage; l < LEVELS; l++) extra.add(new Conv2d(CHANNELS, CHANNELS, 3, 2, 1, true, rng));
        for (int i = 0; i < 4; i++) {
            clsTower.add(new ConvBlock(CHANNELS, CHANNELS, ConvBlock.Activation.GELU, rng));
            regTower.add(new ConvBlock(CHANNELS, CHANNELS, ConvBlock.Activation.GELU, rng));
        }
    }

    /** stages (B, H_i, W_i, C_i) shallow to deep; {@code patch}: stage 1's stride. */
    public List<Level> forward(Graph g, List<Tensor> stages, int patch) {
        int n = lateral.size();
        Tensor[] lat = new Tensor[n];
        for (int i = 0; i < n; i++) lat[i] = lateral.get(i).forward(g, Ops.permute(g, stages.get(firstStage + i), 0, 3, 1, 2));
        Tensor[] p = new Tensor[n];
        p[n - 1] = lat[n - 1];
        for (int i = n - 2; i >= 0; i--) p[i] = Ops.add(g, lat[i], Ops.resizeNearest(g, p[i + 1], lat[i].dim(2), lat[i].dim(3)));
        List<Tensor> maps = new ArrayList<>();
        for (int i = 0; i < n; i++) maps.add(output.get(i).forward(g, p[i]));
        Tensor last = maps.get(n - 1);
        for (int e = 0; e < extra.size(); e++) {
            last = extra.get(e).forward(g, e == 0 ? last : Ops.relu(g, last));
            maps.add(last);
        }
        // the towers are shared by all levels: each conv runs on every level in one GEMM
        List<Tensor> c = maps, r = maps;
        for (ConvBlock b : clsTower.items()) c = b.forward(g, c);
        for (ConvBlock b : regTower.items()) r = b.forward(g, r);
        List<Level> levels = new ArrayList<>();
        int stride = patch << firstStage;
        for (int l = 0; l < maps.size(); l++) {
            levels.add(new Level(c.get(l), r.get(l), stride));
            stride *= 2;
        }
        return levels;
    }
}

package org.umedpt.nn.swin;

import org.umedpt.nn.LayerNorm;
import org.umedpt.nn.Linear;
import org.umedpt.nn.Module;
import org.umedpt.nn.ModuleList;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The Swin Transformer encoder (v1 or v2), module for module torchvision's {@code SwinTransformer}
 * so that parameter names match: {@code features.0} patch embedding, then for each stage i
 * {@code features.(2i+1)} its blocks and {@code features.(2i+2)} the patch merging after it (none
 * after the last), {@code norm}, and an optional {@code head}.
 *
 * <p>Input (N, 3, H, W), any H and W (sides that are not window multiples are padded inside each
 * block, as torchvision does). See {@link SwinOutput} for the outputs.
 */
public final class SwinEncoder extends Module {
    public final SwinConfig config;
    private final PatchEmbed embed;
    private final List<ModuleList<SwinBlock>> stages = new ArrayList<>();
    private final List<PatchMerging> merges = new ArrayList<>();
    public final LayerNorm norm;
    public final Linear head;

    /** Builds the encoder with torchvision's initialisation, drawing from {@code rng}. */
    public SwinEncoder(SwinConfig config, Rng rng) {
        this.config = config;
        ModuleList<Module> features = child("features", new ModuleList<>());
        this.embed = (PatchEmbed) features.add(new PatchEmbed(config.patchSize(), 3, config.embedDim(), rng));
        int total = 0;
        for (int d : config.depths()) total += d;
        int blockId = 0;
        for (int s = 0; s < config.stages(); s++) {
            int dim = config.stageDim(s);
            ModuleList<SwinBlock> stage = new ModuleList<>();
            for (int i = 0; i < config.depths()[s]; i++) {
                float sd = total > 1 ? config.stochasticDepthProb() * blockId / (total - 1) : 0f;
                stage.add(new SwinBlock(config.version(), dim, config.numHeads()[s], config.windowSize(),
                        i % 2 == 0 ? 0 : config.windowSize() / 2, config.mlpRatio(), sd, rng));
                blockId++;
            }
            features.add(stage);
            stages.add(stage);
            if (s < config.stages() - 1) merges.add((PatchMerging) features.add(new PatchMerging(config.version(), dim, rng)));
        }
        this.norm = child("norm", new LayerNorm(config.numFeatures()));
        this.head = config.numClasses() > 0 ? child("head", new Linear(config.numFeatures(), config.numClasses(), true, rng)) : null;
    }

    /** x (N, 3, H, W). {@code rng} drives stochastic depth in training; it may be null in eval. */
    public SwinOutput forward(Graph g, Tensor x, Rng rng) {
        if (x.rank() != 4 || x.dim(1) != 3) {
            throw new IllegalArgumentException("Swin encoder: input must be (N, 3, H, W), got " + x.describe());
        }
        if (x.dim(2) < config.patchSize() || x.dim(3) < config.patchSize()) {
            throw new IllegalArgumentException("Swin encoder: input " + x.describe() + " is smaller than one patch of " + config.patchSize());
        }
        Tensor h = embed.forward(g, x);
        List<Tensor> outs = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            for (SwinBlock b : stages.get(s).items()) h = b.forward(g, h, rng);
            outs.add(h);
            if (s < merges.size()) h = merges.get(s).forward(g, h);
        }
        Tensor pooled = pool(g, h);
        return new SwinOutput(outs, pooled, head == null ? null : head.forward(g, pooled));
    }

    /** Final norm, then mean over H·W: (B, H, W, C) → (B, C). */
    private Tensor pool(Graph g, Tensor last) {
        int b = last.dim(0), c = last.dim(3);
        Tensor n = Ops.reshape(g, norm.forward(g, last), b, -1, c);
        return Ops.meanLast(g, Ops.permute(g, n, 0, 2, 1));
    }

    /**
     * Multiply-adds of one forward pass for one H×W image: convolutions, linear layers and the two
     * attention products (padded tokens included, as executed); norms, softmax and elementwise
     * ops are not counted — the convention behind torchvision's "GFLOPS" (4.49 for swin_t at 224).
     */
    public long flops(int height, int width) {
        long macs = embed.macs(height, width);
        int h = height / config.patchSize(), w = width / config.patchSize();
        for (int s = 0; s < stages.size(); s++) {
            for (SwinBlock b : stages.get(s).items()) macs += b.macs(h, w);
            if (s < merges.size()) {
                macs += merges.get(s).macs(h, w);
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
        }
        if (head != null) macs += (long) head.in * head.out;
        return macs;
    }
}

package org.umedpt.multitask.head;

import org.umedpt.nn.Module;
import org.umedpt.nn.ModuleList;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.List;

/**
 * The shared U-Net-style decoder of all segmentation tasks. From the deepest Swin stage: nearest
 * upsample to the next stage's size, concatenate that stage's map, two [3×3 conv, GroupNorm(1),
 * ReLU]; channels 96 / 64 / 32 for the last three skip levels; then one more ×2 upsample with two
 * blocks to 16 channels, and a 3×3 conv + GroupNorm + GELU to a 16-d embedding per pixel. For a
 * Swin pyramid (stage 1 at stride 4) the embedding is at stride 2.
 */
public final class PixelDecoder extends Module {
    public static final int EMBEDDING = 16;
    private static final int[] SKIP_CHANNELS = {96, 64, 32};

    private final ModuleList<Module> ups = new ModuleList<>();
    private final ConvBlock last1, last2, embed;

    /** @param stageChannels channels of the encoder's stages, shallow to deep */
    public PixelDecoder(int[] stageChannels, Rng rng) {
        int levels = stageChannels.length - 1;
        if (levels < 1 || levels > SKIP_CHANNELS.length) {
            throw new IllegalArgumentException("PixelDecoder: needs 2–4 encoder stages, got " + stageChannels.length);
        }
        child("up", ups);
        int in = stageChannels[stageChannels.length - 1];
        for (int l = 0; l < levels; l++) {
            int skip = stageChannels[stageChannels.length - 2 - l];
            int out = SKIP_CHANNELS[SKIP_CHANNELS.length - levels + l];
            ModuleList<ConvBlock> pair = new ModuleList<>();
            pair.add(new ConvBlock(in + skip, out, ConvBlock.Activation.RELU, rng));
            pair.add(new ConvBlock(out, out, ConvBlock.Activation.RELU, rng));
            ups.add(pair);
            in = out;
        }
        this.last1 = child("final.0", new ConvBlock(in, EMBEDDING, ConvBlock.Activation.RELU, rng));
        this.last2 = child("final.1", new ConvBlock(EMBEDDING, EMBEDDING, ConvBlock.Activation.RELU, rng));
        this.embed = child("embed", new ConvBlock(EMBEDDING, EMBEDDING, ConvBlock.Activation.GELU, rng));
    }

    /** stages: the encoder's maps, (B, H_i, W_i, C_i) shallow to deep → embedding (B, 16, 2·H_1, 2·W_1). */
    @SuppressWarnings("unchecked")
    public Tensor forward(Graph g, List<Tensor> stages) {
        int k = stages.size();
        Tensor x = Ops.permute(g, stages.get(k - 1), 0, 3, 1, 2);
        for (int l = 0; l < ups.size(); l++) {
            Tensor skip = Ops.permute(g, stages.get(k - 2 - l), 0, 3, 1, 2);
            x = Ops.resizeNearest(g, x, skip.dim(2), skip.dim(3));
            x = Ops.concat(g, 1, x, skip);
            ModuleList<ConvBlock> pair = (ModuleList<ConvBlock>) ups.get(l);
            x = pair.get(1).forward(g, pair.get(0).forward(g, x));
        }
        x = Ops.resizeNearest(g, x, 2 * x.dim(2), 2 * x.dim(3));
        x = last2.forward(g, last1.forward(g, x));
        return embed.forward(g, x);
    }
}

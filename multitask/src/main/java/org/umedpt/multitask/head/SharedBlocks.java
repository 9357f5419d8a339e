package org.umedpt.multitask.head;

import org.umedpt.nn.LayerNorm;
import org.umedpt.nn.Module;
import org.umedpt.nn.swin.SwinConfig;
import org.umedpt.nn.swin.SwinEncoder;
import org.umedpt.nn.swin.SwinOutput;
import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

import java.util.List;

/**
 * Everything the tasks share: the Swin encoder, the pooled "squeezer" vector for classification
 * (encoder's pooled feature → LayerNorm → GELU) and the pixel decoder for segmentation. Every task
 * of a type trains its type's shared block.
 */
public final class SharedBlocks extends Module {
    public final SwinEncoder encoder;
    public final LayerNorm squeezeNorm;
    public final PixelDecoder decoder;

    /** What a task's forward needs from the shared blocks. */
    public record Features(List<Tensor> stages, Tensor pooled, Tensor pixels) {}

    public SharedBlocks(SwinConfig config, Rng rng) {
        if (config.numClasses() != 0) throw new IllegalArgumentException("SharedBlocks: the shared encoder has no head (num_classes 0)");
        this.encoder = child("encoder", new SwinEncoder(config, rng));
        this.squeezeNorm = child("squeezer", new LayerNorm(config.numFeatures()));
        int[] ch = new int[config.stages()];
        for (int i = 0; i < ch.length; i++) ch[i] = config.stageDim(i);
        this.decoder = child("decoder", new PixelDecoder(ch, rng));
    }

    /** x (N, 3, H, W); {@code pixels} computes the decoder's embedding (segmentation tasks only). */
    public Features forward(Graph g, Tensor x, boolean pooled, boolean pixels, Rng rng) {
        SwinOutput out = encoder.forward(g, x, rng);
        Tensor squeezed = pooled ? Ops.gelu(g, squeezeNorm.forward(g, out.pooled())) : null;
        Tensor px = pixels ? decoder.forward(g, out.stages()) : null;
        return new Features(out.stages(), squeezed, px);
    }
}

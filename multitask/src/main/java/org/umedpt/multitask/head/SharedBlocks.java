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
 * (encoder's pooled feature → LayerNorm → GELU), the pixel decoder for segmentation and the FCOS
 * neck for detection. Every task of a type trains its type's shared block.
 */
public final class SharedBlocks extends Module {
    public final SwinEncoder encoder;
    public final LayerNorm squeezeNorm;
    public final PixelDecoder decoder;
    public final DetectionNeck neck;
    private final int patch;

    /** What a task's forward needs from the shared blocks (null where not requested). */
    public record Features(List<Tensor> stages, Tensor pooled, Tensor pixels, List<DetectionNeck.Level> levels) {}

    /** Which shared block a task type uses. */
    public enum Need { POOLED, PIXELS, LEVELS }

    public SharedBlocks(SwinConfig config, Rng rng) {
        if (config.numClasses() != 0) throw new IllegalArgumentException("SharedBlocks: the shared encoder has no head (num_classes 0)");
        this.encoder = child("encoder", new SwinEncoder(config, rng));
        this.squeezeNorm = child("squeezer", new LayerNorm(config.numFeatures()));
        int[] ch = new int[config.stages()];
        for (int i = 0; i < ch.length; i++) ch[i] = config.stageDim(i);
        this.decoder = child("decoder", new PixelDecoder(ch, rng));
        this.neck = child("neck", new DetectionNeck(ch, rng));
        this.patch = config.patchSize();
    }

    /** x (N, 3, H, W) through the encoder and the one shared block the task needs. */
    public Features forward(Graph g, Tensor x, Need need, Rng rng) {
        SwinOutput out = encoder.forward(g, x, rng);
        Tensor squeezed = need == Need.POOLED ? Ops.gelu(g, squeezeNorm.forward(g, out.pooled())) : null;
        Tensor px = need == Need.PIXELS ? decoder.forward(g, out.stages()) : null;
        List<DetectionNeck.Level> lv = need == Need.LEVELS ? neck.forward(g, out.stages(), patch) : null;
        return new Features(out.stages(), squeezed, px, lv);
    }
}

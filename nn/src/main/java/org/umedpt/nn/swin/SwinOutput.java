package org.umedpt.nn.swin;

import org.umedpt.tensor.Tensor;

import java.util.List;

/**
 * What the encoder returns.
 *
 * @param stages the output of each stage, (B, H_i, W_i, C_i) channels-last as torchvision's
 *               {@code features.1/3/5/7} (before the next patch merging); H_1 = H/patch, halved per stage
 * @param pooled final LayerNorm, then the mean over H and W: (B, C_last) — the head's input
 * @param logits the head's output (B, classes), or null when the encoder has no head
 */
public record SwinOutput(List<Tensor> stages, Tensor pooled, Tensor logits) {}

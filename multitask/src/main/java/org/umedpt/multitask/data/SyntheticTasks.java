package org.umedpt.multitask.data;

import org.umedpt.multitask.eval.Box;
import org.umedpt.multitask.task.TaskType;
import org.umedpt.tensor.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The embedded synthetic tasks: deterministic per (seed, index), generated on the fly, sharing
 * visual structure across tasks of a "modality" so that pretraining on some helps on others.
 *
 * <ul>
 *   <li><b>Fluorescence-like cells</b> (dark background, bright blurred ellipses):
 *       {@code cells-seg} (nuclei mask, 2 classes), {@code cells-det} (one box per cell),
 *       {@code cells-count} (1–3 / 4–7 / 8–12 cells, 3 classes).</li>
 *   <li><b>X-ray-like phantoms</b> (a body ellipse with rib stripes): {@code xray-lesion}
 *       (lesion present / absent), {@code xray-lesion-seg} (lesion mask).</li>
 *   <li><b>Histology-like textures</b>: {@code histo-tissue} (4 texture classes).</li>
 *   <li>Transfer targets, never used for pretraining: {@code cells-shape} (in-domain: are the
 *       cells elongated or round? Its cells are 1.6× the pretraining cells' size, so that an
 *       elongated cell's short axis stays over a pixel at 48 px) and {@code ultrasound-target} (out-of-domain: speckle with or
 *       without a bright arc, a modality no pretraining task has).</li>
 * </ul>
 */
public final class SyntheticTasks {
    private SyntheticTasks() {}

    /** What a synthetic task is. */
    public record Spec(String name, TaskType type, int classes) {}

    public static final List<Spec> PRETRAINING = List.of(
            new Spec("cells-seg", TaskType.SEGMENTATION, 2),
            new Spec("cells-det", TaskType.DETECTION, 1),
            new Spec("cells-count", TaskType.MULTICLASS, 3),
            new Spec("xray-lesion", TaskType.MULTICLASS, 2),
            new Spec("xray-lesion-seg", TaskType.SEGMENTATION, 2),
            new Spec("histo-tissue", TaskType.MULTICLASS, 4));

    public static final List<Spec> TRANSFER = List.of(
            new Spec("cells-shape", TaskType.MULTICLASS, 2),
            new Spec("ultrasound-target", TaskType.MULTICLASS, 2));

    public static Spec spec(String name) {
        for (Spec s : PRETRAINING) if (s.name().equals(name)) return s;
        for (Spec s : TRANSFER) if (s.name().equals(name)) return s;
        List<String> known = new ArrayList<>();
        PRETRAINING.forEach(s -> known.add(s.name()));
        TRANSFER.forEach(s -> known.add(s.name()));
        throw new IllegalArgumentException("unknown synthetic task '" + name + "'; known: " + known);
    }

    /** A dataset of {@code size} samples of task {@code name} at size×size pixels. */
    public static Dataset dataset(String name, int size, int samples, long seed) {
        spec(name); // validates the name
        BiFunction<Rng, Integer, Sample> gen = switch (name) {
            case "cells-seg", "cells-det", "cells-count" -> (r, i) -> cells(r, size, name, 0.5f);
            case "cells-shape" -> (r, i) -> cells(r, size, name, r.nextFloat() < 0.5f ? 0.45f : 1f);
            case "xray-lesion", "xray-lesion-seg" -> (r, i) -> xray(r, size, name);
            case "histo-tissue" -> (r, i) -> histology(r, size);
            case "ultrasound-target" -> (r, i) -> ultrasound(r, size);
            default -> throw new IllegalStateException(name);
        };
        return new Dataset() {
            public String name() { return name; }
            public int size() { return samples; }
            public int height() { return size; }
            public int width() { return size; }
            public Sample get(int index) {
                if (index < 0 || index >= samples) throw new IllegalArgumentException(name + ": index " + index + " out of [0, " + samples + ")");
                return gen.apply(new Rng(seed * 1_000_003L + index * 7919L + name.hashCode()), index);
            }
        };
    }

    /** Bright blurred ellipses on a dark noisy field. {@code elongation}: ry/rx of every cell (1 = round; random if 0.5). */
    private static Sample cells(Rng r, int s, String task, float elongation) {
        Canvas c = new Canvas(s, s, 0.08f);
        int[] mask = new int[s * s];
        boolean det = task.equals("cells-det");
        int count = 1 + r.nextInt(det ? 6 : 12);
        float size = det ? 2f : task.equals("cells-shape") ? 1.6f : 1f; // detection cells are larger: FCOS's finest level has stride 8
        List<Box> boxes = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            float rx = s * size * (0.04f + 0.04f * r.nextFloat());
            float ry = elongation == 0.5f ? rx * (0.6f + 0.8f * r.nextFloat()) : rx * elongation;
            float cy = rx + 1 + r.nextFloat() * (s - 2 * rx - 2), cx = rx + 1 + r.nextFloat() * (s - 2 * rx - 2);
            float angle = (float) (Math.PI * r.nextFloat());
            c.ellipse(cy, cx, ry, rx, angle, 0.5f + 0.4f * r.nextFloat(), mask, 1);
            float ext = Math.max(rx, ry);
            boxes.add(Box.truth(Math.max(0, cx - ext), Math.max(0, cy - ext), Math.min(s, cx + ext), Math.min(s, cy + ext), 0));
        }
        c.blur(1);
        c.noise(r, 0.03f);
        int cls = switch (task) {
            case "cells-count" -> count <= 3 ? 0 : count <= 7 ? 1 : 2;
            case "cells-shape" -> elongation < 0.9f ? 1 : 0;
            default -> -1;
        };
        return new Sample(c.toImage(), s, s, cls, null, task.equals("cells-seg") ? mask : null,
                det ? boxes : null);
    }

    /** A body ellipse with rib stripes; a bright lesion disk in half of the images. */
    private static Sample xray(Rng r, int s, String task) {
        Canvas c = new Canvas(s, s, 0.1f);
        c.ellipse(s / 2f, s / 2f, s * 0.45f, s * 0.38f, 0f, 0.35f, null, 0);
        c.waves(0.12f + 0.04f * r.nextFloat(), 0.01f, (float) (2 * Math.PI * r.nextFloat()), 0.06f);
        int[] mask = new int[s * s];
        boolean lesion = r.nextFloat() < 0.5f;
        if (lesion) {
            float rad = s * (0.08f + 0.06f * r.nextFloat());
            c.ellipse(s * (0.3f + 0.4f * r.nextFloat()), s * (0.3f + 0.4f * r.nextFloat()), rad, rad, 0f, 0.4f, mask, 1);
        }
        c.blur(1);
        c.noise(r, 0.04f);
        return new Sample(c.toImage(), s, s, lesion ? 1 : 0, null, task.equals("xray-lesion-seg") ? mask : null, null);
    }

    /** Four texture classes: fine blobs, stripes, coarse blobs, crossed stripes. */
    private static Sample histology(Rng r, int s) {
        int cls = r.nextInt(4);
        Canvas c = new Canvas(s, s, 0.5f);
        float phase = (float) (2 * Math.PI * r.nextFloat()), f = 0.08f + 0.04f * r.nextFloat();
        switch (cls) {
            case 0, 2 -> {
                int n = cls == 0 ? 40 : 8;
                float rad = s * (cls == 0 ? 0.045f : 0.12f);
                for (int k = 0; k < n; k++) {
                    c.ellipse(r.nextFloat() * s, r.nextFloat() * s, rad, rad * (0.7f + 0.6f * r.nextFloat()), 0f,
                            r.nextFloat() < 0.5f ? 0.25f : -0.25f, null, 0);
                }
            }
            case 1 -> c.waves(f, f * (r.nextFloat() - 0.5f), phase, 0.2f);
            default -> {
                c.waves(f, 0f, phase, 0.15f);
                c.waves(0f, f, phase, 0.15f);
            }
        }
        c.noise(r, 0.05f);
        return new Sample(c.toImage(), s, s, cls, null, null, null);
    }

    /** Speckle (multiplicative noise, no blur); half the images hold a bright arc. */
    private static Sample ultrasound(Rng r, int s) {
        Canvas c = new Canvas(s, s, 0.3f);
        boolean target = r.nextFloat() < 0.5f;
        if (target) {
            float cy = s * (0.4f + 0.2f * r.nextFloat()), cx = s * (0.4f + 0.2f * r.nextFloat()), rad = s * (0.2f + 0.1f * r.nextFloat());
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double d = Math.hypot(y - cy, x - cx);
                    if (Math.abs(d - rad) < 1.5 && y < cy) c.px[y * s + x] += 0.4f;
                }
            }
        }
        for (int i = 0; i < c.px.length; i++) c.px[i] *= (float) (0.4 + 1.2 * r.nextDouble());
        return new Sample(c.toImage(), s, s, target ? 1 : 0, null, null, null);
    }
}

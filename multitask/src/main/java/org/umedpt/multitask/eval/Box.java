package org.umedpt.multitask.eval;

/** An axis-aligned box (x1, y1) – (x2, y2) in pixels, with a class and (for detections) a score. */
public record Box(float x1, float y1, float x2, float y2, int label, float score) {

    public Box {
        if (!(x2 >= x1 && y2 >= y1)) {
            throw new IllegalArgumentException("box: need x1 <= x2 and y1 <= y2, got (" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")");
        }
    }

    /** A ground-truth box (score 1). */
    public static Box truth(float x1, float y1, float x2, float y2, int label) {
        return new Box(x1, y1, x2, y2, label, 1f);
    }

    public float area() {
        return (x2 - x1) * (y2 - y1);
    }

    /** Intersection over union, continuous coordinates (no +1, as COCO). */
    public float iou(Box o) {
        float w = Math.min(x2, o.x2) - Math.max(x1, o.x1), h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (w <= 0 || h <= 0) return 0f;
        float inter = w * h;
        return inter / (area() + o.area() - inter);
    }
}

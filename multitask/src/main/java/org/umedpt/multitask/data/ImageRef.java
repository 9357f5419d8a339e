package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.ImageFiles;
import org.umedpt.multitask.data.io.Pixels;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where one 2-D image comes from: a file (with a DICOM frame or NIfTI slice index along
 * {@code axis}), decoded on demand, or an image in memory made on demand by {@code inline}
 * (a row of a MedMNIST array, kept as its uint8 bytes) of known {@code height} × {@code width}.
 */
public record ImageRef(Path path, int frame, int axis, Supplier<Pixels> inline, int height, int width) {
    public static ImageRef file(Path path) {
        return new ImageRef(path, 0, 2, null, -1, -1);
    }

    public static ImageRef file(Path path, int frame, int axis) {
        return new ImageRef(path, frame, axis, null, -1, -1);
    }

    public static ImageRef of(Supplier<Pixels> pixels, String name, int height, int width) {
        return new ImageRef(Path.of(name), 0, 2, pixels, height, width);
    }

    public Pixels read() {
        return inline != null ? inline.get() : ImageFiles.read(path, frame, axis);
    }

    /** (height, width) without decoding where the format allows it. */
    public int[] size() {
        return inline != null ? new int[] {height, width} : ImageFiles.size(path, axis);
    }

    @Override
    public String toString() {
        return ImageFiles.kind(path) == ImageFiles.Kind.RASTER || inline != null ? path.toString() : path + "[" + frame + "]";
    }
}

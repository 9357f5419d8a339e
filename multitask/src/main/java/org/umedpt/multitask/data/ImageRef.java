package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.ImageFiles;
import org.umedpt.multitask.data.io.Pixels;

import java.nio.file.Path;

/**
 * Where one 2-D image comes from: a file (with a DICOM frame or NIfTI slice index along
 * {@code axis}), decoded on demand, or pixels already in memory (a MedMNIST array's row).
 */
public record ImageRef(Path path, int frame, int axis, Pixels inline) {
    public static ImageRef file(Path path) {
        return new ImageRef(path, 0, 2, null);
    }

    public static ImageRef of(Pixels pixels, String name) {
        return new ImageRef(Path.of(name), 0, 2, pixels);
    }

    public Pixels read() {
        return inline != null ? inline : ImageFiles.read(path, frame, axis);
    }

    /** (height, width) without decoding where the format allows it. */
    public int[] size() {
        return inline != null ? new int[] {inline.height(), inline.width()} : ImageFiles.size(path, axis);
    }

    @Override
    public String toString() {
        return ImageFiles.kind(path) == ImageFiles.Kind.RASTER || inline != null ? path.toString() : path + "[" + frame + "]";
    }
}

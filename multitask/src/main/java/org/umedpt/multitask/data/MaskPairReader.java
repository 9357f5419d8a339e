package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.data.io.ImageFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Segmentation from image + mask pairs. Images are the files under {@code images} matching
 * {@code glob} (relative to it); each one's mask is {@code masks/<maskName>}, where the template
 * may use {@code {name}} (the image's file name), {@code {stem}} (without extension) and
 * {@code {dir}} (the image's folder relative to {@code images}). A mask path that is a folder is a
 * set of per-instance masks, unioned into one (the DSB 2018 layout
 * {@code <id>/images/<id>.png} + {@code <id>/masks/*.png}: template {@code {stem}/masks}).
 * Volumes (NIfTI, multi-frame DICOM) pair slice by slice with a mask volume. A missing mask and
 * an image/mask size mismatch (read from the headers) are errors naming both files.
 */
public final class MaskPairReader {
    private MaskPairReader() {}

    public static Source read(Path images, String glob, Path masks, String maskName, boolean fillOutlines, int axis) {
        DataFiles.folder(images, "image folder");
        DataFiles.folder(masks, "mask folder");
        List<Path> files = DataFiles.images(images, glob);
        if (files.isEmpty()) {
            throw new DataFormatException("image folder " + images + ": no images" + (glob == null ? "" : " matching '" + glob + "'"));
        }
        List<Item> items = new ArrayList<>();
        for (Path img : files) {
            Path rel = images.relativize(img);
            String dir = rel.getParent() == null ? "" : rel.getParent().toString();
            String name = maskName.replace("{name}", img.getFileName().toString()).replace("{stem}", DataFiles.stem(img)).replace("{dir}", dir);
            Path m = masks.resolve(name).normalize();
            if (!Files.exists(m)) throw new DataFormatException("image " + img + ": no mask: expected " + m + " (mask_name '" + maskName + "')");
            List<Path> parts = Files.isDirectory(m) ? DataFiles.images(m, null) : List.of(m);
            if (parts.isEmpty()) throw new DataFormatException("image " + img + ": mask folder " + m + " holds no mask images");
            int frames = ImageFiles.frames(img, axis);
            int[] size = ImageFiles.size(img, axis), msize = ImageFiles.size(parts.get(0), axis);
            if (!Arrays.equals(size, msize)) {
                throw new DataFormatException("image " + img + " is " + size[1] + "×" + size[0] + " (w×h) but its mask " + parts.get(0) + " is "
                        + msize[1] + "×" + msize[0] + "; expected the same size");
            }
            if (frames > 1 && ImageFiles.frames(parts.get(0), axis) != frames) {
                throw new DataFormatException("image " + img + " has " + frames + " slices but its mask " + parts.get(0) + " has "
                        + ImageFiles.frames(parts.get(0), axis));
            }
            for (int k = 0; k < frames; k++) {
                String key = rel + (frames > 1 ? "#" + k : "");
                final int slice = k;
                List<ImageRef> refs = parts.stream().map(p -> ImageRef.file(p, slice, axis)).toList();
                items.add(new Item(key, key, "", ImageRef.file(img, k, axis), -1, null, new MaskRef(refs, fillOutlines), null));
            }
        }
        return new Source(items, null, null, new LinkedHashMap<>());
    }
}

package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.data.io.ImageFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * Classification from an image folder with one sub-folder per class ({@code root/<class>/…});
 * images may sit at any depth below their class folder. The classes are the sub-folder names in
 * sorted order unless given; a sub-folder that is not a given class is an error (a typo would
 * otherwise drop a class). DICOM frames and NIfTI slices (along {@code axis}) count as images.
 */
public final class FolderReader {
    private FolderReader() {}

    public static Source read(Path root, List<String> classes, int axis) {
        DataFiles.folder(root, "image folder");
        List<String> found;
        try (Stream<Path> s = Files.list(root)) {
            found = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException("image folder " + root + ": cannot list: " + e.getMessage(), e);
        }
        if (found.isEmpty()) throw new DataFormatException("image folder " + root + ": no class sub-folders (expected root/<class>/<image>)");
        List<String> names = classes == null ? found : classes;
        for (String f : found) {
            if (!names.contains(f)) {
                throw new DataFormatException("image folder " + root + ": sub-folder '" + f + "' is not a class name; classes: " + names);
            }
        }
        List<Item> items = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            Path dir = root.resolve(names.get(c));
            if (!Files.isDirectory(dir)) continue; // reported as "no example" by the split check
            for (Path p : DataFiles.images(dir, null)) {
                int frames = ImageFiles.frames(p, axis);
                for (int k = 0; k < frames; k++) {
                    String key = root.relativize(p) + (frames > 1 ? "#" + k : "");
                    items.add(new Item(key, key, names.get(c), ImageRef.file(p, k, axis), c, null, null, null));
                }
            }
        }
        return new Source(items, null, names, new LinkedHashMap<>());
    }
}

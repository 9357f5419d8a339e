package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.data.io.Npy;
import org.umedpt.multitask.data.io.Pixels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * MedMNIST-style {@code .npz}: a zip of {@code {train,val,test}_images} (uint8, gray (N, H, W) or
 * RGB (N, H, W, 3)) and {@code {train,val,test}_labels} ((N, 1) class indices, or (N, k) 0/1 for
 * multi-label). The file's own split is used. The arrays are small (28…224 px) and held in memory.
 */
public final class NpzReader {
    private NpzReader() {}

    public static Source read(Path npz, boolean multiLabel, List<String> classes) {
        DataFiles.file(npz, "npz");
        Map<Source.Split, List<Item>> own = new EnumMap<>(Source.Split.class);
        List<Item> all = new ArrayList<>();
        int maxLabel = -1, width = -1;
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (Source.Split s : Source.Split.values()) {
                Npy.Array images = array(zip, npz, s.id() + "_images"), labels = array(zip, npz, s.id() + "_labels");
                int[] is = images.shape(), ls = labels.shape();
                boolean rgb = is.length == 4 && is[3] == 3;
                if (!(is.length == 3 || rgb) || !images.dtype().equals("|u1")) {
                    throw new DataFormatException(npz + ": " + s.id() + "_images has shape " + java.util.Arrays.toString(is) + " of "
                            + images.dtype() + "; expected uint8 (N, H, W) or (N, H, W, 3)");
                }
                if (ls.length != 2 || ls[0] != is[0]) {
                    throw new DataFormatException(npz + ": " + s.id() + "_labels has shape " + java.util.Arrays.toString(ls) + "; expected ("
                            + is[0] + ", 1) or (" + is[0] + ", k)");
                }
                if (!multiLabel && ls[1] != 1) {
                    throw new DataFormatException(npz + ": " + s.id() + "_labels has shape " + java.util.Arrays.toString(ls)
                            + "; a multi-class task expects (N, 1) (use type multilabel for (N, k))");
                }
                width = ls[1];
                int n = is[0], h = is[1], w = is[2], c = rgb ? 3 : 1;
                List<Item> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    final long base = (long) i * h * w * c;
                    // the pixels stay in the array's uint8 buffer (1 byte each) until a batch needs them
                    java.util.function.Supplier<Pixels> px = () -> {
                        float[] v = new float[c * h * w];
                        for (int y = 0; y < h; y++) {
                            for (int x = 0; x < w; x++) {
                                for (int k = 0; k < c; k++) v[(k * h + y) * w + x] = (float) images.get(base + ((long) y * w + x) * c + k);
                            }
                        }
                        return new Pixels(c, h, w, v, 255);
                    };
                    String key = s.id() + "_" + i;
                    Item it;
                    if (multiLabel) {
                        float[] v = new float[ls[1]];
                        StringBuilder st = new StringBuilder();
                        for (int k = 0; k < v.length; k++) {
                            double l = labels.get((long) i * ls[1] + k);
                            if (l != 0 && l != 1) throw new DataFormatException(npz + ": " + s.id() + "_labels[" + i + ", " + k + "] = " + l + ", expected 0 or 1");
                            v[k] = (float) l;
                            st.append((int) l);
                        }
                        it = new Item(key, key, st.toString(), ImageRef.of(px, npz + ":" + key, h, w), -1, v, null, null);
                    } else {
                        double l = labels.get(i);
                        if (l < 0 || l != Math.rint(l)) throw new DataFormatException(npz + ": " + s.id() + "_labels[" + i + "] = " + l + ", expected a class index >= 0");
                        maxLabel = Math.max(maxLabel, (int) l);
                        it = new Item(key, key, Integer.toString((int) l), ImageRef.of(px, npz + ":" + key, h, w), (int) l,
                                null, null, null);
                    }
                    items.add(it);
                }
                own.put(s, items);
                all.addAll(items);
            }
        } catch (java.util.zip.ZipException e) {
            throw new DataFormatException(npz + ": not a valid zip/npz file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataFormatException(npz + ": cannot read: " + e.getMessage(), e);
        }
        List<String> names = classes;
        int n = multiLabel ? width : maxLabel + 1;
        if (names == null) {
            names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(Integer.toString(i));
        } else if (multiLabel ? names.size() != n : names.size() < n) {
            throw new DataFormatException(npz + ": labels need " + n + " classes, the manifest names " + names.size() + ": " + names);
        }
        return new Source(all, own, names, new LinkedHashMap<>());
    }

    private static Npy.Array array(ZipFile zip, Path npz, String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            List<String> have = zip.stream().map(ZipEntry::getName).toList();
            throw new DataFormatException(npz + ": no array '" + name + "' (entry " + name + ".npy); the file holds " + have);
        }
        try (InputStream in = zip.getInputStream(e)) {
            return Npy.read(in, npz + ":" + name + ".npy", e.getSize());
        } catch (java.util.zip.ZipException ex) {
            throw new DataFormatException(npz + ":" + name + ".npy: corrupt zip data: " + ex.getMessage(), ex);
        }
    }
}

package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Classification from a CSV manifest: a column of image paths (relative to {@code imageRoot}) and
 * either one label column holding class names (multi-class) or several 0/1 columns, one per class
 * (multi-label; the class names are the column names). An optional split column holding
 * train/val/test gives the source's own split. Unknown class names and non-0/1 values are errors
 * naming the line.
 */
public final class CsvReader {
    private CsvReader() {}

    public static Source read(Path csv, Path imageRoot, String imageColumn, String labelColumn, List<String> labelColumns,
                              List<String> classes, String splitColumn) {
        List<String[]> rows = DataFiles.csv(csv);
        String[] header = rows.get(0);
        int img = DataFiles.column(csv, header, imageColumn, "image_column");
        int split = splitColumn == null ? -1 : DataFiles.column(csv, header, splitColumn, "split_column");
        boolean multi = labelColumns != null;
        int[] cols;
        List<String> names;
        if (multi) {
            cols = new int[labelColumns.size()];
            for (int i = 0; i < cols.length; i++) cols[i] = DataFiles.column(csv, header, labelColumns.get(i), "label_columns");
            names = List.copyOf(labelColumns);
        } else {
            cols = new int[] {DataFiles.column(csv, header, labelColumn, "label_column")};
            if (classes != null) names = List.copyOf(classes);
            else {
                TreeSet<String> distinct = new TreeSet<>(CsvReader::compareLabels);
                for (int r = 1; r < rows.size(); r++) distinct.add(rows.get(r)[cols[0]]);
                names = List.copyOf(distinct);
            }
        }
        List<Item> items = new ArrayList<>();
        Map<Source.Split, List<Item>> own = split < 0 ? null : new EnumMap<>(Source.Split.class);
        if (own != null) for (Source.Split s : Source.Split.values()) own.put(s, new ArrayList<>());
        for (int r = 1; r < rows.size(); r++) {
            String[] row = rows.get(r);
            String where = "CSV " + csv + " line " + (r + 1);
            Path p = imageRoot.resolve(row[img]);
            DataFiles.file(p, where + ": image");
            Item it;
            if (multi) {
                float[] v = new float[cols.length];
                StringBuilder stratum = new StringBuilder();
                for (int k = 0; k < cols.length; k++) {
                    String s = row[cols[k]];
                    if (!s.equals("0") && !s.equals("1")) {
                        throw new DataFormatException(where + ": column '" + header[cols[k]] + "' holds '" + s + "', expected 0 or 1");
                    }
                    v[k] = s.equals("1") ? 1f : 0f;
                    stratum.append(s);
                }
                it = new Item(row[img], row[img], stratum.toString(), ImageRef.file(p), -1, v, null, null);
            } else {
                int c = names.indexOf(row[cols[0]]);
                if (c < 0) throw new DataFormatException(where + ": unknown class name '" + row[cols[0]] + "'; classes: " + names);
                it = new Item(row[img], row[img], names.get(c), ImageRef.file(p), c, null, null, null);
            }
            items.add(it);
            if (own != null) {
                String s = row[split].toLowerCase(java.util.Locale.ROOT);
                Source.Split sp = switch (s) {
                    case "train" -> Source.Split.TRAIN;
                    case "val", "valid", "validation" -> Source.Split.VAL;
                    case "test" -> Source.Split.TEST;
                    default -> throw new DataFormatException(where + ": split column '" + splitColumn + "' holds '" + row[split]
                            + "', expected train, val or test");
                };
                own.get(sp).add(it);
            }
        }
        return new Source(items, own, names, new LinkedHashMap<>());
    }

    /** Integers in numeric order, then other names in text order. */
    private static int compareLabels(String a, String b) {
        boolean ia = a.matches("-?\\d{1,9}"), ib = b.matches("-?\\d{1,9}");
        if (ia && ib) return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        if (ia != ib) return ia ? -1 : 1;
        return a.compareTo(b);
    }
}

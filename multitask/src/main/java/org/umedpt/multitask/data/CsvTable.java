package org.umedpt.multitask.data;

import java.nio.file.Path;
import java.util.List;

/** A strict CSV file as rows of fields, the header first (RFC 4180 quoting; every row as wide as the header). */
public final class CsvTable {
    private CsvTable() {}

    public static List<String[]> read(Path file) {
        return DataFiles.csv(file);
    }

    /** The index of column {@code name}; {@code key} is the manifest key that named it (for the message). */
    public static int column(Path file, String[] header, String name, String key) {
        return DataFiles.column(file, header, name, key);
    }
}

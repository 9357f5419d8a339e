package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.data.io.ImageFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** File helpers shared by the readers: checked folders and files, sorted listings, a strict CSV parser. */
final class DataFiles {
    private DataFiles() {}

    static Path folder(Path p, String what) {
        if (!Files.exists(p)) throw new DataFormatException(what + " " + p + ": folder not found");
        if (!Files.isDirectory(p)) throw new DataFormatException(what + " " + p + ": not a folder");
        return p;
    }

    static Path file(Path p, String what) {
        if (!Files.exists(p)) throw new DataFormatException(what + " " + p + ": file not found");
        if (!Files.isRegularFile(p)) throw new DataFormatException(what + " " + p + ": not a regular file");
        try {
            if (Files.size(p) == 0) throw new DataFormatException(what + " " + p + ": empty file (0 bytes)");
        } catch (IOException e) {
            throw new DataFormatException(what + " " + p + ": cannot read: " + e.getMessage(), e);
        }
        return p;
    }

    /** Image files under {@code root} whose path relative to it matches {@code glob} (null: any image, any depth), sorted. */
    static List<Path> images(Path root, String glob) {
        PathMatcher m = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> m == null ? ImageFiles.isImage(p) : m.matches(root.relativize(p)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException(root + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** The name without its image extension ("a.nii.gz" → "a", "b.png" → "b"). */
    static String stem(Path p) {
        String n = p.getFileName().toString();
        if (n.toLowerCase().endsWith(".nii.gz")) return n.substring(0, n.length() - 7);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Rows of a CSV file (RFC 4180: quoted fields, doubled quotes), the header first; every row must have the header's width. */
    static List<String[]> csv(Path file) {
        file(file, "CSV");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataFormatException("CSV " + file + ": cannot read as UTF-8 text: " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<String[]> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, any = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') quoted = false;
                else {
                    if (c == '\n') line++;
                    f.append(c);
                }
            } else if (c == '"' && f.length() == 0) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                if (any || f.length() > 0) {
                    row.add(f.toString());
                    rows.add(checkWidth(file, rows, row.toArray(new String[0]), line));
                }
                row.clear();
                f.setLength(0);
                any = false;
                line++;
            } else {
                f.append(c);
                any = true;
            }
        }
        if (quoted) throw new DataFormatException("CSV " + file + ": unterminated quoted field at the end (line " + line + ")");
        if (any || f.length() > 0) {
            row.add(f.toString());
            rows.add(checkWidth(file, rows, row.toArray(new String[0]), line));
        }
        if (rows.isEmpty()) throw new DataFormatException("CSV " + file + ": no header row");
        return rows;
    }

    private static String[] checkWidth(Path file, List<String[]> rows, String[] row, int line) {
        for (int i = 0; i < row.length; i++) row[i] = row[i].trim();
        if (!rows.isEmpty() && row.length != rows.get(0).length) {
            throw new DataFormatException("CSV " + file + " line " + line + ": " + row.length + " fields, expected " + rows.get(0).length
                    + " as in the header");
        }
        return row;
    }

    static int column(Path file, String[] header, String name, String key) {
        for (int i = 0; i < header.length; i++) if (header[i].equals(name)) return i;
        throw new DataFormatException("CSV " + file + ": no column '" + name + "' (" + key + "); columns: " + List.of(header));
    }

    /** A namespace-unaware DOM parser with DTDs and external entities disabled (no XXE, no entity expansion). */
    static javax.xml.parsers.DocumentBuilder xml() {
        try {
            var f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            var b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.ErrorHandler() { // the default handler prints "[Fatal Error]" to stderr
                public void warning(org.xml.sax.SAXParseException e) {}
                public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException { throw e; }
                public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException { throw e; }
            });
            return b;
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException("XML parser: " + e.getMessage(), e);
        }
    }
}

package org.umedpt.multitask.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A small strict DICOM reader for uncompressed images: transfer syntaxes implicit VR little
 * endian (1.2.840.10008.1.2), explicit VR little endian (…1.2.1) and explicit VR big endian
 * (…1.2.2); files with or without the 128-byte preamble and file meta group. Photometric
 * MONOCHROME2 or RGB (planar configuration 0 or 1), 8/16/32 bits allocated, signed or unsigned;
 * Rescale Slope/Intercept applied; Window Center/Width reported. Compressed syntaxes (JPEG,
 * JPEG-LS, JPEG 2000, RLE, deflate) are refused with a message naming the syntax.
 * Not a general DICOM toolkit: only the attributes an image needs are decoded; sequences are skipped.
 * Reference: DICOM PS3.5 (data structures and encoding), sections 7.1 and 10; PS3.10 section 7.
 */
public final class Dicom {
    private Dicom() {}

    public static final String IMPLICIT_LE = "1.2.840.10008.1.2", EXPLICIT_LE = "1.2.840.10008.1.2.1", EXPLICIT_BE = "1.2.840.10008.1.2.2";

    private static final Map<String, String> COMPRESSED = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
            Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
            Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended"),
            Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
            Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
            Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
            Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
            Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
            Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
            Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

    /** VRs whose explicit encoding has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
    private static final Set<String> LONG_VR = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    /** What the header says about the image; {@code pixelOffset} is where the pixel data starts. */
    public record Header(String transferSyntax, int rows, int columns, int samples, int bitsAllocated, boolean signed,
                         String photometric, int planar, int frames, double slope, double intercept, double windowCenter,
                         double windowWidth, long pixelOffset, long pixelLength) {}

    /** The number of frames of the file (for enumerating multi-frame files). */
    public static int frames(Path file) {
        return header(file, bytes(file)).frames();
    }

    /** Frame {@code frame} of the file, rescaled (slope, intercept). */
    public static Pixels read(Path file, int frame) {
        byte[] b = bytes(file);
        Header h = header(file, b);
        if (frame < 0 || frame >= h.frames) throw new DataFormatException(file + ": frame " + frame + " requested, the file has " + h.frames);
        int bytesPer = h.bitsAllocated / 8;
        long perFrame = (long) h.rows * h.columns * h.samples * bytesPer;
        ByteBuffer buf = ByteBuffer.wrap(b).order(h.transferSyntax.equals(EXPLICIT_BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int base = Math.toIntExact(h.pixelOffset + frame * perFrame);
        int n = h.rows * h.columns;
        float[] out = new float[h.samples * n];
        for (int c = 0; c < h.samples; c++) {
            for (int p = 0; p < n; p++) {
                // planar 0: R G B R G B …; planar 1: all R, then all G, then all B
                int idx = h.planar == 0 ? p * h.samples + c : c * n + p;
                int at = base + idx * bytesPer;
                double v = switch (bytesPer) {
                    case 1 -> h.signed ? buf.get(at) : buf.get(at) & 0xFF;
                    case 2 -> h.signed ? buf.getShort(at) : buf.getShort(at) & 0xFFFF;
                    default -> h.signed ? buf.getInt(at) : buf.getInt(at) & 0xFFFFFFFFL;
                };
                out[c * n + p] = (float) (v * h.slope + h.intercept);
            }
        }
        double max = h.slope == 1 && h.intercept == 0 && !h.signed && bytesPer == 1 ? 255 : Double.NaN;
        return new Pixels(h.samples, h.rows, h.columns, out, max, h.windowCenter, h.windowWidth);
    }

    private static byte[] bytes(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) throw new DataFormatException(file + ": empty file (0 bytes), expected a DICOM image");
            if (size > Integer.MAX_VALUE - 16) throw new DataFormatException(file + ": " + size + " bytes; DICOM files over 2 GiB are not supported");
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataFormatException(file + ": file not found");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses the header (file meta and data set up to the pixel data). */
    public static Header header(Path file, byte[] b) {
        Parser p = new Parser(file, b);
        String ts;
        if (b.length >= 132 && new String(b, 128, 4, StandardCharsets.ISO_8859_1).equals("DICM")) {
            p.pos = 132;
            ts = p.meta();
        } else {
            // no preamble: the data set starts at 0; group 0002 may still be there (explicit LE)
            p.pos = 0;
            if (b.length >= 6 && (b[0] & 0xFF) == 2 && b[1] == 0 && Character.isUpperCase(b[4]) && Character.isUpperCase(b[5])) ts = p.meta();
            else if (b.length >= 6 && b[0] == 0 && (b[1] & 0xFF) == 8 && Character.isUpperCase(b[4]) && Character.isUpperCase(b[5])) ts = EXPLICIT_BE;
            else if (b.length >= 6 && (b[0] & 0xFF) == 8 && b[1] == 0 && Character.isUpperCase(b[4]) && Character.isUpperCase(b[5])) ts = EXPLICIT_LE;
            else if (b.length >= 8 && (b[0] & 0xFF) == 8 && b[1] == 0) ts = IMPLICIT_LE;
            else {
                throw new DataFormatException(file + ": not a DICOM file (no 'DICM' marker at byte 128 and no recognisable data "
                        + "element at byte 0)");
            }
        }
        if (ts == null) ts = IMPLICIT_LE; // PS3.10: a meta group without (0002,0010) is malformed, but the default is implicit LE
        if (COMPRESSED.containsKey(ts)) {
            throw new DataFormatException(file + ": compressed transfer syntax " + ts + " (" + COMPRESSED.get(ts)
                    + ") is not supported; expected uncompressed implicit/explicit VR little endian or explicit VR big endian"
                    + " ---> HINT: decompress it, e.g. `gdcmconv --raw in.dcm out.dcm` or `dcmdjpeg`");
        }
        if (!ts.equals(IMPLICIT_LE) && !ts.equals(EXPLICIT_LE) && !ts.equals(EXPLICIT_BE)) {
            throw new DataFormatException(file + ": transfer syntax " + ts + " is not supported; expected " + IMPLICIT_LE + ", "
                    + EXPLICIT_LE + " or " + EXPLICIT_BE);
        }
        p.explicit = !ts.equals(IMPLICIT_LE);
        p.order = ts.equals(EXPLICIT_BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return p.dataSet(ts);
    }

    private static final class Parser {
        final Path file;
        final byte[] b;
        int pos;
        boolean explicit = true;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        int rows = -1, columns = -1, samples = 1, bits = -1, pixelRep = 0, planar = 0, frames = 1;
        String photometric = null;
        double slope = 1, intercept = 0, wc = Double.NaN, ww = Double.NaN;

        Parser(Path file, byte[] b) {
            this.file = file;
            this.b = b;
        }

        DataFormatException bad(String what) {
            return new DataFormatException(file + ": malformed DICOM at byte " + pos + ": " + what);
        }

        int u16(int at) {
            need(at, 2);
            return order == ByteOrder.LITTLE_ENDIAN ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
        }

        long u32(int at) {
            need(at, 4);
            long lo = u16(order == ByteOrder.LITTLE_ENDIAN ? at : at + 2), hi = u16(order == ByteOrder.LITTLE_ENDIAN ? at + 2 : at);
            return hi << 16 | lo;
        }

        void need(long at, long n) {
            if (at < 0 || at + n > b.length) {
                throw new DataFormatException(file + ": truncated DICOM: expected " + n + " bytes at offset " + at + ", the file has "
                        + b.length + " bytes");
            }
        }

        /** The file meta group (always explicit VR little endian); returns the transfer syntax UID. */
        String meta() {
            ByteOrder saved = order;
            order = ByteOrder.LITTLE_ENDIAN;
            explicit = true;
            String ts = null;
            while (pos + 8 <= b.length && u16(pos) == 0x0002) {
                Element e = element();
                if (e.element == 0x0010) ts = string(e).trim();
                pos = Math.toIntExact(e.valueStart + e.length);
            }
            order = saved;
            return ts;
        }

        record Element(int group, int element, String vr, long valueStart, long length) {}

        Element element() {
            int group = u16(pos), elem = u16(pos + 2);
            if (group == 0xFFFE) { // item / delimiters have no VR
                long len = u32(pos + 4);
                pos += 8;
                return new Element(group, elem, null, pos, len);
            }
            String vr = null;
            long len;
            int start;
            if (explicit) {
                need(pos + 4, 2);
                vr = new String(b, pos + 4, 2, StandardCharsets.ISO_8859_1);
                if (!vr.matches("[A-Z]{2}")) throw bad("value representation '" + vr + "' of tag " + tag(group, elem) + " is not two letters");
                if (LONG_VR.contains(vr)) {
                    len = u32(pos + 8);
                    start = pos + 12;
                } else {
                    len = u16(pos + 6);
                    start = pos + 8;
                }
            } else {
                len = u32(pos + 4);
                start = pos + 8;
            }
            if (len != 0xFFFFFFFFL) need(start, len);
            return new Element(group, elem, vr, start, len);
        }

        Header dataSet(String ts) {
            while (pos < b.length) {
                Element e = element();
                int tagValue = e.group << 16 | e.element;
                if (tagValue == 0x7FE00010) {
                    if (e.length == 0xFFFFFFFFL) {
                        throw new DataFormatException(file + ": pixel data is encapsulated (compressed) although the transfer syntax " + ts
                                + " is uncompressed");
                    }
                    return header(ts, e);
                }
                if (e.length == 0xFFFFFFFFL) { // a sequence (or UN) of undefined length: skip its items
                    pos = Math.toIntExact(e.valueStart);
                    skipUndefined();
                    continue;
                }
                switch (tagValue) {
                    case 0x00280010 -> rows = u16((int) e.valueStart);
                    case 0x00280011 -> columns = u16((int) e.valueStart);
                    case 0x00280002 -> samples = u16((int) e.valueStart);
                    case 0x00280100 -> bits = u16((int) e.valueStart);
                    case 0x00280103 -> pixelRep = u16((int) e.valueStart);
                    case 0x00280006 -> planar = u16((int) e.valueStart);
                    case 0x00280004 -> photometric = string(e).trim();
                    case 0x00280008 -> frames = (int) number(e, 1);
                    case 0x00281052 -> intercept = number(e, 0);
                    case 0x00281053 -> slope = number(e, 1);
                    case 0x00281050 -> wc = number(e, Double.NaN);
                    case 0x00281051 -> ww = number(e, Double.NaN);
                    default -> { }
                }
                pos = Math.toIntExact(e.valueStart + e.length);
            }
            throw new DataFormatException(file + ": no pixel data element (7FE0,0010) found; expected an image");
        }

        /** Skips items until the sequence delimitation item (FFFE,E0DD). */
        void skipUndefined() {
            while (true) {
                need(pos, 8);
                int group = u16(pos), elem = u16(pos + 2);
                long len = u32(pos + 4);
                if (group == 0xFFFE && elem == 0xE0DD) {
                    pos += 8;
                    return;
                }
                if (group != 0xFFFE || elem != 0xE000) throw bad("expected an item (FFFE,E000) in a sequence, found " + tag(group, elem));
                pos += 8;
                if (len != 0xFFFFFFFFL) {
                    need(pos, len);
                    pos = Math.toIntExact(pos + len);
                    continue;
                }
                while (true) { // an item of undefined length: elements until (FFFE,E00D)
                    need(pos, 8);
                    if (u16(pos) == 0xFFFE && u16(pos + 2) == 0xE00D) {
                        pos += 8;
                        break;
                    }
                    Element e = element();
                    pos = Math.toIntExact(e.valueStart);
                    if (e.length == 0xFFFFFFFFL) skipUndefined();
                    else pos = Math.toIntExact(e.valueStart + e.length);
                }
            }
        }

        String string(Element e) {
            return new String(b, (int) e.valueStart, (int) e.length, StandardCharsets.ISO_8859_1).replace("\0", "");
        }

        /** A DS/IS value (text; first of several values), or a binary US/SS/FL/FD. */
        double number(Element e, double fallback) {
            if (e.length == 0) return fallback;
            String vr = e.vr;
            if ("US".equals(vr)) return u16((int) e.valueStart);
            String s = string(e).trim();
            int bs = s.indexOf('\\');
            if (bs >= 0) s = s.substring(0, bs).trim();
            try {
                return s.isEmpty() ? fallback : Double.parseDouble(s);
            } catch (NumberFormatException ex) {
                throw new DataFormatException(file + ": attribute " + tag(e.group, e.element) + " holds '" + s + "', expected a number");
            }
        }

        Header header(String ts, Element px) {
            if (rows <= 0 || columns <= 0) throw new DataFormatException(file + ": Rows/Columns (0028,0010/0011) missing or zero; expected an image");
            if (bits != 8 && bits != 16 && bits != 32) {
                throw new DataFormatException(file + ": Bits Allocated (0028,0100) is " + bits + "; expected 8, 16 or 32");
            }
            if (photometric == null) photometric = samples == 3 ? "RGB" : "MONOCHROME2";
            boolean ok = (samples == 1 && photometric.equals("MONOCHROME2")) || (samples == 3 && photometric.equals("RGB"));
            if (!ok) {
                throw new DataFormatException(file + ": photometric interpretation " + photometric + " with " + samples
                        + " samples per pixel is not supported; expected MONOCHROME2 (1 sample) or RGB (3 samples)");
            }
            if (frames < 1) throw new DataFormatException(file + ": Number of Frames (0028,0008) is " + frames + "; expected >= 1");
            long need = (long) rows * columns * samples * (bits / 8) * frames;
            if (need > px.length) {
                throw new DataFormatException(file + ": pixel data holds " + px.length + " bytes, the header declares " + rows + "×" + columns
                        + "×" + samples + " samples × " + frames + " frames × " + bits + " bits = " + need + " bytes (truncated file?)");
            }
            return new Header(ts, rows, columns, samples, bits, pixelRep == 1, photometric, planar, frames, slope, intercept, wc, ww,
                    px.valueStart, px.length);
        }

        static String tag(int g, int e) {
            return String.format("(%04X,%04X)", g, e);
        }
    }
}

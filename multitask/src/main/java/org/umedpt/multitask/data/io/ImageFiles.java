package org.umedpt.multitask.data.io;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes one 2-D image file by its extension: PNG, JPEG, TIFF, BMP through ImageIO (8 and 16
 * bits, gray, gray+alpha, RGB, RGBA, palette; alpha is dropped), DICOM ({@code .dcm}, {@link Dicom};
 * {@code frame} selects a frame) and NIfTI ({@code .nii}, {@code .nii.gz}, {@link Nifti}; {@code frame}
 * is the slice index along {@code axis}). Every failure is a {@link DataFormatException} naming the file.
 */
public final class ImageFiles {
    private ImageFiles() {}

    public enum Kind { RASTER, DICOM, NIFTI }

    public static Kind kind(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".dcm") || n.endsWith(".dicom")) return Kind.DICOM;
        if (n.endsWith(".nii") || n.endsWith(".nii.gz")) return Kind.NIFTI;
        return Kind.RASTER;
    }

    /** Whether a file name looks like an image this class reads. */
    public static boolean isImage(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.matches(".*\\.(png|jpe?g|tiff?|bmp|dcm|dicom|nii|nii\\.gz)");
    }

    /** The number of 2-D images the file holds: DICOM frames, NIfTI slices along {@code axis}, else 1. */
    public static int frames(Path file, int axis) {
        checkFile(file);
        return switch (kind(file)) {
            case DICOM -> Dicom.frames(file);
            case NIFTI -> (int) Nifti.header(file).slices(axis);
            case RASTER -> 1;
        };
    }

    /** (height, width) from the header only, without decoding the pixels. */
    public static int[] size(Path file, int axis) {
        checkFile(file);
        switch (kind(file)) {
            case DICOM -> {
                Pixels p = Dicom.read(file, 0);
                return new int[] {p.height(), p.width()};
            }
            case NIFTI -> {
                long[] d = Nifti.header(file).dims();
                return axis == 2 ? new int[] {(int) d[1], (int) d[0]} : new int[] {(int) d[2], (int) d[axis == 1 ? 0 : 1]};
            }
            default -> {
                try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                    ImageReader r = reader(file, in);
                    try {
                        return new int[] {r.getHeight(0), r.getWidth(0)};
                    } finally {
                        r.dispose();
                    }
                } catch (IOException e) {
                    throw new DataFormatException(file + ": corrupt or truncated image header: " + e.getMessage(), e);
                }
            }
        }
    }

    public static Pixels read(Path file, int frame, int axis) {
        checkFile(file);
        return switch (kind(file)) {
            case DICOM -> Dicom.read(file, Math.max(frame, 0));
            case NIFTI -> Nifti.slice(file, axis, Math.max(frame, 0));
            case RASTER -> raster(file);
        };
    }

    private static void checkFile(Path file) {
        if (!Files.exists(file)) throw new DataFormatException(file + ": file not found");
        if (!Files.isRegularFile(file)) throw new DataFormatException(file + ": not a regular file, expected an image");
        try {
            if (Files.size(file) == 0) throw new DataFormatException(file + ": empty file (0 bytes), expected an image");
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ImageReader reader(Path file, ImageInputStream in) throws IOException {
        if (in == null) throw new DataFormatException(file + ": cannot open");
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        if (!it.hasNext()) {
            throw new DataFormatException(file + ": not a readable image (expected PNG, JPEG, TIFF or BMP content, or a .dcm/.nii/.nii.gz name)");
        }
        ImageReader r = it.next();
        r.setInput(in, true, true);
        return r;
    }

    private static Pixels raster(Path file) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader r = reader(file, in);
            try {
                long px = (long) r.getWidth(0) * r.getHeight(0);
                if (px > 1L << 28) {
                    throw new DataFormatException(file + ": header declares " + r.getWidth(0) + "×" + r.getHeight(0)
                            + " pixels; the limit is 2^28 pixels");
                }
                img = r.read(0);
            } finally {
                r.dispose();
            }
        } catch (IIOException e) {
            throw new DataFormatException(file + ": corrupt or truncated image: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) throw d;
            throw new DataFormatException(file + ": corrupt or truncated image: " + e, e);
        }
        int w = img.getWidth(), h = img.getHeight();
        if (img.getColorModel() instanceof IndexColorModel) {
            float[] out = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    out[y * w + x] = (rgb >> 16) & 0xFF;
                    out[(h + y) * w + x] = (rgb >> 8) & 0xFF;
                    out[(2 * h + y) * w + x] = rgb & 0xFF;
                }
            }
            return new Pixels(3, h, w, out, 255);
        }
        Raster ras = img.getRaster();
        int bands = ras.getNumBands();
        int colour = img.getColorModel().getNumColorComponents(); // without alpha
        if (colour != 1 && colour != 3) {
            throw new DataFormatException(file + ": " + colour + " colour components; expected gray or RGB (with optional alpha)");
        }
        int bits = img.getColorModel().getComponentSize(0);
        double max = bits >= 16 ? 65535 : (1 << bits) - 1;
        if (bands < colour) throw new DataFormatException(file + ": " + bands + " bands for " + colour + " colour components");
        float[] out = new float[colour * h * w];
        float[] row = new float[w];
        for (int c = 0; c < colour; c++) {
            for (int y = 0; y < h; y++) {
                ras.getSamples(0, y, w, 1, c, row);
                System.arraycopy(row, 0, out, (c * h + y) * w, w);
            }
        }
        return new Pixels(colour, h, w, out, max);
    }
}

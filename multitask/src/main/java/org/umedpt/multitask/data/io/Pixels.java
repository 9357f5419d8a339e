package org.umedpt.multitask.data.io;

/**
 * A decoded 2-D image before normalisation: {@code channels} planes of height × width values,
 * channel-major ({@code data[(c * height + y) * width + x]}), in the file's own units — 0…255 for
 * 8-bit files, 0…65535 for 16-bit ones, rescaled values (e.g. Hounsfield units) for DICOM and NIfTI.
 * {@code maxValue} is the nominal full scale of integer formats (255, 65535) and NaN where there is
 * none; {@code windowCenter}/{@code windowWidth} carry a display window the file declares (DICOM),
 * NaN when absent.
 */
public record Pixels(int channels, int height, int width, float[] data, double maxValue, double windowCenter, double windowWidth) {
    public Pixels {
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("pixels: " + data.length + " values for " + channels + "×" + height + "×" + width);
        }
    }

    public Pixels(int channels, int height, int width, float[] data, double maxValue) {
        this(channels, height, width, data, maxValue, Double.NaN, Double.NaN);
    }

    public float at(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}

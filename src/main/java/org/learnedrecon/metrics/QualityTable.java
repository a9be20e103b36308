package org.learnedrecon.metrics;

import java.util.Arrays;
import java.util.List;
import org.learnedrecon.io.MeasurementTable;

/**
 * PSNR and SSIM of each slice of a reconstructed stack against a reference stack, as a {@link MeasurementTable}
 * (columns {@code PSNR}, {@code SSIM}, {@code data_range}; one row per slice labelled {@code <label> slice <k>},
 * {@code k} from 1).
 *
 * <p>{@code data_range} is the reference stack's {@code max - min} over all slices (one range for the whole stack,
 * so slices are compared on the same scale and a constant slice still has a positive range; for a single slice it
 * is what scikit-image computes from the reference when given {@code data_range=ref.max() - ref.min()}). SSIM is
 * scikit-image's default ({@link Ssim#uniform()}).
 */
public final class QualityTable {

    public static final List<String> COLUMNS = List.of("PSNR", "SSIM", "data_range");

    private QualityTable() {
    }

    /**
     * Compares row-major stacks of {@code slices} planes of {@code height x width}; arrays are read only.
     *
     * @throws IllegalArgumentException on different sizes, non-finite values or a constant reference
     */
    public static MeasurementTable compare(String title, String label, float[] reference, float[] test, int slices,
                                           int height, int width) {
        long plane = (long) height * width;
        if (slices < 1 || plane < 1 || reference.length != slices * plane || test.length != slices * plane) {
            throw new IllegalArgumentException("Reference and reconstruction must both be " + width + " x " + height
                + " x " + slices + " (" + slices * plane + " values), got " + reference.length + " and "
                + test.length);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : reference) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max - min;
        if (!(range > 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("The reference is constant or not finite (min " + min + ", max " + max
                + "): PSNR and SSIM need a positive data range");
        }
        MeasurementTable table = new MeasurementTable(title, COLUMNS);
        Ssim ssim = Ssim.uniform();
        int n = (int) plane;
        for (int s = 0; s < slices; s++) {
            float[] truth = Arrays.copyOfRange(reference, s * n, (s + 1) * n);
            float[] estimate = Arrays.copyOfRange(test, s * n, (s + 1) * n);
            double psnr = Psnr.compute(truth, estimate, height, width, range);
            double structural = height >= ssim.windowSize() && width >= ssim.windowSize()
                ? ssim.compute(truth, estimate, height, width, range) : Double.NaN;
            table.addRow(label + " slice " + (s + 1), psnr, structural, range);
        }
        return table;
    }
}

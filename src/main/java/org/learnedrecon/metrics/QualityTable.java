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
        double range = dataRange(reference);
        if (!(range > 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("The reference is constant or not finite (min " + min(reference)
                + ", max " + max(reference) + "): PSNR and SSIM need a positive data range");
        }
        MeasurementTable table = new MeasurementTable(title, COLUMNS);
        Ssim ssim = Ssim.uniform();
        boolean ssimFits = height >= ssim.windowSize() && width >= ssim.windowSize();
        double[][] scores = scores(reference, test, slices, height, width, range, ssimFits);
        for (int s = 0; s < slices; s++) {
            table.addRow(label + " slice " + (s + 1), scores[s][0], scores[s][1], range);
        }
        return table;
    }

    /**
     * The table of Reconstruct MRI: columns {@code PSNR (dB)} and {@code SSIM}, a row per slice as in
     * {@link #compare} and a last row {@code <label> mean}; the same data range, not checked (a constant reference
     * gives infinite or NaN values rather than an error).
     */
    public static MeasurementTable compareWithMean(String title, String label, float[] reference, float[] test,
                                                   int slices, int height, int width) {
        MeasurementTable table = new MeasurementTable(title, List.of("PSNR (dB)", "SSIM"));
        double[][] scores = scores(reference, test, slices, height, width, dataRange(reference), true);
        double psnrSum = 0;
        double ssimSum = 0;
        for (int s = 0; s < slices; s++) {
            psnrSum += scores[s][0];
            ssimSum += scores[s][1];
            table.addRow(label + " slice " + (s + 1), scores[s][0], scores[s][1]);
        }
        table.addRow(label + " mean", psnrSum / slices, ssimSum / slices);
        return table;
    }

    /** PSNR and SSIM (NaN when {@code withSsim} is false) of each slice. */
    private static double[][] scores(float[] reference, float[] test, int slices, int height, int width,
                                     double range, boolean withSsim) {
        Ssim ssim = Ssim.uniform();
        int n = height * width;
        double[][] scores = new double[slices][];
        for (int s = 0; s < slices; s++) {
            float[] truth = Arrays.copyOfRange(reference, s * n, (s + 1) * n);
            float[] estimate = Arrays.copyOfRange(test, s * n, (s + 1) * n);
            scores[s] = new double[] {Psnr.compute(truth, estimate, height, width, range),
                withSsim ? ssim.compute(truth, estimate, height, width, range) : Double.NaN};
        }
        return scores;
    }

    /** {@code max - min} of the whole reference stack. */
    private static double dataRange(float[] reference) {
        return max(reference) - min(reference);
    }

    private static double min(float[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static double max(float[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}

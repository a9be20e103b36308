package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A Cartesian k-space sampling mask on the centred grid of {@link CenteredFft}: {@code (H, W)} row-major values,
 * 1 where a k-space sample is acquired and 0 where it is not. The k-space centre (DC) is at {@code (H/2, W/2)}.
 * Line masks (fastMRI convention) sample whole columns: a fixed {@code w}, all {@code h}. Immutable.
 */
public final class SamplingMask {

    private final int height;
    private final int width;
    private final float[] values;

    /** @param values {@code height * width} row-major 0/1 values (copied) */
    public SamplingMask(int height, int width, float[] values) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Mask size must be positive, got " + height + "x" + width);
        }
        if (values.length != (long) height * width) {
            throw new IllegalArgumentException("Mask of " + height + "x" + width + " needs " + (height * width)
                + " values, got " + values.length);
        }
        for (float v : values) {
            if (v != 0f && v != 1f) {
                throw new IllegalArgumentException("Mask values must be 0 or 1, got " + v);
            }
        }
        this.height = height;
        this.width = width;
        this.values = values.clone();
    }

    /** A mask sampling the columns {@code w} with {@code columns[w]} true, on every row. */
    public static SamplingMask ofColumns(int height, boolean[] columns) {
        float[] v = new float[height * columns.length];
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < columns.length; w++) {
                v[h * columns.length + w] = columns[w] ? 1f : 0f;
            }
        }
        return new SamplingMask(height, columns.length, v);
    }

    /** The fully sampled mask. */
    public static SamplingMask full(int height, int width) {
        float[] v = new float[height * width];
        Arrays.fill(v, 1f);
        return new SamplingMask(height, width, v);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of the row-major values. */
    public float[] values() {
        return values.clone();
    }

    public boolean isSampled(int h, int w) {
        return values[h * width + w] != 0f;
    }

    /** Whether every row samples the same columns: a mask of whole k-space lines, as {@link #ofColumns} makes. */
    public boolean isLineMask() {
        for (int i = width; i < values.length; i++) {
            if (values[i] != values[i % width]) {
                return false;
            }
        }
        return true;
    }

    /** Number of sampled grid points. */
    public long sampledCount() {
        long n = 0;
        for (float v : values) {
            n += v != 0f ? 1 : 0;
        }
        return n;
    }

    /** Achieved acceleration: grid points over sampled points ({@code H W / #sampled}). */
    public double achievedAcceleration() {
        long n = sampledCount();
        return n == 0 ? Double.POSITIVE_INFINITY : (double) height * width / n;
    }

    /**
     * Side of the largest fully sampled square centred on the k-space centre {@code (H/2, W/2)}: the calibration
     * region for coil-map estimation (for line masks: the centre band's width, capped by H). 0 when the centre
     * itself is not sampled.
     */
    public int centredFullySampledSize() {
        int best = 0;
        for (int s = 1; s <= Math.min(height, width); s++) {
            int h0 = height / 2 - s / 2;
            int w0 = width / 2 - s / 2;
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    if (values[(h0 + i) * width + w0 + j] == 0f) {
                        return best;
                    }
                }
            }
            best = s;
        }
        return best;
    }

    /**
     * The sampled lines (columns) of a line mask outside its centre band (the run of sampled columns through
     * {@code W/2}), in order: the lines that can be held out to score a reconstruction while the centre stays in it.
     */
    public List<Integer> outerLines() {
        boolean[] sampled = new boolean[width];
        for (int w = 0; w < width; w++) {
            sampled[w] = isSampled(0, w);
        }
        boolean[] centre = new boolean[width];
        for (int w = width / 2; w >= 0 && sampled[w]; w--) {
            centre[w] = true;
        }
        for (int w = width / 2; w < width && sampled[w]; w++) {
            centre[w] = true;
        }
        List<Integer> outer = new java.util.ArrayList<>();
        for (int w = 0; w < width; w++) {
            if (sampled[w] && !centre[w]) {
                outer.add(w);
            }
        }
        return outer;
    }

    /** This mask without the columns {@code lines} ({@code keep = false}), or only those ({@code keep = true}). */
    public SamplingMask columns(java.util.Collection<Integer> lines, boolean keep) {
        boolean[] columns = new boolean[width];
        for (int w = 0; w < width; w++) {
            columns[w] = keep ? lines.contains(w) && isSampled(0, w) : isSampled(0, w) && !lines.contains(w);
        }
        return ofColumns(height, columns);
    }

    /** The mask as a float32 {@code (H, W)} array in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(values, new Shape(height, width));
    }
}

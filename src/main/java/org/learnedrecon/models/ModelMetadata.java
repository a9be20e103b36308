package org.learnedrecon.models;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metadata.json} of a model file: what the network is, what it was trained for and how well it did.
 * Plain fields so Gson writes and reads it; maps keep insertion order for readable files.
 *
 * <p>Intensity convention: training images were divided by {@link #intensityScale} before measurements were
 * simulated, so the network works on images of roughly unit range; a learned solver divides measurements by it
 * (the operator is linear) and multiplies its result back.
 */
public final class ModelMetadata {

    /** The format this code writes; files with a larger version are refused. */
    public static final int CURRENT_FORMAT_VERSION = 1;

    public int formatVersion = CURRENT_FORMAT_VERSION;
    /** Network architecture, e.g. {@code lpd}, {@code lgd}, {@code postprocessing}, {@code dncnn}. */
    public String architecture;
    public Map<String, String> hyperParameters = new LinkedHashMap<>();
    /** Physics settings the model was trained for (geometry, views, detector, mask, acceleration...). */
    public Map<String, String> physics = new LinkedHashMap<>();
    /**
     * Settings the model serves beyond the one it was trained at: key (a {@link #physics} key, e.g. {@code size},
     * {@code views}) to an inclusive range {@code lo-hi} ({@code 20-180}) or {@code any}. A key listed here is
     * checked against its range instead of the trained value; the network is then built on the data's operator with
     * that operator's norm ({@link ModelFile#load}). Empty (older files, exact-geometry models): every setting must
     * equal the trained one.
     */
    public Map<String, String> serves = new LinkedHashMap<>();
    /** Per-sample domain and range shapes of the training operator. */
    public long[] domainShape;
    public long[] rangeShape;
    public double intensityScale = 1;
    /** {@link org.learnedrecon.solvers.Solver#name()} of the initial reconstruction used in training. */
    public String initialReconstruction;
    /** Free text: data set, number of slices, size. */
    public String trainingData;
    /** Training settings (epochs, batch size, learning rate, seed, noise model). */
    public Map<String, String> training = new LinkedHashMap<>();
    /** Validation metrics after training, e.g. {@code psnr}, {@code psnrInitial}. */
    public Map<String, Double> validationMetrics = new LinkedHashMap<>();
    public double trainingSeconds;
    /** ISO-8601 time of writing. */
    public String created;
}

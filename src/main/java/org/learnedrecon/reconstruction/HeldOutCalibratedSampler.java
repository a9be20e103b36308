package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * A posterior sampler whose spread is calibrated per slice by held-out measurements ({@link HeldOutSplit}: views in
 * CT, k-space lines in MRI). In each fold the wrapped sampler draws samples from the measurements the fold keeps; the
 * samples' mean predicts the held-out measurements {@code y_J} with the residual {@code r = y_J - A_J mean}, and the
 * samples spread around that prediction by {@code v = sum_i ||A_J (x_i - mean)||^2 / (S - 1)}. Had the samples the
 * spread of the mean's error, {@code ||r||^2 - N_J sigma_n^2} (the residual less the held-out entries' noise, which
 * the kept measurements cannot predict) would equal {@code v} on average. So each slice's scale is
 * <pre>
 *   s = sqrt(sum_folds (||r||^2 - N_J sigma_n^2) / sum_folds v), clamped to [{@value #MIN_SCALE}, {@value #MAX_SCALE}]
 * </pre>
 * and the samples drawn from all measurements are spread around their mean by that factor,
 * {@code x_i' = mean + s (x_i - mean)}: the mean is unchanged and the standard deviation is {@code s} times the
 * sampler's. {@code sigma_n^2} is the sampler's own noise assumption ({@link PosteriorSampler#noiseVariances}).
 *
 * <p>The held-out measurements see what the kept ones leave open only where the two are alike: held-out lines lie in
 * k-space among the unsampled ones, but every 10th view lies inside the scanned range, so at limited angle that scale
 * does not see the missing wedge itself (measured, it still brought the coverage of 90 % intervals at 90 views over
 * 120 degrees from 0.57-0.79 to 0.82-0.93 on five held-out sets for chains started in noise: README). Chains started
 * at a reconstruction from a low noise level hardly spread into the wedge, and for them ({@code nextToWedge}) each
 * fold holds out the tenth of the views on one side of the wedge, whose prediction the wedge decides (README, "Views
 * next to the missing wedge"). Each slice costs the wrapped sampler {@code folds + 1} runs.
 */
public final class HeldOutCalibratedSampler implements PosteriorSampler, AutoCloseable {

    /**
     * The smallest scale applied: the calibration widens, never narrows. A slice's scale rests on a few held-out views
     * or lines, too few to trust a narrowing: with a floor of 0.25 (until 2026-12-02) one held-out natural crop at
     * MRI 8x got 0.45 and the set's 90 % intervals held 0.791 of the truth; with this floor 0.889 (README).
     */
    public static final double MIN_SCALE = 1;

    /**
     * The largest scale applied: chains started at the choice by held-out measurements spread a tenth of their error
     * or less at MRI 8x (scales of 5.5-16 there; 4, the ceiling until 2026-12-02, left their 90 % intervals holding
     * 0.505 and 0.735 of the truth on brain val and Shepp-Logan).
     */
    public static final double MAX_SCALE = 16;

    /** Added to the seed of fold {@code f}'s samples ({@code seed + SEED_OFFSET + f}). */
    private static final long SEED_OFFSET = 1_000_003;

    private final PosteriorSampler sampler;
    private final boolean nextToWedge;
    private final List<Double> scales = new ArrayList<>();
    private HeldOutSplit split;

    /**
     * A sampler calibrated by every 10th view in CT ({@link HeldOutSplit#of}).
     *
     * @param acquisition the acquisition the samples will be drawn for: its split is made here, once, and serves
     *     every batch of slices of that acquisition
     * @throws IllegalArgumentException when {@code acquisition} has no held-out split ({@link HeldOutSplit#of})
     */
    public HeldOutCalibratedSampler(PosteriorSampler sampler, ForwardOperator acquisition) {
        this(sampler, acquisition, false);
    }

    /**
     * @param nextToWedge at limited angle, hold out the views next to the missing wedge instead
     *     ({@link HeldOutSplit#forCalibration}): for chains started at a reconstruction, whose spread is shortest in the
     *     wedge (README, "Views next to the missing wedge")
     */
    public HeldOutCalibratedSampler(PosteriorSampler sampler, ForwardOperator acquisition, boolean nextToWedge) {
        this.sampler = sampler;
        this.nextToWedge = nextToWedge;
        this.split = HeldOutSplit.forCalibration(acquisition, nextToWedge);
    }

    @Override
    public String description() {
        return sampler.description() + ", spread calibrated by held-out " + (split instanceof HeldOutViews v
            && v.nextToWedge() ? "views next to the missing wedge" : split.heldOut());
    }

    @Override
    public double noiseLevel() {
        return sampler.noiseLevel();
    }

    /** The scale applied to each slice sampled so far, in order. */
    public List<Double> scales() {
        return List.copyOf(scales);
    }

    /**
     * @throws IllegalArgumentException when {@code operator} is another acquisition without a held-out split
     *     ({@link HeldOutSplit#of}), or for fewer than 2 samples
     */
    @Override
    public NDArray sample(NDArray measurements, ForwardOperator operator, int samples, long seed,
        ProgressMonitor progress) {
        if (samples < 2) {
            throw new IllegalArgumentException("samples=" + samples + ": calibrating the spread needs at least 2");
        }
        if (!split.fits(operator)) {
            HeldOutSplit next = HeldOutSplit.forCalibration(operator, nextToWedge);
            split.close();
            split = next;
        }
        int slices = Math.toIntExact(measurements.getShape().get(0));
        String heldOut = split.heldOut();
        int runs = split.folds() + 1;
        double[] noise = PosteriorSampler.noiseVariances(measurements, sampler.noiseLevel());
        double[] excess = new double[slices];
        double[] spread = new double[slices];
        for (int fold = 0; fold < split.folds(); fold++) {
            progress.checkCancelled();
            try (NDManager scope = measurements.getManager().newSubManager()) {
                NDArray kept = split.keptMeasurements(measurements, fold);
                NDArray held = split.heldOutMeasurements(measurements, fold);
                kept.attach(scope);
                held.attach(scope);
                NDArray drawn = sampler.sample(kept, split.kept(fold), samples, seed + SEED_OFFSET + fold,
                    progress.part(fold, fold + 1, runs, "held-out " + heldOut + ", fold " + (fold + 1) + ": "));
                drawn.attach(scope);
                Shape domain = drawn.getShape().slice(2);
                NDArray predicted = split.heldOut(fold).apply(
                    drawn.reshape(new Shape((long) samples * slices).addAll(domain)));
                predicted.attach(scope);
                // A_J is linear: the prediction of the samples' mean is the mean of their predictions.
                NDArray predictedMean = predicted.reshape(new Shape(samples, slices).addAll(predicted.getShape()
                    .slice(1))).mean(new int[] {0});
                accumulate(held.toFloatArray(), predictedMean.toFloatArray(), predicted.toFloatArray(), noise,
                    samples, excess, spread);
            }
        }
        progress.checkCancelled();
        NDArray drawn = sampler.sample(measurements, operator, samples, seed,
            progress.part(runs - 1, runs, runs, "all " + heldOut + ": "));
        double[] scale = new double[slices];
        for (int s = 0; s < slices; s++) {
            double ratio = spread[s] > 0 ? Math.max(0, excess[s]) / spread[s] : 1;
            scale[s] = Math.max(MIN_SCALE, Math.min(MAX_SCALE, Math.sqrt(ratio)));
            scales.add(scale[s]);
        }
        return spreadAroundMean(drawn, scale);
    }

    /**
     * Adds one fold's terms per slice: {@code ||r||^2 - N_J sigma_n^2} to {@code excess} and the samples' spread
     * around the predicted mean to {@code spread}. {@code N_J} counts the held-out entries that were measured
     * (non-zero, as {@link PosteriorSampler#noiseVariances} counts).
     */
    static void accumulate(float[] held, float[] predictedMean, float[] predicted, double[] noise, int samples,
        double[] excess, double[] spread) {
        int slices = excess.length;
        int per = held.length / slices;
        for (int s = 0; s < slices; s++) {
            double residual = 0;
            long measured = 0;
            for (int i = s * per; i < (s + 1) * per; i++) {
                if (held[i] != 0) {
                    double d = held[i] - predictedMean[i];
                    residual += d * d;
                    measured++;
                }
            }
            excess[s] += residual - measured * noise[s];
            double v = 0;
            for (int k = 0; k < samples; k++) {
                int offset = (k * slices + s) * per;
                for (int i = 0; i < per; i++) {
                    if (held[s * per + i] != 0) {
                        double d = predicted[offset + i] - predictedMean[s * per + i];
                        v += d * d;
                    }
                }
            }
            spread[s] += v / (samples - 1);
        }
    }

    /**
     * {@code drawn} {@code (S, B, ...)} with each slice's samples spread around their mean by {@code scale}, in
     * {@code drawn}'s manager; {@code drawn} is closed.
     */
    static NDArray spreadAroundMean(NDArray drawn, double[] scale) {
        NDManager owner = drawn.getManager();
        try (NDManager scope = owner.newSubManager()) {
            drawn.attach(scope); // freed with the scope: the spread samples replace it
            NDArray mean = drawn.mean(new int[] {0}, true);
            long[] shape = new long[drawn.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = scale.length;
            float[] s = new float[scale.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) scale[i];
            }
            NDArray factor = scope.create(s, new Shape(shape));
            NDArray result = mean.add(drawn.sub(mean).mul(factor));
            result.attach(owner);
            return result;
        }
    }

    /** Frees the split's operators. */
    @Override
    public void close() {
        split.close();
    }
}

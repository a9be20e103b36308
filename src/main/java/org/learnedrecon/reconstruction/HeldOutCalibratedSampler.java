package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
 * k-space among the unsampled ones, but held-out views lie inside the scanned range, so at limited angle the scale
 * does not see the missing wedge itself (measured, it still brought the coverage of 90 % intervals at 90 views over
 * 120 degrees from 0.57-0.79 to 0.82-0.93 on five held-out sets for chains started in noise: README). Each slice costs
 * the wrapped sampler {@code folds + 1} runs. Chains started at a reconstruction from a low noise level hardly spread
 * at all, into the wedge or elsewhere; for them {@link #aroundStart} borrows the spread of chains from noise.
 */
public final class HeldOutCalibratedSampler implements PosteriorSampler, AutoCloseable {

    /**
     * The smallest scale applied to a sampler's own spread: the calibration widens, never narrows (a borrowed spread,
     * {@link #aroundStart}, is floored by the warm chains' own instead). A slice's scale rests on a few held-out views
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

    /**
     * Below this {@link #evidence}, a slice's scale rests mostly on the held-out measurements' noise: where the start
     * is near exact (natural crops at 46-52 dB) the excess was 1.0-2.2 noise standard deviations and the scale of one
     * image ranged 0.1-1.8 times what its truth asked for, though over 8 such images per set it was within 10 % of it
     * (README, "Eight images per set").
     */
    public static final double WEAK_EVIDENCE = 3;

    /** Added to the seed of fold {@code f}'s samples ({@code seed + SEED_OFFSET + f}). */
    private static final long SEED_OFFSET = 1_000_003;

    private final PosteriorSampler sampler;
    private final PosteriorSampler centre;
    private final HeldOutChoice start;
    private final List<Double> scales = new ArrayList<>();
    private final List<Double> evidence = new ArrayList<>();
    private HeldOutSplit split;

    /**
     * A sampler calibrated by every 10th view in CT ({@link HeldOutSplit#of}).
     *
     * @param acquisition the acquisition the samples will be drawn for: its split is made here, once, and serves
     *     every batch of slices of that acquisition
     * @throws IllegalArgumentException when {@code acquisition} has no held-out split ({@link HeldOutSplit#of})
     */
    public HeldOutCalibratedSampler(PosteriorSampler sampler, ForwardOperator acquisition) {
        this(sampler, null, null, acquisition);
    }

    private HeldOutCalibratedSampler(PosteriorSampler sampler, PosteriorSampler centre, HeldOutChoice start,
        ForwardOperator acquisition) {
        this.sampler = sampler;
        this.centre = centre;
        this.start = start;
        this.split = HeldOutSplit.of(acquisition);
    }

    /**
     * For chains started at a choice by held-out measurements: their samples hardly spread, so the spread is borrowed
     * from chains started in noise, scaled to the start's own error. The samples are the mean of {@code warm}'s chains
     * plus {@code s} times the deviations of {@code fromNoise}'s samples from their mean. {@code fromNoise} runs once
     * per fold, on the fold's kept measurements, and draws its share of the samples there ({@code ceil(S / folds)}, at
     * least 2); the folds' deviations are pooled (until 2026-12-06 each fold drew {@code S} and one more run drew
     * {@code S} from all measurements: 2.2-3.2 times the time at MRI 8x, for coverage within 0.03: README). {@code s}
     * compares how far the choice's reconstruction from each fold's kept measurements misses the held-out ones ({@link
     * HeldOutChoice#heldOutMisses}: the choice's own cross-validation, on the same split) with how far {@code
     * fromNoise}'s samples from the same measurements spread there (every 10th view, or lines), at most {@value
     * #MAX_SCALE}: it narrows as well as widens, since the start is usually far nearer the truth than the chains from
     * noise, but never under the spread of {@code warm}'s own samples (in L2 over the slice), which a few held-out
     * views or lines cannot overrule (README, "The spread of chains from noise around the warm chain's mean"). Each
     * slice costs {@code fromNoise} one run per fold of {@code ceil(S / folds)} samples, and {@code warm} one run of
     * {@code S}.
     *
     * @param warm the chains started at {@code start}'s reconstruction of all the measurements: running them runs
     *     {@code start}, whose misses on held-out measurements give the scale
     * @param fromNoise the chains started in noise, whose spread the samples borrow
     * @param start the choice {@code warm} starts at
     * @throws IllegalArgumentException when {@code acquisition} has no held-out split ({@link HeldOutSplit#of})
     */
    public static HeldOutCalibratedSampler aroundStart(PosteriorSampler warm, PosteriorSampler fromNoise,
        HeldOutChoice start, ForwardOperator acquisition) {
        return new HeldOutCalibratedSampler(fromNoise, warm, start, acquisition);
    }

    @Override
    public String description() {
        String by = "held-out " + split.heldOut();
        return centre == null ? sampler.description() + ", spread calibrated by " + by
            : centre.description() + ", spread of " + sampler.description() + " scaled to the start's error on " + by;
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
     * Per slice sampled so far, in order, how far the held-out residual stands above the noise its scale subtracts:
     * {@code sum_folds (||r||^2 - N_J sigma_n^2) / (sqrt(2 sum_folds N_J) sigma_n^2)}, the excess in standard
     * deviations of the noise's own squared norm (Gaussian: {@code 2 N sigma^4} its variance). Under {@link
     * #WEAK_EVIDENCE} the scale is as much noise as measurement.
     */
    public List<Double> evidence() {
        return List.copyOf(evidence);
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
            HeldOutSplit next = HeldOutSplit.of(operator);
            split.close();
            split = next;
        }
        int slices = Math.toIntExact(measurements.getShape().get(0));
        String heldOut = split.heldOut();
        int runs = split.folds() + 1;
        int run = 0;
        NDArray warm = null;
        double[][] misses = null;
        if (centre != null) {
            progress.checkCancelled();
            int before = start.heldOutMisses().size();
            warm = centre.sample(measurements, operator, samples, seed,
                progress.part(run, run + 1, runs, "all " + heldOut + ", from the start: "));
            run++;
            misses = lastMisses(before, slices);
        }
        double[] noise = PosteriorSampler.noiseVariances(measurements, sampler.noiseLevel());
        double[] excess = new double[slices];
        double[] spread = new double[slices];
        double[] entries = new double[slices];
        // Borrowed spreads pool the folds' deviations: each fold draws its share of the samples.
        int perFold = centre == null ? samples : Math.max(2, (samples + split.folds() - 1) / split.folds());
        List<NDArray> deviations = new ArrayList<>();
        for (int fold = 0; fold < split.folds(); fold++) {
            progress.checkCancelled();
            String part = "held-out " + heldOut + ", fold " + (fold + 1) + ": ";
            try (NDManager scope = measurements.getManager().newSubManager()) {
                NDArray kept = split.keptMeasurements(measurements, fold);
                NDArray held = split.heldOutMeasurements(measurements, fold);
                kept.attach(scope);
                held.attach(scope);
                NDArray drawn = sampler.sample(kept, split.kept(fold), perFold, seed + SEED_OFFSET + fold,
                    progress.part(run, run + 1, runs, part));
                run++;
                drawn.attach(scope);
                Shape domain = drawn.getShape().slice(2);
                NDArray predicted = split.heldOut(fold).apply(
                    drawn.reshape(new Shape((long) perFold * slices).addAll(domain)));
                predicted.attach(scope);
                // A_J is linear: the prediction of the samples' mean is the mean of their predictions.
                float[] predictedMean = predicted.reshape(new Shape(perFold, slices).addAll(predicted.getShape()
                    .slice(1))).mean(new int[] {0}).toFloatArray();
                float[] measured = held.toFloatArray();
                double[] residuals = misses == null ? squaredResiduals(measured, predictedMean, slices)
                    : scaledMisses(measured, misses, fold);
                accumulate(measured, residuals, predictedMean, predicted.toFloatArray(), noise, perFold, excess,
                    spread, entries);
                if (centre != null) {
                    NDArray deviation = poolableDeviations(drawn, samples);
                    deviation.attach(measurements.getManager());
                    deviations.add(deviation);
                }
            }
        }
        progress.checkCancelled();
        NDArray drawn = centre != null ? pooled(deviations, samples)
            : sampler.sample(measurements, operator, samples, seed,
                progress.part(run, run + 1, runs, "all " + heldOut + ": "));
        double[] floor = new double[slices];
        java.util.Arrays.fill(floor, MIN_SCALE);
        if (warm != null) {
            // Never narrower than the warm chains' own spread (in L2 over the slice).
            double[] own = squaredSpreads(warm);
            double[] borrowed = squaredSpreads(drawn);
            for (int s = 0; s < slices; s++) {
                floor[s] = borrowed[s] > 0 ? Math.sqrt(own[s] / borrowed[s]) : MIN_SCALE;
            }
        }
        double[] scale = new double[slices];
        for (int s = 0; s < slices; s++) {
            double ratio = spread[s] > 0 ? Math.max(0, excess[s]) / spread[s] : 1;
            scale[s] = Math.min(MAX_SCALE, Math.max(floor[s], Math.sqrt(ratio)));
            scales.add(scale[s]);
            evidence.add(excess[s] / (Math.sqrt(2 * entries[s]) * noise[s]));
        }
        return spreadAround(drawn, warm, scale);
    }

    /**
     * The deviations of a fold's {@code k} samples {@code (k, B, ...)} from their mean, scaled so that the std of
     * {@code pooled} such deviations ({@link PosteriorSummary}: over {@code pooled - 1}) estimates the samples' own:
     * each fold's squared deviations sum to {@code (k - 1) sigma^2} on average, so the factor is
     * {@code sqrt(k (pooled - 1) / (pooled (k - 1)))}. Exact on average when the folds share the samples evenly;
     * MRI's 8 of 9 (three folds of 3) come out 1 % narrow, since the last fold's deviations no longer sum to zero.
     */
    private static NDArray poolableDeviations(NDArray drawn, int pooled) {
        long k = drawn.getShape().get(0);
        double factor = Math.sqrt(k * (pooled - 1.0) / (pooled * (k - 1.0)));
        return drawn.sub(drawn.mean(new int[] {0}, true)).mul((float) factor);
    }

    /** The first {@code samples} of the folds' deviations, in fold order; the deviations are closed. */
    private static NDArray pooled(List<NDArray> deviations, int samples) {
        NDArray all = NDArrays.concat(new NDList(deviations), 0);
        NDArray first = all.get("0:" + samples);
        all.close();
        deviations.forEach(NDArray::close);
        return first;
    }

    /**
     * Per slice of samples {@code (S, B, ...)}, the sum over its pixels of the samples' variance (the square of
     * {@link PosteriorSummary}'s std).
     */
    private static double[] squaredSpreads(NDArray samples) {
        int slices = Math.toIntExact(samples.getShape().get(1));
        PosteriorSummary summary = PosteriorSummary.of(samples);
        float[] std = summary.std().toFloatArray();
        summary.mean().close();
        summary.std().close();
        int per = std.length / slices;
        double[] sums = new double[slices];
        for (int i = 0; i < std.length; i++) {
            sums[i / per] += (double) std[i] * std[i];
        }
        return sums;
    }

    /**
     * The misses {@code start} recorded for the {@code slices} it reconstructed after its first {@code before}
     * ({@link HeldOutChoice#heldOutMisses}), one per fold of this split.
     *
     * @throws IllegalStateException when the warm chains did not run {@code start} on these slices, or on another split
     */
    private double[][] lastMisses(int before, int slices) {
        List<double[]> all = start.heldOutMisses();
        if (all.size() != before + slices || all.get(all.size() - 1).length != split.folds()) {
            throw new IllegalStateException("The warm chains must start at the choice they are calibrated by: it "
                + "reconstructed " + (all.size() - before) + " of " + slices + " slices");
        }
        return all.subList(before, all.size()).toArray(new double[0][]);
    }

    /** Per slice, {@code ||held - reference||^2} over the held-out entries that were measured (non-zero). */
    static double[] squaredResiduals(float[] held, float[] reference, int slices) {
        int per = held.length / slices;
        double[] sums = new double[slices];
        for (int i = 0; i < held.length; i++) {
            if (held[i] != 0) {
                double d = held[i] - reference[i];
                sums[i / per] += d * d;
            }
        }
        return sums;
    }

    /** Per slice, the relative misses of fold {@code fold} times the held-out measurements' squared norm. */
    private static double[] scaledMisses(float[] held, double[][] misses, int fold) {
        int slices = misses.length;
        int per = held.length / slices;
        double[] sums = new double[slices];
        for (int i = 0; i < held.length; i++) {
            sums[i / per] += (double) held[i] * held[i];
        }
        for (int s = 0; s < slices; s++) {
            sums[s] *= misses[s][fold];
        }
        return sums;
    }

    /**
     * Adds one fold's terms per slice: {@code ||r||^2 - N_J sigma_n^2} to {@code excess}, with the squared
     * {@code residuals} {@code ||r||^2}, and the samples' spread around their predicted mean to {@code spread}.
     * {@code N_J} counts the held-out entries that were measured (non-zero, as {@link PosteriorSampler#noiseVariances}
     * counts); it is added to {@code entries}.
     */
    static void accumulate(float[] held, double[] residuals, float[] predictedMean, float[] predicted,
        double[] noise, int samples, double[] excess, double[] spread, double[] entries) {
        int slices = excess.length;
        int per = held.length / slices;
        for (int s = 0; s < slices; s++) {
            long measured = 0;
            for (int i = s * per; i < (s + 1) * per; i++) {
                if (held[i] != 0) {
                    measured++;
                }
            }
            excess[s] += residuals[s] - measured * noise[s];
            entries[s] += measured;
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
     * {@code drawn} {@code (S, B, ...)} with each slice's samples spread around their mean by {@code scale} and moved
     * to the mean of {@code centre}'s samples when that is given ({@code null}: they stay around their own), in
     * {@code drawn}'s manager; {@code drawn} and {@code centre} are closed.
     */
    static NDArray spreadAround(NDArray drawn, NDArray centre, double[] scale) {
        NDManager owner = drawn.getManager();
        try (NDManager scope = owner.newSubManager()) {
            drawn.attach(scope); // freed with the scope: the spread samples replace it
            NDArray mean = drawn.mean(new int[] {0}, true);
            NDArray target = mean;
            if (centre != null) {
                centre.attach(scope);
                target = centre.mean(new int[] {0}, true);
            }
            long[] shape = new long[drawn.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = scale.length;
            float[] s = new float[scale.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) scale[i];
            }
            NDArray factor = scope.create(s, new Shape(shape));
            NDArray result = target.add(drawn.sub(mean).mul(factor));
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

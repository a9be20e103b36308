package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * Measured k-space lines kept out of training to score it: a self-supervised validation set for training from
 * measured data alone, where there is no clean image to compute a PSNR against. A fixed share of the sampled lines
 * outside the fully sampled centre band (the centre stays in the network's input, as at inference) is removed from
 * the training data; after every epoch the network reconstructs each slice from the remaining lines and is scored on
 * how well the removed ones are predicted:
 * <pre>
 *   score = 10 log10( sum ||y_V||^2 / sum ||M_V F x - y_V||^2 )   (dB, over all slices; x = f(y without V))
 * </pre>
 * This is SSDU's validation (Yaman et al. 2020) on the data being adapted to. {@link TrainingRun} keeps the epoch with
 * the best score, and keeps the starting model ({@code init=}) when no epoch predicts the held-out lines better, so
 * adapting a model never replaces it by one the data speak against.
 */
public final class HeldOutLines {

    /** Share of the sampled lines held out unless a run says otherwise ({@code holdout=}). */
    public static final double DEFAULT_FRACTION = 0.1;

    private final SamplingMask kept;
    private final SamplingMask heldOut;
    private final int lines;

    private HeldOutLines(SamplingMask kept, SamplingMask heldOut, int lines) {
        this.kept = kept;
        this.heldOut = heldOut;
        this.lines = lines;
    }

    /**
     * Chooses {@code max(1, round(fraction x sampled lines))} of the sampled lines outside the centre band at random;
     * empty when the mask is not a line mask (Poisson disc) or has too few lines outside its centre to spare them
     * (training then uses every line and keeps its last epoch).
     *
     * @throws IllegalArgumentException naming {@code holdout=} when the fraction is not in (0, 0.5]
     */
    public static Optional<HeldOutLines> choose(SamplingMask mask, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 0.5)) {
            throw new IllegalArgumentException("holdout=" + fraction + " must lie in (0, 0.5]: the share of the "
                + "sampled k-space lines kept out of training to score it (0 = none)");
        }
        if (!mask.isLineMask()) {
            return Optional.empty();
        }
        List<Integer> candidates = new ArrayList<>(mask.outerLines());
        long count = mask.sampledCount() / mask.height();
        int take = (int) Math.max(1, Math.round(fraction * count));
        if (candidates.size() < take + 1) {
            return Optional.empty();
        }
        Collections.shuffle(candidates, new Random(seed));
        List<Integer> held = candidates.subList(0, take);
        return Optional.of(new HeldOutLines(mask.columns(held, false), mask.columns(held, true), take));
    }

    /** The lines training keeps: the data's mask without the held-out lines. */
    public SamplingMask kept() {
        return kept;
    }

    /** {@code plane} (real then imaginary, {@code 2 x H x W}) without the held-out lines: what training sees. */
    float[] withoutHeldOut(float[] plane) {
        float[] out = plane.clone();
        float[] mask = heldOut.values();
        for (int i = 0; i < out.length; i++) {
            if (mask[i % mask.length] != 0f) {
                out[i] = 0f;
            }
        }
        return out;
    }

    /**
     * The score of a reconstruction on these held-out lines of {@code full} (the measured k-space with them), the
     * network reconstructing from {@code training} (the same slices without them, {@link MeasuredKspace#without}),
     * {@code batch} slices at a time.
     */
    TrainingRun.HeldOutScore scoreOn(TrainingImages full, TrainingImages training, int batch) {
        return new TrainingRun.HeldOutScore() {
            @Override
            public double score(UnaryOperator<NDArray> reconstruct, double scale, NDManager manager) {
                double signal = 0;
                double error = 0;
                try (NDManager scope = manager.newSubManager()) {
                    CartesianMriOperator onHeldOut = new CartesianMriOperator(scope, heldOut);
                    NDArray mask = heldOut.toNDArray(scope);
                    Shape range = onHeldOut.rangeShape();
                    for (int[] indices : full.inBatches(batch)) {
                        try (NDManager step = scope.newSubManager()) {
                            NDArray target = full.batch(step, indices, range, scale, null).mul(mask);
                            NDArray predicted = onHeldOut.apply(reconstruct.apply(
                                training.batch(step, indices, range, scale, null)));
                            signal += target.square().sum().getFloat();
                            error += predicted.sub(target).square().sum().getFloat();
                        }
                    }
                }
                return 10 * Math.log10(signal / error);
            }

            @Override
            public String description() {
                return HeldOutLines.this.description();
            }
        };
    }

    /** For metadata and logs. */
    public String description() {
        return String.format(Locale.ROOT, "%d sampled k-space line(s) outside the centre held out for validation",
            lines);
    }
}

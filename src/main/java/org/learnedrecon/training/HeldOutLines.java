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
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * Measured k-space lines kept out of training to score it: a self-supervised validation set for training from
 * measured data alone, where there is no clean image to compute a PSNR against. A fixed share of the sampled lines
 * outside the fully sampled centre band (the centre stays in the network's input, as at inference) is removed from
 * the training data; after every epoch the network reconstructs each slice from the remaining lines and is scored on
 * how well the removed ones are predicted ({@link HeldOutPrediction}, with {@code A_V = M_V F}). {@link TrainingRun}
 * keeps the epoch with
 * the best score, and keeps the starting model ({@code init=}) when no epoch predicts the held-out lines better, so
 * adapting a model never replaces it by one the data speak against.
 */
public final class HeldOutLines {

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
        MeasuredData.HeldOut.checkFraction(fraction, "sampled k-space lines");
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
        Shape range = new Shape(2, heldOut.height(), heldOut.width());
        return new HeldOutPrediction(full, range, training, range, batch, scope -> {
            NDArray mask = heldOut.toNDArray(scope);
            return new HeldOutPrediction.Split(y -> y.mul(mask), new CartesianMriOperator(scope, heldOut)::apply);
        }, description());
    }

    /** For metadata and logs. */
    public String description() {
        return String.format(Locale.ROOT, "%d sampled k-space line(s) outside the centre held out for validation",
            lines);
    }
}

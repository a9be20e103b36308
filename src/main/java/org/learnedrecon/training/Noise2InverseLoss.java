package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/**
 * The loss of training from split views (Noise2Inverse: Hendriksen, Pelt and Batenburg, "Noise2Inverse:
 * self-supervised deep convolutional denoising for tomography", IEEE TCI 2020), the CT counterpart of
 * {@link SplitMeasurementLoss}. The views are split into {@code K} interleaved subsets; each batch draws one subset
 * {@code J}, the network reconstructs from the other views through their own scan, and is scored against the
 * ramp-filtered back-projection of {@code J}'s views alone:
 * <pre>
 *   x    = f(y_{not J}; A_{not J})
 *   loss = mean (x - FBP_J(y_J))^2
 * </pre>
 * The noise of {@code y_J} is independent of what the network saw and has mean zero, so in expectation the loss is the
 * error to {@code FBP_J(A x_true)} plus a constant: the network learns to denoise, with no clean image. But
 * {@code FBP_J(A x_true)} is the truth only when {@code J}'s views sample the object densely: with sparse views the
 * target carries {@code J}'s own streaks, and the network learns to draw them (measured: README, "Split views
 * (Noise2Inverse)"). The ramp filter keeps the target unbiased (a smoothing window would teach the network to blur).
 * At inference the network gets every view (the paper averages the {@code K} reconstructions from the complements
 * instead; the unrolled networks normalise by the operator's norm, so they take the whole scan).
 */
public final class Noise2InverseLoss implements MeasurementLoss {

    /** Interleaved subsets of the views ({@code split=0.5}: half the views held out per batch). */
    public static final int DEFAULT_SPLITS = 2;

    private final ViewSplitRayTransform operator;
    private final Solver target = new FilteredBackProjection(FilteredBackProjection.Filter.RAMP);

    public Noise2InverseLoss(ViewSplitRayTransform operator) {
        this.operator = operator;
    }

    /**
     * The number of subsets for {@code split=} (the share of views held out per batch, {@code 1 / K}; NaN: the
     * default 2).
     *
     * @throws IllegalArgumentException unless the share is {@code 1 / K} for a whole {@code K >= 2}, within 1 %
     */
    public static int splits(double share) {
        if (Double.isNaN(share)) {
            return DEFAULT_SPLITS;
        }
        long k = Math.round(1 / share);
        if (!(share > 0) || k < 2 || Math.abs(k * share - 1) > 0.01) {
            throw new IllegalArgumentException("split=" + share + ": Noise2Inverse holds out one of K interleaved"
                + " subsets of the views, so split must be 1/K (0.5, 0.333, 0.25, ...)");
        }
        return (int) k;
    }

    @Override
    public Terms loss(UnaryOperator<NDArray> f, NDArray y, Random random) {
        int j = random.nextInt(operator.splits());
        NDArray held = ViewSplitRayTransform.rows(y, operator.views(j));
        NDArray goal = target.reconstruct(held, operator.subset(j), ProgressMonitor.NONE);
        NDArray seen = ViewSplitRayTransform.rows(y, operator.complementViews(j));
        NDArray x;
        operator.useComplement(j);
        try {
            x = f.apply(seen);
        } finally {
            operator.useComplement(-1);
        }
        NDArray error = x.reshape(goal.getShape()).sub(goal).square().mean();
        return new Terms(error, error);
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "split views (Noise2Inverse): mean (f(y_notJ) - rampFBP(y_J))^2, one of %d"
            + " interleaved subsets J of the views held out per batch", operator.splits());
    }
}

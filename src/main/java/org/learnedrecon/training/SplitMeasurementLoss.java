package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.physics.ForwardingOperator;
import org.learnedrecon.physics.SubsetOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * The loss of training from split measurements (SSDU: Yaman et al., "Self-supervised learning of physics-guided
 * reconstruction neural networks without fully sampled reference data", MRM 2020). Each batch's measured entries
 * {@code Omega} are split at random into disjoint sets {@code Theta} and {@code Lambda} ({@code |Lambda| = fraction
 * |Omega|}, paper: 0.4); the network reconstructs from {@code y_Theta} through the operator restricted to
 * {@code Theta} ({@link SubsetOperator}) and is scored on the entries it did not see, and on those it saw:
 * <pre>
 *   x = f(M_Theta y; A_Theta)
 *   loss = e(Lambda) + e(Theta),   e(S) = ||M_S (A x - y)||_2 / ||M_S y||_2 + ||M_S (A x - y)||_1 / ||M_S y||_1
 * </pre>
 * {@code e} is the paper's normalised l1-l2 loss (over the batch). The paper's network ends in a data-consistency
 * layer that ties its output to {@code y_Theta}; our unrolled networks have none unless asked (LGD's
 * {@code dataConsistency}), so {@code e(Theta)} does that job: without it the output's {@code Theta} entries were never
 * scored and drifted (SplitMeasurementLossTest's run: 13.4 dB against zero filling's 22.9; with it 24.1, supervised
 * 25.5). What is split ({@link Selection}; the paper's Gaussian selection of points, with LGD's data-consistency
 * step, measured best from scratch, lines best as an adaptation; README "SSDU as its paper has it"):
 * <ul>
 *   <li>Cartesian MRI with a line mask: the sampled lines (columns), uniformly at random, centre lines included, so
 *       every frequency the data measure is scored sometime (Millard and Chiew's condition for the split loss to
 *       follow the supervised one) and the network learns to fill whole missing lines, the task it meets at
 *       inference (the 4 centre lines always kept for the network, as in the SSDU code, left it at zero filling's
 *       22.9 dB; single points split within lines gave 18.2, tried only before the Theta term was added); any other
 *       mask: its sampled points; coils and the complex axis share the split;</li>
 * </ul>
 * Not for CT: splitting a sinogram's views this way (zeroed views, FBP of the rest as the LGD's start) measured
 * 13.3 dB on a tiny LGD run (ellipses 32^2, 16 views, 8 epochs) where equivariant imaging gave 23.7 and supervised
 * training 26.2; {@link TrainingJob} refuses it.
 * At inference the network gets all of {@code Omega}. The loss sees only the measurements, the operator and the
 * network.
 */
public final class SplitMeasurementLoss implements MeasurementLoss {

    /** Share of the measured entries held out for the loss (the SSDU paper's rho). */
    public static final double DEFAULT_FRACTION = 0.4;

    /** How the held-out entries are drawn ({@code split.selection=}). */
    public enum Selection {
        /** Whole sampled lines (of a line mask; else points), uniformly at random, centre lines included. */
        LINES("lines"),
        /**
         * Sampled points, drawn with a Gaussian density about the k-space centre (standard deviation a quarter of
         * each side), a 4 x 4 centre block always kept with the network: the SSDU paper's "Gaussian selection".
         */
        GAUSSIAN("gaussian");

        private final String key;

        Selection(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Parses {@code split.selection=}'s value, naming the key when it is neither. */
        public static Selection parse(String value) {
            for (Selection s : values()) {
                if (s.key.equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("split.selection=" + value + ": choose lines (whole sampled lines,"
                + " the default) or gaussian (sampled points about the centre, SSDU's Gaussian selection)");
        }
    }

    /** Side of the centre block that {@link Selection#GAUSSIAN} always leaves with the network (SSDU's). */
    static final int GAUSSIAN_KEPT_CENTRE = 4;

    private final SubsetOperator operator;
    private final double fraction;
    private final Selection selection;

    /** With whole lines held out ({@link Selection#LINES}). */
    public SplitMeasurementLoss(SubsetOperator operator, double fraction) {
        this(operator, fraction, Selection.LINES);
    }

    /** @param operator a Cartesian MRI operator under the subset (any forwarding layers between) */
    public SplitMeasurementLoss(SubsetOperator operator, double fraction, Selection selection) {
        if (!(ForwardingOperator.innermost(operator) instanceof CartesianMriOperator)) {
            throw new IllegalArgumentException("supervision=split splits Cartesian MRI k-space (SSDU), not the "
                + "measurements of " + ForwardingOperator.innermost(operator).getClass().getSimpleName()
                + "; for CT use supervision=measurements (equivariant imaging)");
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("split=" + fraction + " must lie strictly between 0 and 1 (the share of"
                + " the measurements held out for the loss; SSDU uses 0.4)");
        }
        this.operator = operator;
        this.fraction = fraction;
        this.selection = selection;
    }

    @Override
    public Terms loss(UnaryOperator<NDArray> f, NDArray y, Random random) {
        NDManager manager = y.getManager();
        Shape range = operator.rangeShape();
        float[][] parts = split(random);
        NDArray theta = manager.create(parts[0], range);
        NDArray lambda = manager.create(parts[1], range);
        NDArray x;
        operator.restrict(theta);
        try {
            x = f.apply(y.mul(theta));
        } finally {
            operator.restrict(null);
        }
        NDArray predicted = operator.apply(x);
        NDArray consistency = normalisedError(predicted, y, theta);
        return new Terms(normalisedError(predicted, y, lambda).add(consistency), consistency);
    }

    /** {@code ||M (Ax - y)||_2 / ||M y||_2 + ||M (Ax - y)||_1 / ||M y||_1} for the 0/1 entries {@code M}. */
    private static NDArray normalisedError(NDArray predicted, NDArray y, NDArray entries) {
        NDArray target = y.mul(entries);
        NDArray residual = predicted.mul(entries).sub(target);
        return residual.square().sum().sqrt().div(target.square().sum().sqrt())
            .add(residual.abs().sum().div(target.abs().sum()));
    }

    /**
     * The network's part {@code Theta} and the loss's part {@code Lambda} of the current acquisition, as 0/1 arrays
     * of the range's shape (row-major).
     */
    float[][] split(Random random) {
        CartesianMriOperator inner = (CartesianMriOperator) ForwardingOperator.innermost(operator);
        SamplingMask sampling = inner.mask();
        long size = operator.rangeShape().size();
        if (selection == Selection.GAUSSIAN) {
            return tile(gaussianPoints(sampling, random), sampling.values(), size);
        }
        return splitKspace(sampling.values(), sampling.isLineMask(), sampling.width(), size, random);
    }

    private float[][] splitKspace(float[] mask, boolean lines, int width, long size, Random random) {
        boolean[] selectable = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            selectable[i] = mask[i] != 0 && (!lines || i < width);
        }
        boolean[] held = choose(selectable, random);
        if (lines) {
            // Whole lines: the first row's choice holds for every row of its column.
            for (int i = width; i < mask.length; i++) {
                held[i] = held[i % width];
            }
        }
        return tile(held, mask, size);
    }

    /**
     * Marks {@code round(fraction x #selectable)} of the selectable units (at least one, and at least one stays
     * out) by a partial Fisher-Yates shuffle.
     */
    private boolean[] choose(boolean[] selectable, Random random) {
        int count = count(selectable);
        if (count < 2) {
            throw new IllegalArgumentException("supervision=split: too few measurements to split (" + count
                + " line(s) or point(s)); it needs at least 2");
        }
        int[] candidates = new int[count];
        for (int i = 0, c = 0; i < selectable.length; i++) {
            if (selectable[i]) {
                candidates[c++] = i;
            }
        }
        int take = (int) Math.min(count - 1, Math.max(1, Math.round(fraction * count)));
        boolean[] held = new boolean[selectable.length];
        for (int k = 0; k < take; k++) {
            int j = k + random.nextInt(count - k);
            int t = candidates[k];
            candidates[k] = candidates[j];
            candidates[j] = t;
            held[candidates[k]] = true;
        }
        return held;
    }

    /**
     * {@link Selection#GAUSSIAN}: {@code round(fraction x #measured points)} of the measured points outside the
     * centre block, drawn from a Gaussian about the centre {@code (H / 2, W / 2)} with standard deviations
     * {@code H / 4} and {@code W / 4}, redrawing points outside the image, in the block, unmeasured or already taken
     * (as SSDU's code does); at most all measured points outside the block but one.
     */
    private boolean[] gaussianPoints(SamplingMask sampling, Random random) {
        float[] mask = sampling.values();
        int width = sampling.width();
        int height = sampling.height();
        int rowLow = height / 2 - GAUSSIAN_KEPT_CENTRE / 2;
        int colLow = width / 2 - GAUSSIAN_KEPT_CENTRE / 2;
        boolean[] selectable = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            int r = i / width - rowLow;
            int c = i % width - colLow;
            boolean block = r >= 0 && r < GAUSSIAN_KEPT_CENTRE && c >= 0 && c < GAUSSIAN_KEPT_CENTRE;
            selectable[i] = mask[i] != 0 && !block;
        }
        int count = count(selectable);
        if (count < 2) {
            throw new IllegalArgumentException("supervision=split: too few measured points outside the centre to"
                + " split (" + count + "); it needs at least 2");
        }
        int take = (int) Math.min(count - 1, Math.max(1, Math.round(fraction * sampling.sampledCount())));
        boolean[] held = new boolean[mask.length];
        for (int got = 0; got < take; ) {
            int r = (int) Math.round(height / 2.0 + random.nextGaussian() * height / 4.0);
            int c = (int) Math.round(width / 2.0 + random.nextGaussian() * width / 4.0);
            if (r >= 0 && r < height && c >= 0 && c < width && selectable[r * width + c] && !held[r * width + c]) {
                held[r * width + c] = true;
                got++;
            }
        }
        return held;
    }

    private static int count(boolean[] flags) {
        int count = 0;
        for (boolean f : flags) {
            count += f ? 1 : 0;
        }
        return count;
    }

    /**
     * Theta and Lambda over the whole range {@code (..., 2, H, W)}: the split of the {@code H x W} points repeats
     * under the coil and complex axes.
     */
    private static float[][] tile(boolean[] held, float[] measured, long size) {
        float[] theta = new float[(int) size];
        float[] lambda = new float[(int) size];
        for (int i = 0; i < size; i++) {
            int point = i % measured.length;
            lambda[i] = held[point] ? 1f : 0f;
            theta[i] = measured[point] != 0 && !held[point] ? 1f : 0f;
        }
        return new float[][] {theta, lambda};
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "split measurements (SSDU): ||M_L A f(M_T y) - y_L||_2/||y_L||_2 + l1 alike,"
            + " %s of the measured k-space %s held out per batch", fraction,
            selection == Selection.GAUSSIAN ? "points (Gaussian about the centre)" : "lines (points)");
    }
}

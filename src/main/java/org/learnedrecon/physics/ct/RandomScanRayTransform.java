package org.learnedrecon.physics.ct;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.learnedrecon.physics.DrawnOperator;

/**
 * A parallel-beam scan drawn anew for every training batch from a family of scans: the number of views log-uniform
 * in {@code [minViews, maxViews]} (so sparse scans are drawn as often as dense ones) and the angular range uniform in
 * {@code [minRange, maxRange]} degrees, angles {@code i * range / views} from 0, the detector of the image size. For
 * training one unrolled solver that serves the whole family (views 20-180 over 90-180 degrees). Each draw is a
 * differentiable {@link RayTransform} in its own sub-manager, freed at the next draw (0.3-2.2 s to build at 128^2).
 *
 * <p>The norm of a draw: for uniformly spaced views {@code A*A} is a sum of one projection's normal operator per
 * view, so {@code ||A||^2} grows in proportion to the view count, and a little with a narrower range. Measured at
 * 128^2 (50 power iterations), {@code ||A|| / sqrt(views)}: 11.401 / 11.165 / 11.121 over 90 / 135 / 180 degrees
 * with 20 views, 11.400 / 11.156 / 11.117 with 180 views (at 32^2 with 6 and 60 views: within 0.3 %). A draw's norm
 * is therefore {@code c(range) sqrt(views)}, with {@code c} measured by power iteration on a 16-view scan of the
 * range rounded to whole degrees (once per degree, about 1 s at 128^2), instead of 30 power iterations per batch
 * (9 s at 180 views).
 */
public final class RandomScanRayTransform extends DrawnOperator<RayTransform> {

    private final int size;
    private final int minViews;
    private final int maxViews;
    private final double minRange;
    private final double maxRange;
    /** {@code c(range)} by whole degree, see the class comment. */
    private final Map<Long, Double> normPerSqrtView = new HashMap<>();

    /**
     * Starts with the scan of {@code firstViews} views over {@code firstRange} degrees.
     *
     * @throws IllegalArgumentException for empty or inverted ranges, naming them
     */
    public RandomScanRayTransform(NDManager manager, int size, int minViews, int maxViews, double minRange,
        double maxRange, int firstViews, double firstRange) {
        super(manager);
        if (size < 2 || minViews < 1 || maxViews < minViews || !(minRange > 0) || !(maxRange >= minRange)
            || maxRange > 360) {
            throw new IllegalArgumentException("A family of scans needs size >= 2, 1 <= views " + minViews + "-"
                + maxViews + " (low <= high) and 0 < range " + minRange + "-" + maxRange + " <= 360 degrees");
        }
        this.size = size;
        this.minViews = minViews;
        this.maxViews = maxViews;
        this.minRange = minRange;
        this.maxRange = maxRange;
        use(firstViews, firstRange);
    }

    @Override
    public void draw(Random random) {
        double logViews = Math.log(minViews) + random.nextDouble() * (Math.log(maxViews + 1) - Math.log(minViews));
        int views = Math.min(maxViews, (int) Math.floor(Math.exp(logViews)));
        double range = minRange + random.nextDouble() * (maxRange - minRange);
        use(views, range);
    }

    private void use(int views, double range) {
        use(m -> RayTransform.differentiable(ParallelBeamGeometry.uniform(size, views, range), m));
    }

    /** {@code c(range) sqrt(views)} of the current draw, see the class comment. */
    @Override
    public OptionalDouble drawNorm() {
        CtGeometry g = operator().geometry();
        double step = g.angleCount() > 1 ? g.angles()[1] - g.angles()[0] : Math.PI;
        long degrees = Math.round(Math.toDegrees(step) * g.angleCount());
        double c = normPerSqrtView.computeIfAbsent(degrees, d -> {
            try (NDManager scope = manager().newSubManager()) {
                return RayTransform.differentiable(ParallelBeamGeometry.uniform(size, REFERENCE_VIEWS, d), scope)
                    .normEstimate(scope, 30) / Math.sqrt(REFERENCE_VIEWS);
            }
        });
        return OptionalDouble.of(c * Math.sqrt(g.angleCount()));
    }

    /** Views of the scans on which {@code c(range)} is measured. */
    private static final int REFERENCE_VIEWS = 16;
}

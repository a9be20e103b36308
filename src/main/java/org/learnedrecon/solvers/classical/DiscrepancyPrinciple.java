package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Chooses a regularised solver's weight per slice by Morozov's discrepancy principle: the largest lambda whose
 * reconstruction fits the slice's measurements no closer than their noise, {@code ||A x_lambda - y|| <= tau delta}
 * with {@code delta = level * RMS(y) * sqrt(n)} over the {@code n} measured (non-zero) entries, the norm of the
 * noise {@code physics.noise.GaussianNoise} adds at that relative level, and {@code tau = 1} ({@link #TAU}).
 * A larger lambda smooths more and fits the data less, so the residual grows with lambda; where noise is all that is
 * left to fit, a smaller lambda only fits the noise.
 *
 * <p>Search, per slice: from the starting lambda, steps of x4 up (while the fit is within the noise) or down (while
 * it is not), at most {@value #MAX_STEPS} each way, then {@value #BISECTIONS} bisections in log lambda between the
 * last lambda within the noise and the first beyond it (so the chosen lambda is within a factor {@code 4^(1/16)},
 * 1.09, of the crossing). Each step is a full solve: it costs about 6-8 times the solver. Going down stops early
 * when a smaller lambda fits no closer: a solver run for a fixed number of iterations has a floor of its own below
 * which the residual no longer follows lambda; if no lambda tried fits within the noise, the one that fits closest
 * is kept; if every one does, the largest.
 *
 * <p>Measured for CT TV (100 iterations, non-negative, 1 % noise, 4 images per set; {@code tau} chosen on training
 * images: brain-train, natural/train crops, atlas-phantoms and ellipses of another seed, where tau 0.8 / 0.9 / 1.0 /
 * 1.1 gave 32.99 / 33.67 / 33.76 / 33.31 dB at 30 views and 25.48 / 27.18 / 29.16 / 29.00 at 90 views over 120
 * degrees): see the README's "TV whose lambda fits the noise".
 */
public final class DiscrepancyPrinciple implements Solver {

    /** Morozov's safety factor: the residual may be {@code tau} times the noise norm. */
    public static final double TAU = 1.0;
    static final int MAX_STEPS = 8;
    static final int BISECTIONS = 4;
    private static final double FACTOR = 4;

    private final DoubleFunction<Solver> solverAt;
    private final String name;
    private final double level;
    private final double start;
    /** Every lambda this instance chose, in the order of the slices it solved (a command's stack comes slice by
     * slice). */
    private final List<Double> chosen = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param solverAt the solver at a weight lambda
     * @param name for tables and titles
     * @param level the measurements' relative noise level (standard deviation over the RMS of the measured
     *     entries, as the Simulate commands' {@code level=}), in (0, 1)
     * @param start the lambda the search starts from, {@code > 0}
     */
    public DiscrepancyPrinciple(DoubleFunction<Solver> solverAt, String name, double level, double start) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("noise=" + number(level)
                + ": the relative noise level must lie in (0, 1), e.g. 0.01 for 1 %");
        }
        if (!(start > 0) || Double.isInfinite(start)) {
            throw new IllegalArgumentException("lambda=" + number(start)
                + ": the search for lambda must start from a finite lambda > 0");
        }
        this.solverAt = solverAt;
        this.name = name;
        this.level = level;
        this.start = start;
    }

    @Override
    public String name() {
        return name;
    }

    /** The relative noise level the lambdas fit. */
    public double level() {
        return level;
    }

    /** Every lambda chosen so far by this instance, one per slice solved, in order. */
    public List<Double> chosenLambdas() {
        synchronized (chosen) {
            return List.copyOf(chosen);
        }
    }

    /** Reconstructs each slice at the lambda the principle chooses for it ({@link #chosenLambdas}). */
    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        int batch = (int) measurements.getShape().get(0);
        NDManager parent = measurements.getManager();
        NDList slices = new NDList();
        try (NDManager scope = parent.newSubManager()) {
            for (int b = 0; b < batch; b++) {
                NDArray y = measurements.get(new NDIndex("{}:{}", b, b + 1));
                y.attach(scope);
                ProgressMonitor part = progress.part(b, b + 1, batch, batch > 1 ? "slice " + (b + 1) + ": " : "");
                Search search = new Search(y, operator, part);
                chosen.add(search.lambda);
                slices.add(search.image);
            }
            NDArray image = slices.size() == 1 ? slices.get(0) : NDArrays.concat(slices);
            image.attach(parent);
            return image;
        }
    }

    /** The search of one slice; {@link #image} lives in the slice's manager. */
    private final class Search {
        final ForwardOperator operator;
        final NDArray y;
        final double delta;
        final ProgressMonitor progress;
        int solves;
        double lambda;
        NDArray image;

        Search(NDArray y, ForwardOperator operator, ProgressMonitor progress) {
            this.y = y;
            this.operator = operator;
            this.progress = progress;
            this.delta = TAU * noiseNorm(y);
            double within = Double.NaN;
            double beyond = Double.NaN;
            NDArray withinImage = null;
            double closest = Double.NaN;
            double closestResidual = Double.POSITIVE_INFINITY;
            NDArray closestImage = null;
            double at = start;
            for (int step = 0; step <= MAX_STEPS; step++) {
                NDArray x = solve(at);
                double residual = residual(x);
                if (residual <= delta) {
                    within = at;
                    withinImage = replace(withinImage, x);
                    if (!Double.isNaN(beyond)) {
                        break;
                    }
                    at *= FACTOR;
                } else {
                    beyond = at;
                    boolean closer = residual < closestResidual;
                    if (closer) {
                        closest = at;
                        closestResidual = residual;
                        closestImage = replace(closestImage, x);
                    } else {
                        x.close();
                    }
                    // Going down, a smaller lambda that fits no closer has hit the solver's own floor (too few
                    // iterations to fit the data closer): stop there.
                    if (!Double.isNaN(within) || !closer) {
                        break;
                    }
                    at /= FACTOR;
                }
            }
            if (!Double.isNaN(within) && !Double.isNaN(beyond)) {
                for (int i = 0; i < BISECTIONS; i++) {
                    double mid = Math.sqrt(within * beyond);
                    NDArray x = solve(mid);
                    if (residual(x) <= delta) {
                        within = mid;
                        withinImage = replace(withinImage, x);
                    } else {
                        beyond = mid;
                        x.close();
                    }
                }
            }
            boolean found = withinImage != null;
            lambda = found ? within : closest;
            image = found ? withinImage : closestImage;
            replace(found ? closestImage : withinImage, null);
            progress.progress(1, 1, String.format(Locale.ROOT, "lambda %s fits %s noise%s",
                number(round(lambda)), percent(level), found ? ""
                    : " most closely (no lambda tried fits within it)"));
        }

        /** Frees {@code old} (a candidate no longer needed) and returns {@code next}. */
        private NDArray replace(NDArray old, NDArray next) {
            if (old != null) {
                old.close();
            }
            return next;
        }

        private NDArray solve(double at) {
            int total = MAX_STEPS + 1 + BISECTIONS;
            NDArray x = solverAt.apply(at).reconstruct(y, operator, progress.part(Math.min(solves, total - 1),
                Math.min(solves, total - 1) + 1, total, "lambda " + number(round(at)) + ": "));
            solves++;
            return x;
        }

        /** {@code ||A x - y||}. */
        private double residual(NDArray x) {
            try (NDManager temporary = y.getManager().newSubManager()) {
                x.tempAttach(temporary);
                return operator.apply(x).sub(y).norm().getFloat();
            }
        }

        /**
         * {@code level * ||y||}, i.e. {@code level * RMS * sqrt(n)} over the measured entries (unmeasured ones are 0):
         * the expected noise norm.
         */
        private double noiseNorm(NDArray y) {
            return level * y.norm().getFloat();
        }
    }

    /** {@code 2} rather than {@code 2.0}; other values as Java writes them. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static double round(double lambda) {
        double scale = Math.pow(10, 2 - Math.floor(Math.log10(lambda)));
        return Math.round(lambda * scale) / scale;
    }

    private static String percent(double level) {
        return number(Math.round(level * 1000) / 10.0) + " %";
    }
}

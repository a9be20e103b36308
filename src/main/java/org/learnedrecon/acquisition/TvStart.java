package org.learnedrecon.acquisition;

import java.util.Locale;
import java.util.Optional;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.classical.TotalVariation;
import org.learnedrecon.solvers.mri.RealImageSolver;

/**
 * The TV start of the learned solvers, {@code initial=tv<lambda>} (e.g. {@code tv0.5} for CT, {@code tv0.01} for
 * MRI): {@value #ITERATIONS} iterations of TV at that lambda, so that an unrolled network refines TV's
 * reconstruction instead of FBP's or zero filling's. For CT also {@code initial=tvfit<level>} (e.g.
 * {@code tvfit0.01}): TV whose lambda is chosen per slice to fit that relative noise level
 * ({@code solvers.classical.DiscrepancyPrinciple}). For MRI also {@code initial=tvreal<lambda>} (e.g.
 * {@code tvreal0.01}): non-negative TV over real images ({@link RealImageSolver}), for objects known to be real and
 * non-negative (magnitude images, simulated data). Read here for every physics.
 */
final class TvStart {

    /** TV iterations of the start: the 100 of the solver comparison's TV rows. */
    static final int ITERATIONS = 100;

    private TvStart() {
    }

    /**
     * The TV solver {@code initial} names, or empty when it does not start with {@code tv}.
     *
     * @param ct whether the physics is CT, whose image (attenuation) is real and non-negative: its TV is constrained
     *     so, and {@code tvfit} is allowed; else MRI, whose image is complex: {@code tvreal} is allowed
     * @throws IllegalArgumentException naming the value when it starts with {@code tv} but is not {@code tv<lambda>}
     */
    static Optional<Solver> parse(String initial, boolean ct) {
        String value = initial.trim().toLowerCase(Locale.ROOT);
        if (!value.startsWith("tv")) {
            return Optional.empty();
        }
        if (value.startsWith("tvfit")) {
            if (!ct) {
                throw new IllegalArgumentException(PhysicsFactory.INITIAL + "=" + initial
                    + ": TV fitting the noise is built for CT only; give tv<lambda>, e.g. tv0.01");
            }
            return Optional.of(SolverFactory.tvFittingNoise(ITERATIONS, SolverFactory.DEFAULT_CT_TV_LAMBDA,
                numberAfter("tvfit", value, initial,
                    "a TV start fitting the noise is tvfit<level> with level the relative noise, e.g. tvfit0.01")));
        }
        if (value.startsWith("tvreal")) {
            if (ct) {
                throw new IllegalArgumentException(PhysicsFactory.INITIAL + "=" + initial
                    + ": a CT image is real already; give tv<lambda>, e.g. tv0.5");
            }
            return Optional.of(new RealImageSolver(TotalVariation.builder()
                .lambda(numberAfter("tvreal", value, initial,
                    "a TV start over real images is tvreal<lambda> with lambda a number, e.g. tvreal0.01"))
                .iterations(ITERATIONS).nonNegative(true).build()));
        }
        return Optional.of(TotalVariation.builder()
            .lambda(numberAfter("tv", value, initial, "a TV start is tv<lambda> with lambda a number, e.g. tv0.5"))
            .iterations(ITERATIONS).nonNegative(ct).build());
    }

    /** A TV start's number: digits, at most one point. */
    private static final String NUMBER = "[0-9]*\\.?[0-9]+";

    /**
     * The lambda of {@code initial} when it is {@code tv<lambda>} or {@code tvreal<lambda>} (any case, spaces around
     * ignored), else empty: {@code tvfit<level>}, {@code fbp}, {@code zerofilled}, null...
     */
    static java.util.OptionalDouble lambdaOf(String initial) {
        String value = initial == null ? "" : initial.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("tv(?:real)?(" + NUMBER + ")").matcher(value);
        return m.matches() ? java.util.OptionalDouble.of(Double.parseDouble(m.group(1)))
            : java.util.OptionalDouble.empty();
    }

    /**
     * The number after {@code prefix} in {@code value} (the lower-cased {@code initial}).
     *
     * @throws IllegalArgumentException naming {@code initial} and the expected {@code form} when no number follows
     */
    private static double numberAfter(String prefix, String value, String initial, String form) {
        if (!value.matches(prefix + NUMBER)) {
            throw new IllegalArgumentException(PhysicsFactory.INITIAL + "=" + initial + ": " + form);
        }
        return Double.parseDouble(value.substring(prefix.length()));
    }
}

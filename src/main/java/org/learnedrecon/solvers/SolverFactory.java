package org.learnedrecon.solvers;

import java.util.List;
import java.util.Locale;
import org.learnedrecon.solvers.classical.Cgls;
import org.learnedrecon.solvers.classical.DiscrepancyPrinciple;
import org.learnedrecon.solvers.classical.FilteredBackProjection;
import org.learnedrecon.solvers.classical.Sirt;
import org.learnedrecon.solvers.classical.TotalVariation;

/**
 * Builds a {@link Solver} from the names and parameters a user types (the {@code solver=}, {@code filter=},
 * {@code iterations=} and {@code lambda=} macro keys), so commands, benchmarks and tests pick solvers the same way.
 *
 * <p>The learned names ({@link #LEARNED}) need a model and a device: {@code models.LearnedSolverFactory} builds
 * them, and asking this factory for one fails with a message saying so. CT solvers are set up for CT: SIRT and
 * TV constrain {@code x >= 0} (attenuation is non-negative).
 */
public final class SolverFactory {

    public static final String FBP = "FBP";
    public static final String SIRT = "SIRT";
    public static final String CGLS = "CGLS";
    public static final String TV = "TV";

    /** The classical solvers, in menu order. */
    public static final List<String> CLASSICAL = List.of(FBP, SIRT, CGLS, TV);

    public static final String LGD = "Learned gradient descent";
    public static final String LPD = "Learned primal-dual";
    public static final String PNP = "Plug-and-play";
    public static final String POST_PROCESSING = "U-Net post-processing";

    /**
     * Posterior sampling with a noise-level denoiser model (diffusion-style, {@code learned.DiffusionPosteriorSampler}):
     * a posterior mean and a standard-deviation image. Loaded as the denoiser models are, but not one of
     * {@link #LEARNED}: it gives two images, so the commands that offer it call it themselves.
     */
    public static final String DIFFUSION = "Diffusion posterior";

    /**
     * Per slice, TV or a learned model, whichever reconstruction from most of the views predicts the views held out
     * best ({@code org.learnedrecon.reconstruction.HeldOutViewChoice}; CT, parallel beam). Not one of
     * {@link #LEARNED} or {@link #CLASSICAL}: it runs both kinds, so Reconstruct CT builds it itself.
     */
    public static final String HELD_OUT_CHOICE = "Choice by held-out views";

    /**
     * {@code start=} of {@code [Diffusion posterior]}: the chains start at {@link #HELD_OUT_CHOICE} among TV and the
     * quick learned candidates only ({@code org.learnedrecon.reconstruction.HeldOutChoice#CT_QUICK_MODELS}).
     */
    public static final String QUICK_HELD_OUT_CHOICE = "Quick choice by held-out views";

    /** The learned solvers, in menu order (need {@code model=} and {@code device=}). */
    public static final List<String> LEARNED = List.of(LGD, LPD, PNP, POST_PROCESSING);

    /**
     * TV weight for CT measured on brain T1 validation slices (128 x 128, values in [0, 1]) at 30 parallel views
     * over 180 degrees with 1% Gaussian noise: the best mean PSNR of the converged minimiser among 0.1, 0.3, 1 and
     * 3 (28.19 dB at 300 iterations against 28.07 dB for 0.3) and the best SSIM; see test-data/README.md.
     */
    public static final double DEFAULT_CT_TV_LAMBDA = 1.0;

    private SolverFactory() {
    }

    /** Whether {@code name} is one of the {@link #LEARNED} solvers (case-insensitive). */
    public static boolean isLearned(String name) {
        return name != null && LEARNED.stream().anyMatch(n -> n.equalsIgnoreCase(name.trim()));
    }

    /**
     * The solver called {@code name} (case-insensitive).
     *
     * @param filter FBP window name ({@link FilteredBackProjection.Filter#parse}); ignored by the other solvers
     * @param iterations iterations of SIRT, CGLS and TV, positive
     * @param lambda TV weight in units of {@code 1/2 ||A x - y||^2}, {@code >= 0}
     */
    public static Solver create(String name, String filter, int iterations, double lambda) {
        String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        switch (key) {
            case FBP:
                return new FilteredBackProjection(FilteredBackProjection.Filter.parse(filter));
            case SIRT:
                return Sirt.builder().iterations(positive(iterations)).nonNegative(true).build();
            case CGLS:
                return Cgls.builder().iterations(positive(iterations)).build();
            case TV:
                if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                    throw new IllegalArgumentException("lambda=" + lambda + " must be finite and >= 0");
                }
                return TotalVariation.builder().iterations(positive(iterations)).lambda(lambda).nonNegative(true)
                    .build();
            default:
                for (String learned : LEARNED) {
                    if (learned.equalsIgnoreCase(name.trim())) {
                        throw new UnsupportedOperationException("solver=[" + learned + "] needs a model: build it"
                            + " with LearnedSolverFactory.load (solver, model, physics, device)");
                    }
                }
                throw new IllegalArgumentException("Unknown solver '" + name + "': choose one of " + CLASSICAL);
        }
    }

    /**
     * CT TV (non-negative) whose lambda is chosen per slice to fit the measurements' noise
     * ({@link DiscrepancyPrinciple}): the {@code noise=} key of Reconstruct CT.
     *
     * @param lambda where the search starts, {@code > 0}
     * @param level the sinogram's relative Gaussian noise level, in (0, 1)
     */
    public static DiscrepancyPrinciple tvFittingNoise(int iterations, double lambda, double level) {
        TotalVariation tv = (TotalVariation) create(TV, "", iterations, lambda);
        return new DiscrepancyPrinciple(tv::withLambda, TV_FITTING_NOISE, level, lambda);
    }

    /** The name of {@link #tvFittingNoise}'s solver, in output titles. */
    public static final String TV_FITTING_NOISE = "TV (lambda fits the noise)";

    private static int positive(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations=" + iterations + " must be at least 1");
        }
        return iterations;
    }
}

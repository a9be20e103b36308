package org.learnedrecon.solvers.mri;

import java.util.List;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.TotalVariation;

/**
 * The MRI solvers by their menu names, with the parameters a command exposes ({@code lambda}, {@code iterations}).
 * The learned names ({@link #isLearned}) need a model and are built by Reconstruct MRI through
 * {@code LearnedSolverFactory}; {@link #create} refuses them.
 *
 * <p>Default lambdas ({@link #defaultLambda}) are for k-space scaled so the zero-filled image has peak magnitude 1
 * (what Reconstruct MRI does before solving); tuned on brain T1 validation slices at 8x random lines (see
 * test-data/mri-demo/README.md).
 */
public final class MriSolverFactory {

    public static final String ZERO_FILLED = "Zero-filled";
    public static final String CG_SENSE = "CG-SENSE";
    public static final String WAVELET = "Wavelet";
    public static final String TV = "TV";
    public static final String UNROLLED = "Unrolled";
    public static final String PLUG_AND_PLAY = "Plug-and-play";
    public static final String UNET = "U-Net post-processing";

    /**
     * Per slice, TV or a learned model, whichever reconstruction from the sampled lines but some predicts the lines
     * held out best ({@code org.learnedrecon.reconstruction.HeldOutChoice}; single-coil line masks). Not in
     * {@link #NAMES}: Reconstruct MRI builds it from both kinds.
     */
    public static final String HELD_OUT_CHOICE = "Choice by held-out lines";

    /**
     * {@code start=} of {@code [Diffusion posterior]}: the chains start at {@link #HELD_OUT_CHOICE} among TV and the
     * quick learned candidates only ({@code org.learnedrecon.reconstruction.HeldOutChoice#MRI_QUICK_MODELS}).
     */
    public static final String QUICK_HELD_OUT_CHOICE = "Quick choice by held-out lines";

    /** Every name, classical first; the learned ones are reserved for later. */
    public static final List<String> NAMES = List.of(ZERO_FILLED, CG_SENSE, WAVELET, TV, UNROLLED, PLUG_AND_PLAY,
        UNET);

    private MriSolverFactory() {
    }

    /** Whether {@code name} is a learned solver (built by Reconstruct MRI through the learned solver factory). */
    public static boolean isLearned(String name) {
        return UNROLLED.equals(name) || PLUG_AND_PLAY.equals(name) || UNET.equals(name);
    }

    /** A classical solver for {@code name}; {@code lambda} and {@code iterations} are ignored where meaningless. */
    public static Solver create(String name, double lambda, int iterations) {
        switch (name) {
            case ZERO_FILLED:
                return new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT);
            case CG_SENSE:
                return new CgSenseSolver(iterations, lambda);
            case WAVELET:
                return new L1WaveletSolver(iterations, lambda);
            case TV:
                return TotalVariation.builder().lambda(lambda).nonNegative(false).iterations(iterations).build();
            case UNROLLED:
            case PLUG_AND_PLAY:
            case UNET:
                throw new UnsupportedOperationException("solver=" + name + " is learned and needs a model: build "
                    + "it with LearnedSolverFactory (Reconstruct MRI does)");
            default:
                throw new IllegalArgumentException("solver=" + name + " is not one of " + NAMES);
        }
    }

    /** A sensible lambda for {@code name} on data normalised to a zero-filled peak magnitude of 1. */
    public static double defaultLambda(String name) {
        switch (name) {
            case WAVELET:
                return 0.0005;
            case TV:
                return 0.005;
            case CG_SENSE:
                return 0.0;
            default:
                return 0.0;
        }
    }
}

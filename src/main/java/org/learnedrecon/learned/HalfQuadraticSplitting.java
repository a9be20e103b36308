package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.OperatorMemo;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.TotalVariation;

/**
 * Plug-and-play half-quadratic splitting with a decreasing denoiser strength, as DPIR (Zhang et al. 2021) and
 * DeepInverse's {@code DPIR}: for {@code k = 1..K}
 * <pre>
 *   x_k = argmin_x ||A x - y||^2 + mu_k ||x - z_{k-1}||^2      (conjugate gradients, warm-started at z_{k-1})
 *   z_k = D_{sigma_k}(x_k)
 * </pre>
 * with {@code sigma_k} log-spaced from {@code sigmaStart} to {@code sigmaEnd} and {@code mu_k = rho ||A||^2
 * (sigmaEnd / sigma_k)^2}: early steps trust the prior (strong denoising, weak coupling), late ones the data.
 *
 * <p>A denoiser trained at one noise level {@code trainedSigma} (on images divided by {@code intensityScale})
 * denoises at another level by rescaling: {@code D_sigma(x) = s D(x / s)} with {@code s = sigma / trainedSigma},
 * so the noise it sees has its training level (exact for a bias-free network, approximate for DnCNN). Measurements
 * are divided by {@code intensityScale} first (the operator is linear) and the result multiplied back. Single-channel
 * denoisers take complex images channel by channel, as in {@link PlugAndPlay}.
 */
public final class HalfQuadraticSplitting implements Solver {

    /**
     * Defaults for the shipped denoiser {@code dncnn-s05} (DnCNN, 12 layers of 48 channels, trained at sigma 0.05 on
     * images in [0, 1]): 8 iterations, sigma 0.1 to 0.02, rho 0.003, 5 CG iterations. Chosen on the 16 validation
     * slices of the solver comparison (brain-t1-val-128, CT 30 views, 1 % noise; TV's lambda is tuned on the same
     * slices): 30.81 dB; neighbours within 0.1 dB (rho 0.001: 30.84; sigma end 0.025: 30.81, 0.015: 30.73; sigma
     * start 0.15: 30.59), rho 0.01-0.03 lose 0.2-0.5 dB. With 10 CG iterations no better than 5, with 3 0.3 dB
     * worse. The plain proximal-gradient PnP ({@link PlugAndPlay}) reached 25.5 dB at best.
     */
    public static final int DEFAULT_ITERATIONS = 8;
    public static final double DEFAULT_SIGMA_START = 0.1;
    public static final double DEFAULT_SIGMA_END = 0.02;
    public static final double DEFAULT_RHO = 0.003;
    public static final int DEFAULT_CG_ITERATIONS = 5;

    /**
     * A schedule: {@code iterations} outer iterations, denoiser strength log-spaced from {@code sigmaStart} to
     * {@code sigmaEnd}, coupling {@code rho} (units of {@code ||A||^2}) at the last, {@code cgIterations} per data step.
     */
    public record Schedule(int iterations, double sigmaStart, double sigmaEnd, double rho, int cgIterations) {

        /** The defaults above. */
        public static final Schedule DEFAULT = new Schedule(DEFAULT_ITERATIONS, DEFAULT_SIGMA_START,
            DEFAULT_SIGMA_END, DEFAULT_RHO, DEFAULT_CG_ITERATIONS);

        /**
         * A sharper schedule for a denoiser told the noise level that starts from TV: 8 iterations from 0.03 to 0.01,
         * rho 0.003, 5 CG steps. Chosen on training images (brain-t1-train, natural/train crops, atlas-phantoms-128,
         * random ellipses of seed 2; 4 each; CT 30 views, 1 % noise) among ten schedules for the diffusion model's
         * denoiser from TV at lambda 0.5: the best on the atlas phantoms (30.33 dB against 29.40 for the defaults),
         * 4.2 dB above the defaults on the ellipses and 4.8 dB under them on the natural crops (README, "Plug-and-play
         * with the diffusion model's denoiser"). Where it loses, the choice by held-out views has TV and the brain
         * denoiser.
         */
        public static final Schedule SHARP = new Schedule(8, 0.03, 0.01, 0.003, 5);

        /**
         * Finer still, for piecewise-constant images: 24 iterations from 0.03 to 0.005, rho 0.01, 5 CG steps. Chosen
         * on the training images of {@link #SHARP} (4 each; brain-t1-train / atlas-phantoms-128 / random ellipses of
         * seed 2; from TV at lambda 0.5) among nine schedules ending at sigma 0.003-0.005: 29.22 / 30.97 / 45.66 dB
         * against the sharp schedule's 29.78 / 30.33 / 43.43 and per-set tuned TV's 28.74 / 28.12 / 44.12, at three
         * times its cost; 16 iterations gave 29.39 / 30.60 / 45.28 (README, "A finer schedule for the CT choice").
         */
        public static final Schedule FINE = new Schedule(24, 0.03, 0.005, 0.01, 5);

        /**
         * {@link #FINE} with the denoiser coupled ten times more strongly (rho 0.1): the data steps then mend only the
         * image's well-measured components and leave the weakly measured ones to the denoiser. On the training images
         * of {@link #FINE} (4 each, from TV at lambda 0.5; rho 0.005-0.3 tried at 60 views) it gains on
         * brain-t1-train and atlas-phantoms-128 (60 views 33.96 / 36.37 dB against the fine schedule's 32.11 / 33.96;
         * 30 views 29.83 / 31.66 against 29.22 / 30.97) and loses on random ellipses (44.53 against 48.49; 43.06
         * against 45.66), so it is a candidate beside {@link #FINE}, not in its place (README, "A strongly coupled
         * schedule beside the fine one").
         */
        public static final Schedule STRONG = new Schedule(24, 0.03, 0.005, 0.1, 5);

        /**
         * Softer at the end, for the fast noise-level denoiser ({@code dncnn-fast}) on textured images: 8 iterations
         * from 0.1 to 0.03, rho 0.01, 5 CG steps. Chosen on training images (4 natural/train crops and 4
         * brain-t1-train slices, seed 2; CT 60 views, 1 % noise) among 13 schedules: 36.99 dB on the crops against
         * the defaults' 35.22 and per-set tuned TV's 36.67, 0.8 dB under the defaults on the brain slices, so a
         * candidate of the CT choice beside them (README, "A softer schedule for dncnn-fast").
         */
        public static final Schedule SOFT = new Schedule(8, 0.1, 0.03, 0.01, 5);

        /**
         * Finer than {@link #FINE} at the end, for images TV is nearly exact on: 32 iterations from 0.03 to 0.003,
         * rho 0.01, 5 CG steps. Chosen on training images (4 atlas-phantoms-128 and 4 random ellipses of seed 2; CT 60
         * views, 1 % noise; from TV at lambda 0.5) among three longer schedules: 49.37 dB on the ellipses against the
         * fine schedule's 48.49, 32.04 on the atlas phantoms against its 33.96 (48 iterations to 0.003: 49.46 /
         * 31.51; 48 to 0.005: 48.78 / 33.37), so a candidate beside {@link #FINE}, at 4/3 of its cost (README, "A
         * finer schedule beside the fine one").
         */
        public static final Schedule FINER = new Schedule(32, 0.03, 0.003, 0.01, 5);
    }

    private final ImageDenoiser denoiser;
    private final double intensityScale;
    private final double trainedSigma;
    private final int iterations;
    private final double sigmaStart;
    private final double sigmaEnd;
    private final double rho;
    private final int cgIterations;
    private final Solver initial;

    /**
     * @param denoiser trained denoiser, (B, C, H, W) -> same
     * @param intensityScale images were divided by it in denoiser training
     * @param trainedSigma the noise level the denoiser was trained for, in those normalised units
     * @param iterations outer iterations K
     * @param sigmaStart denoiser strength of the first iteration (normalised units)
     * @param sigmaEnd denoiser strength of the last iteration
     * @param rho coupling of the last iteration in units of {@code ||A||^2}
     * @param cgIterations conjugate-gradient iterations of each data step
     * @param initial start of the iteration, or {@code null} for {@code A* y / ||A||^2}
     */
    public HalfQuadraticSplitting(Block denoiser, double intensityScale, double trainedSigma, int iterations,
        double sigmaStart, double sigmaEnd, double rho, int cgIterations, Solver initial) {
        ImageDenoiser wrapped = new ImageDenoiser(denoiser);
        // A noise-level-map denoiser is told each strength; only a single-level one needs its training level.
        if (iterations < 1 || cgIterations < 1 || !(intensityScale > 0)
            || !(trainedSigma > 0 || wrapped.takesNoiseLevel())
            || !(sigmaStart >= sigmaEnd) || !(sigmaEnd > 0) || !(rho > 0)) {
            throw new IllegalArgumentException("Half-quadratic splitting needs iterations >= 1, cgIterations >= 1, "
                + "positive intensity scale, trained sigma and rho, and sigmaStart >= sigmaEnd > 0; got iterations "
                + iterations + ", cgIterations " + cgIterations + ", scale " + intensityScale + ", trained sigma "
                + trainedSigma + ", rho " + rho + ", sigma " + sigmaStart + " -> " + sigmaEnd);
        }
        this.denoiser = wrapped;
        this.intensityScale = intensityScale;
        this.trainedSigma = trainedSigma;
        this.iterations = iterations;
        this.sigmaStart = sigmaStart;
        this.sigmaEnd = sigmaEnd;
        this.rho = rho;
        this.cgIterations = cgIterations;
        this.initial = initial;
    }

    @Override
    public String name() {
        return "Plug-and-play HQS (learned denoiser)";
    }

    /** ||A|| of the last operator seen: estimated once, not on every batch of a stack. */
    private final OperatorMemo<Double> norm = new OperatorMemo<>();

    /** The denoiser strength of iteration {@code k} (0-based). */
    double sigma(int k) {
        return iterations == 1 ? sigmaEnd
            : sigmaStart * Math.pow(sigmaEnd / sigmaStart, (double) k / (iterations - 1));
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        NDManager owner = measurements.getManager();
        Shape domain = operator.domainShape();
        // Cancellation is checked before every A and A* (six A* A per data step) and every band of every denoiser
        // layer: at 512 x 512 with 720 views one iteration takes 20 s on one core, one application of A under 0.5 s.
        ForwardOperator checked = new CancellableOperator(operator, progress);
        double norm = this.norm.get(operator, () -> checked.normEstimate(owner, 30));
        try (NDManager scope = owner.newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            NDArray y = measurements.div(intensityScale);
            y.attach(scope);
            NDArray adjointY = checked.adjoint(y);
            adjointY.attach(scope);
            CurrentIterate z = new CurrentIterate(scope, initial == null ? adjointY.div(norm * norm)
                : initial.reconstruct(y, operator, progress.cancellationOnly()));
            for (int k = 0; k < iterations; k++) {
                progress.checkCancelled();
                double sigma = sigma(k);
                double mu = rho * norm * norm * (sigmaEnd / sigma) * (sigmaEnd / sigma);
                // Every temporary of this iteration lands in z's manager (z is the first operand throughout) and
                // is freed when the next iterate has moved on.
                NDArray x = dataStep(checked, adjointY, z.get(), mu);
                // A noise-level-map denoiser is told sigma; a single-level one sees its training level by rescaling.
                double s = denoiser.takesNoiseLevel() ? 1 : sigma / trainedSigma;
                z.replace(denoiser.applyInDomain(parameters, x.div(s), domain, sigma, progress).mul(s));
                progress.progress(k + 1, iterations, name() + ": iteration " + (k + 1) + "/" + iterations);
            }
            return z.scaledInto(intensityScale, owner);
        }
    }

    /**
     * System property that replaces the schedule for benchmarks and tuning runs ({@code SolverComparison}):
     * {@code iterations,sigmaStart,sigmaEnd,rho,cgIterations}.
     */
    public static final String SCHEDULE_PROPERTY = "lrecon.pnp.schedule";

    /**
     * System property for benchmarks: start from TV ({@code lambda,iterations}) instead of the physics' initial
     * reconstruction. Measured (README, diverse-corpus denoiser): +3.6 dB on Shepp-Logan, unchanged elsewhere, and no
     * gain with {@code dncnn-s05}; not a default.
     */
    public static final String TV_START_PROPERTY = "lrecon.pnp.initial";

    /**
     * With the {@link #DEFAULT_ITERATIONS defaults}, for single-level and noise-level-map denoisers alike (with the
     * diverse-corpus DnCNN at epoch 46, CT 30 views, 4 images per set, they gave 27.70 / 36.63 / 30.01 dB on brain
     * val / natural crops / atlas phantoms, where 24 iterations from sigma 0.15 to 0.01 with 10 CG steps gave
     * 26.34 / 30.42 / 30.51); {@link #SCHEDULE_PROPERTY} overrides them.
     */
    public static HalfQuadraticSplitting withDefaults(Block denoiser, double intensityScale, double trainedSigma,
        Solver initial) {
        double[] s = TuningNumbers.property(SCHEDULE_PROPERTY, "iterations,sigmaStart,sigmaEnd,rho,cgIterations");
        return withSchedule(denoiser, intensityScale, trainedSigma, s == null ? Schedule.DEFAULT
            : new Schedule((int) s[0], s[1], s[2], s[3], (int) s[4]), initial);
    }

    /** As {@link #withDefaults}, with {@code schedule} ({@link #TV_START_PROPERTY} still replaces the start). */
    public static HalfQuadraticSplitting withSchedule(Block denoiser, double intensityScale, double trainedSigma,
        Schedule schedule, Solver initial) {
        double[] tv = TuningNumbers.property(TV_START_PROPERTY, "lambda,iterations");
        if (tv != null) {
            initial = TotalVariation.builder().lambda(tv[0]).iterations((int) tv[1]).nonNegative(true).build();
        }
        return new HalfQuadraticSplitting(denoiser, intensityScale, trainedSigma, schedule.iterations(),
            schedule.sigmaStart(), schedule.sigmaEnd(), schedule.rho(), schedule.cgIterations(), initial);
    }

    /** {@code (A*A + mu) x = A* y + mu z} by conjugate gradients from {@code z}, per sample. */
    NDArray dataStep(ForwardOperator operator, NDArray adjointY, NDArray z, double mu) {
        return QuadraticDataStep.solve(operator, adjointY, z, mu, cgIterations);
    }
}

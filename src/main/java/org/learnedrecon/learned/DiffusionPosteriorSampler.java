package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.Random;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Posterior samples by DiffPIR (Zhu et al. 2023; DeepInverse's {@code DiffPIR}) on a variance-exploding schedule,
 * with a denoiser {@code D(x, sigma)} conditioned on the noise level (a noise-level-map DnCNN) standing in for the
 * diffusion model: by Tweedie, {@code score(x, sigma) = (D(x, sigma) - x) / sigma^2}. Written once against
 * {@link ForwardOperator}. With {@code sigma_0 > ... > sigma_{N-1}} geometric from {@code sigmaMax} to
 * {@code sigmaMin} and {@code sigma_N = 0}:
 * <pre>
 *   x_N   = x_init + sigma_0 n                       (x_init: FBP for CT, zero-filled for MRI)
 *   x0    = D(x_t, sigma_t)
 *   x0    = argmin_x ||A x - y||^2 + mu_t ||x - x0||^2,   mu_t = lambda sigma_n^2 / sigma_t^2   (CG)
 *   eps   = (x_t - x0) / sigma_t
 *   x_t-1 = x0 + sigma_t-1 (sqrt(1 - zeta) eps + sqrt(zeta) n)
 * </pre>
 * the last step returning {@code x0}. {@code lambda = 1} is the Bayesian weight of a Gaussian likelihood against a
 * prior step of variance {@code sigma_t^2}; DiffPIR uses larger values. {@code sigma_n}, the measurement noise, is
 * taken as {@code noiseLevel} times the RMS of each slice's measured (non-zero) entries: the convention of the
 * simulation commands (CT: of the sinogram; MRI: of the sampled k-space; 1 % by default).
 *
 * <p>The denoiser is the shipped diffusion model ({@link DiffusionUNet}, trained by score matching from nearly
 * clean to pure noise), with {@link #DIFFUSION_DEFAULTS}; or a noise-level DnCNN trained for {@code sigma <= 0.2}
 * ({@link #DEFAULTS}), whose chain then starts from the initial reconstruction plus noise of 0.2 rather than from
 * pure noise, so that what it samples depends on that start more than a full diffusion's samples do.
 *
 * <p>Samples run as one batch {@code (samples x slices)} ({@link SampleBatch}); the noise comes from a Java
 * {@link Random} seeded with {@code seed}, so the same seed gives the same samples. Single-channel denoisers take
 * complex images channel by channel ({@link ImageDenoiser}).
 */
public final class DiffusionPosteriorSampler implements PosteriorSampler {

    /** The sampler's parameters; see {@link #DEFAULTS}. */
    public record Settings(int steps, double sigmaMax, double sigmaMin, double zeta, double lambda, int cgIterations,
        double noiseLevel) {

        public Settings {
            if (steps < 1 || cgIterations < 1 || !(sigmaMax >= sigmaMin) || !(sigmaMin > 0) || !(zeta >= 0)
                || !(zeta <= 1) || !(lambda > 0) || !(noiseLevel > 0)) {
                throw new IllegalArgumentException("Diffusion sampling needs steps >= 1, cgIterations >= 1, "
                    + "sigmaMax >= sigmaMin > 0, 0 <= zeta <= 1, lambda > 0 and noiseLevel > 0; got steps " + steps
                    + ", sigma " + sigmaMax + " -> " + sigmaMin + ", zeta " + zeta + ", lambda " + lambda + ", cg "
                    + cgIterations + ", noise " + noiseLevel);
            }
        }

        /** As {@link #PROPERTY} reads: {@code steps,sigmaMax,sigmaMin,zeta,lambda,cgIterations,noiseLevel}. */
        public static Settings parse(String text) {
            double[] v = TuningNumbers.parse(PROPERTY, text,
                "steps,sigmaMax,sigmaMin,zeta,lambda,cgIterations,noiseLevel");
            return new Settings((int) v[0], v[1], v[2], v[3], v[4], (int) v[5], v[6]);
        }

        /** The same schedule's ends in {@code count} steps. */
        Settings withSteps(int count) {
            return new Settings(count, sigmaMax, sigmaMin, zeta, lambda, cgIterations, noiseLevel);
        }

        /** The noise level of step {@code k} (0-based; {@code k = steps} gives 0). */
        double sigma(int k) {
            if (k >= steps) {
                return 0;
            }
            return steps == 1 ? sigmaMin : sigmaMax * Math.pow(sigmaMin / sigmaMax, (double) k / (steps - 1));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d steps, sigma %s -> %s, zeta %s, lambda %s, %d CG, noise %s", steps,
                sigmaMax, sigmaMin, zeta, lambda, cgIterations, noiseLevel);
        }
    }

    /**
     * Defaults; {@code sigmaMax} is the top of the denoiser's training range. Chosen on brain validation slices only
     * (CT 30 views, 2 slices, 6 samples; posterior-mean PSNR / coverage of mean +- 1.645 std): 10 steps, zeta 0.3,
     * lambda 1: 28.09 dB / 0.645; zeta 0.8: 28.34 / 0.607 (more fresh noise gave less spread: the denoiser removes
     * it); lambda 0.2: 28.50 / 0.680. 20 steps (4 slices, 8 samples, lambda 1) were no better: 27.69 / 0.682.
     */
    public static final Settings DEFAULTS = new Settings(10, 0.2, 0.005, 0.3, 0.2, 5, 0.01);

    /**
     * Defaults for a {@link DiffusionUNet}: the chain starts at {@code sigma = 1}, four times the spread of the
     * training images, so the initial reconstruction under it is mostly noise, as in a full diffusion. 10 steps: half
     * the time of 20 (29-34 s vs 57-66 s per slice of 8 samples, one thread, measured side by side) for 0.3-0.4 dB of
     * posterior-mean PSNR and 0.02 of coverage (CT 30 views, 2 slices each of brain val / natural crops: 27.41 / 33.09
     * dB, coverage 0.868 / 0.920, against 27.85 / 33.42 and 0.891 / 0.923 with 20 steps; MRI 8x brain val 18.59 vs
     * 18.65, CT 90 views over 120 degrees 22.49 vs 22.79).
     */
    public static final Settings DIFFUSION_DEFAULTS = new Settings(10, 1.0, 0.005, 0.3, 0.2, 5, 0.01);

    /**
     * For a chain started at a reconstruction rather than in noise (as "come closer, diffuse faster", Chung et al.
     * 2022): from {@code sigma = 0.01} down to 0.002, so the samples stay near the start and the chain refines it.
     * The start's own error bounds the level worth diffusing from: on the held-out natural crops at CT 30 views the
     * start is within about 0.01 RMS of the truth, and chains from 0.02 lost 2-3 dB against it; from 0.01 they lose
     * 0.29 dB over 8 of those crops (and 0.1-0.5 dB wherever the start is at 39-46 dB). On training images (brain,
     * natural crops, atlas phantoms; CT 30 views and MRI 8x) 0.01 and 0.02 measured within 0.1 dB of each other, so
     * the level was set from the held-out probes (README, "A lower warm start"). 0.02 until 2026-12-04. The last
     * level, 0.005 until 2026-12-05, is 0.002 (the lowest the shipped diffusion model was trained for) since training
     * images said so (CT 30 views, 3 each of natural crops, ellipses, atlas phantoms: posterior mean +0.98 / +0.46 /
     * +0.15 dB, the chain's own coverage +0.02 to +0.07; README, "The last level of the warm chain").
     */
    public static final Settings WARM_START = new Settings(10, 0.01, 0.002, 0.3, 0.2, 5, 0.01);

    /**
     * {@link #WARM_START} for images of several channels (MRI's real and imaginary parts, which the denoiser takes one
     * by one, so a step costs twice a CT step): 4 steps. On training images at MRI 8x (3 each of brain, natural crops,
     * atlas phantoms) 4, 6 and 10 steps gave posterior means within 0.01 dB of each other (19.25 / 43.47-43.48 /
     * 20.71-20.73 dB) at 17-21, 20-23 and 35-40 s per slice (at MRI 4x 4 steps lose up to 0.43 dB, on the atlas
     * phantoms); in CT 4 steps cost 0.02-0.31 dB there (natural crops 45.19 against 45.50), so CT keeps 10 (README,
     * "A shorter warm chain for MRI").
     */
    public static final Settings WARM_START_COMPLEX = new Settings(4, 0.01, 0.002, 0.3, 0.2, 5, 0.01);

    /**
     * Steps of the chains from noise whose spread a calibrated warm chain borrows ({@link #forBorrowedSpread}): 4
     * instead of the 10 of {@link #DIFFUSION_DEFAULTS}, over the same noise levels. Their spread is scaled to the
     * start's error on held-out measurements anyway, so only its shape counts: at CT 30 views on training images
     * (3 each of brain, natural crops, atlas phantoms) the calibrated 90 % intervals held 0.875 / 0.866 / 0.917 of the
     * truth with 4 steps against 0.899 / 0.872 / 0.924 with 10, at 31-35 s per slice against 45-74 (stacks of 3);
     * with 2 steps the brain slices fell to 0.765. At MRI 8x there 0.914 / 0.891 / 0.924 with 4 steps, 0.909 / 0.888
     * / 0.924 with 10 and 0.917 / 0.898 / 0.922 with 2, but 2 steps held only 2 of 5 held-out first images inside
     * 0.80-0.97 (README, "The choice's own misses and shorter borrowed chains").
     */
    public static final int BORROWED_SPREAD_STEPS = 4;

    /** System property replacing the defaults for tuning runs, in {@link Settings#parse}'s form. */
    public static final String PROPERTY = "lrecon.diffusion";

    private final DenoiserPrior prior;
    private final Settings settings;
    private final Settings complexSettings;

    /**
     * @param denoiser a denoiser with a noise-level map (a {@link DiffusionUNet}, or a {@link DnCnn} with
     *     {@code noiseMap=true})
     * @param intensityScale images were divided by it in denoiser training
     * @param settings schedule and weights
     * @param initial start of the chain, or {@code null} for {@code A* y / ||A||^2}
     * @throws IllegalArgumentException for a denoiser that is not told the noise level
     */
    public DiffusionPosteriorSampler(Block denoiser, double intensityScale, Settings settings, Solver initial) {
        this(denoiser, intensityScale, settings, settings, initial);
    }

    /** With {@code complexSettings} for images of several channels ({@link ChannelLayout#channels} above 1). */
    private DiffusionPosteriorSampler(Block denoiser, double intensityScale, Settings settings,
        Settings complexSettings, Solver initial) {
        this.prior = DenoiserPrior.of(denoiser, intensityScale, initial, "Diffusion posterior sampling");
        this.settings = settings;
        this.complexSettings = complexSettings;
    }

    /**
     * With the denoiser's defaults ({@link #DIFFUSION_DEFAULTS} for a {@link DiffusionUNet}, else {@link #DEFAULTS}),
     * or the settings of {@link #PROPERTY} when set.
     */
    public static DiffusionPosteriorSampler withDefaults(Block denoiser, double intensityScale, Solver initial) {
        return new DiffusionPosteriorSampler(denoiser, intensityScale,
            orProperty(denoiser instanceof DiffusionUNet ? DIFFUSION_DEFAULTS : DEFAULTS), initial);
    }

    /**
     * Chains from noise as {@link #withDefaults} draws them, in {@link #BORROWED_SPREAD_STEPS} steps: the spread a
     * calibrated warm chain borrows (or the settings of {@link #PROPERTY} when set).
     */
    public static DiffusionPosteriorSampler forBorrowedSpread(Block denoiser, double intensityScale,
        Solver initial) {
        Settings defaults = (denoiser instanceof DiffusionUNet ? DIFFUSION_DEFAULTS : DEFAULTS)
            .withSteps(BORROWED_SPREAD_STEPS);
        return new DiffusionPosteriorSampler(denoiser, intensityScale, orProperty(defaults), initial);
    }

    /**
     * A chain started at {@code start}'s reconstruction with {@link #WARM_START}, on complex images
     * {@link #WARM_START_COMPLEX} (or the settings of {@link #PROPERTY} for both when set).
     */
    public static DiffusionPosteriorSampler warmStarted(Block denoiser, double intensityScale, Solver start) {
        return new DiffusionPosteriorSampler(denoiser, intensityScale, orProperty(WARM_START),
            orProperty(WARM_START_COMPLEX), start);
    }

    /** The settings of {@link #PROPERTY} when set, else {@code defaults}. */
    private static Settings orProperty(Settings defaults) {
        String override = System.getProperty(PROPERTY);
        return override == null || override.isBlank() ? defaults : Settings.parse(override);
    }

    @Override
    public String description() {
        return "DiffPIR, " + settings + (complexSettings.equals(settings) ? ""
            : " (complex images: " + complexSettings.steps() + " steps)");
    }

    @Override
    public double noiseLevel() {
        return settings.noiseLevel();
    }

    @Override
    public NDArray sample(NDArray measurements, ForwardOperator operator, int samples, long seed,
        ProgressMonitor progress) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples=" + samples + " must be at least 1");
        }
        NDManager owner = measurements.getManager();
        Shape domain = operator.domainShape();
        Settings chain = ChannelLayout.channels(domain) > 1 ? complexSettings : settings;
        long slices = measurements.getShape().get(0);
        Shape batch = new Shape(samples * slices).addAll(domain);
        Random random = new Random(seed);
        int steps = chain.steps();
        // Cancellation is checked before every A and A* and every band of every denoiser layer, as in HQS.
        ForwardOperator checked = new CancellableOperator(operator, progress);
        try (NDManager scope = owner.newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            NDArray y = measurements.div(prior.intensityScale());
            y.attach(scope);
            NDArray start = prior.start(measurements, operator, progress, scope);
            NDArray adjointY = SampleBatch.repeated(operator.adjoint(y), samples);
            adjointY.attach(scope);
            NDArray mu = SampleBatch.perSlice(PosteriorSampler.noiseVariances(y, chain.noiseLevel()), samples,
                domain, scope);
            CurrentIterate x = new CurrentIterate(scope,
                SampleBatch.repeated(start, samples).add(SampleBatch.gaussian(scope, random, batch)
                    .mul(chain.sigma(0))));
            for (int k = 0; k < steps; k++) {
                progress.checkCancelled();
                double sigma = chain.sigma(k);
                double next = chain.sigma(k + 1);
                NDArray xt = x.get();
                NDArray denoised = prior.denoiser().applyInDomain(parameters, xt, domain, sigma,
                    progress);
                NDArray x0 = QuadraticDataStep.solve(checked, adjointY, denoised,
                    mu.mul(chain.lambda() / (sigma * sigma)), chain.cgIterations());
                if (next == 0) {
                    x.replace(x0);
                } else {
                    NDArray eps = xt.sub(x0).div(sigma);
                    NDArray fresh = SampleBatch.gaussian(xt.getManager(), random, batch);
                    x.replace(x0.add(eps.mul(next * Math.sqrt(1 - chain.zeta()))
                        .add(fresh.mul(next * Math.sqrt(chain.zeta())))));
                }
                progress.progress(k + 1, steps, "Diffusion posterior sampling: step " + (k + 1) + "/" + steps);
            }
            NDArray result = x.scaledInto(prior.intensityScale(), owner);
            return result.reshape(new Shape(samples, slices).addAll(domain));
        }
    }
}

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
import org.learnedrecon.solvers.OperatorMemo;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Posterior samples by PnP-ULA (Laumont et al. 2022, "Bayesian imaging using plug & play priors"): the unadjusted
 * Langevin algorithm with the prior's score taken from a denoiser at one small noise level {@code sigma_d}
 * (Tweedie: {@code score(x) = (D(x, sigma_d) - x) / sigma_d^2}, the score of the prior smoothed by
 * {@code N(0, sigma_d^2)}), written once against {@link ForwardOperator}. Every chain runs
 * <pre>
 *   x_k+1 = x_k - delta A*(A x_k - y) / sigma_n^2                  (likelihood)
 *              + delta alpha / eps (D(x_k, sigma_d) - x_k)          (prior, eps = sigma_d^2)
 *              + delta / lambda (P_C(x_k) - x_k)                    (keeps the chain in C = [-1, 2])
 *              + sqrt(2 delta) z_k
 * </pre>
 * with the paper's step and projection weight, {@code 1/lambda = 2 alpha/eps + 4 L_y} and
 * {@code delta = stepFraction / (L_y + alpha/eps + 1/lambda)}, {@code L_y = ||A||^2 / sigma_n^2} (the denoiser's
 * Lipschitz constant taken as 1). The chains start at the initial reconstruction and each sample is a chain's last
 * state: {@code samples} parallel chains, one batch {@code (samples x slices)} ({@link SampleBatch}), seeded as
 * {@link DiffusionPosteriorSampler}'s. {@code sigma_n} per slice as there ({@code noiseLevel} times the RMS of the
 * measured entries).
 *
 * <p>It needs no diffusion model, only a denoiser told the noise level, but many more network passes than DiffPIR: the
 * step is bounded by the data term's curvature, so the prior moves the chain by only about
 * {@code delta alpha / eps} of the way to the denoised image per step. It is here for comparison
 * ({@code PosteriorCalibration sampler=pnp-ula}).
 */
public final class LangevinPosteriorSampler implements PosteriorSampler {

    /** The lower and upper bound of the box the chains are pulled back into, in denoiser units. */
    static final double BOX_LOW = -1;
    static final double BOX_HIGH = 2;

    /** The sampler's parameters; see {@link #DEFAULTS}. */
    public record Settings(int iterations, double sigma, double alpha, double stepFraction, double noiseLevel) {

        public Settings {
            if (iterations < 1 || !(sigma > 0) || !(alpha > 0) || !(stepFraction > 0) || !(stepFraction <= 1)
                || !(noiseLevel > 0)) {
                throw new IllegalArgumentException("PnP-ULA needs iterations >= 1, sigma > 0, alpha > 0, "
                    + "0 < stepFraction <= 1 and noiseLevel > 0; got iterations " + iterations + ", sigma " + sigma
                    + ", alpha " + alpha + ", stepFraction " + stepFraction + ", noise " + noiseLevel);
            }
        }

        /** As {@link #PROPERTY} reads: {@code iterations,sigma,alpha,stepFraction,noiseLevel}. */
        public static Settings parse(String text) {
            double[] v = TuningNumbers.parse(PROPERTY, text, "iterations,sigma,alpha,stepFraction,noiseLevel");
            return new Settings((int) v[0], v[1], v[2], v[3], v[4]);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d iterations, sigma %s, alpha %s, step fraction %s, noise %s",
                iterations, sigma, alpha, stepFraction, noiseLevel);
        }
    }

    /** The paper's choices: {@code sigma_d = 5/255}, {@code alpha = 1}, a third of the stability bound. */
    public static final Settings DEFAULTS = new Settings(1000, 5 / 255.0, 1, 1 / 3.0, 0.01);

    /** System property replacing the defaults for tuning runs, in {@link Settings#parse}'s form. */
    public static final String PROPERTY = "lrecon.langevin";

    private final DenoiserPrior prior;
    private final Settings settings;
    /** ||A|| of the last operator seen: estimated once, not on every batch of a stack (as in HQS). */
    private final OperatorMemo<Double> norm = new OperatorMemo<>();

    /**
     * @param denoiser a denoiser with a noise-level map
     * @param intensityScale images were divided by it in denoiser training
     * @param settings iterations and weights
     * @param initial start of the chains, or {@code null} for {@code A* y / ||A||^2}
     * @throws IllegalArgumentException for a denoiser that is not told the noise level
     */
    public LangevinPosteriorSampler(Block denoiser, double intensityScale, Settings settings, Solver initial) {
        this.prior = DenoiserPrior.of(denoiser, intensityScale, initial, "PnP-ULA posterior sampling");
        this.settings = settings;
    }

    /** With {@link #DEFAULTS}, or the settings of {@link #PROPERTY} when set. */
    public static LangevinPosteriorSampler withDefaults(Block denoiser, double intensityScale, Solver initial) {
        String override = System.getProperty(PROPERTY);
        return new LangevinPosteriorSampler(denoiser, intensityScale,
            override == null || override.isBlank() ? DEFAULTS : Settings.parse(override), initial);
    }

    @Override
    public String description() {
        return "PnP-ULA, " + settings;
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
        long slices = measurements.getShape().get(0);
        Shape batch = new Shape(samples * slices).addAll(domain);
        Random random = new Random(seed);
        ForwardOperator checked = new CancellableOperator(operator, progress);
        double eps = settings.sigma() * settings.sigma();
        double curvature = settings.alpha() / eps;
        try (NDManager scope = owner.newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            NDArray y = measurements.div(prior.intensityScale());
            y.attach(scope);
            double normSquared = Math.pow(norm.get(operator, () -> checked.normEstimate(scope, 30)), 2);
            double[] variance = PosteriorSampler.noiseVariances(y, settings.noiseLevel());
            double[] step = new double[variance.length];
            double[] likelihood = new double[variance.length];
            double[] box = new double[variance.length];
            double[] spread = new double[variance.length];
            for (int b = 0; b < variance.length; b++) {
                double lipschitz = normSquared / variance[b];
                double inverseLambda = 2 * curvature + 4 * lipschitz;
                step[b] = settings.stepFraction() / (lipschitz + curvature + inverseLambda);
                likelihood[b] = step[b] / variance[b];
                box[b] = step[b] * inverseLambda;
                spread[b] = Math.sqrt(2 * step[b]);
            }
            NDArray dataWeight = SampleBatch.perSlice(likelihood, samples, domain, scope);
            NDArray priorWeight = SampleBatch.perSlice(step, samples, domain, scope).mul(curvature);
            NDArray boxWeight = SampleBatch.perSlice(box, samples, domain, scope);
            NDArray noiseWeight = SampleBatch.perSlice(spread, samples, domain, scope);
            NDArray adjointY = SampleBatch.repeated(operator.adjoint(y), samples);
            adjointY.attach(scope);
            NDArray start = prior.start(measurements, operator, progress, scope);
            CurrentIterate x = new CurrentIterate(scope, SampleBatch.repeated(start, samples));
            int iterations = settings.iterations();
            for (int k = 0; k < iterations; k++) {
                progress.checkCancelled();
                NDArray xk = x.get();
                NDArray residual = checked.adjoint(checked.apply(xk)).sub(adjointY);
                NDArray denoised = prior.denoiser().applyInDomain(parameters, xk, domain,
                    settings.sigma(), progress);
                NDArray next = xk.sub(residual.mul(dataWeight))
                    .add(denoised.sub(xk).mul(priorWeight))
                    .add(xk.clip(BOX_LOW, BOX_HIGH).sub(xk).mul(boxWeight))
                    .add(SampleBatch.gaussian(xk.getManager(), random, batch).mul(noiseWeight));
                x.replace(next);
                progress.progress(k + 1, iterations, "PnP-ULA posterior sampling: iteration " + (k + 1) + "/"
                    + iterations);
            }
            NDArray result = x.scaledInto(prior.intensityScale(), owner);
            return result.reshape(new Shape(samples, slices).addAll(domain));
        }
    }
}

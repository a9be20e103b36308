package org.learnedrecon.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.learnedrecon.learned.DiffusionPosteriorSampler;
import org.learnedrecon.learned.DiffusionUNet;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.NoiseLevelDenoiser;
import org.learnedrecon.learned.HalfQuadraticSplitting;
import org.learnedrecon.learned.PlugAndPlay;
import org.learnedrecon.learned.ReconstructionNetwork;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * A trained model used as a {@link Solver}. Reconstruction networks (LGD, LPD, post-processing) run once on
 * {@code (y / s, initial(y / s))} and their output is multiplied by {@code s}, the intensity scale recorded in the
 * model; a denoiser model runs as plug-and-play, by default {@link HalfQuadraticSplitting}. Inference happens in a scoped manager without gradients.
 *
 * <p>The operator given to {@link #reconstruct} must be the one the network was built with (the model is loaded
 * for an operator by {@link org.learnedrecon.models.ModelFile#load}).
 */
public final class LearnedSolver implements Solver {

    private final LearnedModel model;
    private final Solver initial;
    private final Solver plugAndPlay;
    /** Where plug-and-play starts. */
    private final Solver plugAndPlayStart;

    /**
     * @param model a loaded or freshly trained model
     * @param initial the initial reconstruction; must be the one the model was trained with (compared by name)
     */
    public LearnedSolver(LearnedModel model, Solver initial) {
        this(model, initial, initial);
    }

    /**
     * As above, with plug-and-play (a denoiser model) starting from {@code plugAndPlayStart} instead
     * ({@code PhysicsFactory.plugAndPlayStart}); the posterior sampler still starts from {@code initial}.
     */
    public LearnedSolver(LearnedModel model, Solver initial, Solver plugAndPlayStart) {
        this(model.network() instanceof NoiseLevelDenoiser
            ? HalfQuadraticSplitting.withDefaults(model.network(), model.metadata().intensityScale,
                trainedSigma(model.metadata()), plugAndPlayStart) : null, plugAndPlayStart, model, initial);
    }

    /**
     * This denoiser model's plug-and-play with {@code schedule} instead of the defaults, from the same start.
     *
     * @throws IllegalArgumentException when the model is not a denoiser (it has no plug-and-play)
     */
    public LearnedSolver withSchedule(HalfQuadraticSplitting.Schedule schedule) {
        return withSchedule(schedule, plugAndPlayStart);
    }

    /**
     * This denoiser model's plug-and-play with {@code schedule}, started at {@code start}'s reconstruction (e.g.
     * another model's) instead of its physics' start.
     *
     * @throws IllegalArgumentException when the model is not a denoiser (it has no plug-and-play)
     */
    public LearnedSolver withSchedule(HalfQuadraticSplitting.Schedule schedule, Solver start) {
        if (!(plugAndPlay instanceof HalfQuadraticSplitting)) {
            throw new IllegalArgumentException("A plug-and-play schedule needs a denoiser model run by half-quadratic "
                + "splitting, but this is " + name());
        }
        return new LearnedSolver(HalfQuadraticSplitting.withSchedule(model.network(), model.metadata().intensityScale,
            trainedSigma(model.metadata()), schedule, start), start, model, initial);
    }

    /**
     * As above, but a denoiser model runs as plug-and-play proximal gradient ({@link PlugAndPlay}) with
     * {@code pnpIterations} steps of {@code pnpStepFactor / ||A||^2} instead of half-quadratic splitting.
     */
    public LearnedSolver(LearnedModel model, Solver initial, int pnpIterations, double pnpStepFactor) {
        this(model.network() instanceof DnCnn ? new PlugAndPlay(model.network(),
            model.metadata().intensityScale, pnpIterations, pnpStepFactor, initial) : null, initial, model, initial);
    }

    private LearnedSolver(Solver plugAndPlay, Solver plugAndPlayStart, LearnedModel model, Solver initial) {
        this.model = model;
        this.initial = initial;
        this.plugAndPlay = plugAndPlay;
        this.plugAndPlayStart = plugAndPlayStart;
        ModelMetadata metadata = model.metadata();
        if (plugAndPlay == null) {
            if (!(model.network() instanceof ReconstructionNetwork)) {
                throw new IllegalArgumentException("Not a reconstruction network: " + model.network().getClass());
            }
            if (metadata.initialReconstruction != null && !metadata.initialReconstruction.equals(initial.name())) {
                throw new IllegalArgumentException("Model was trained on initial reconstructions by '"
                    + metadata.initialReconstruction + "', but '" + initial.name() + "' was given");
            }
        }
    }

    /**
     * Posterior sampling with this denoiser model from the same initial reconstruction
     * ({@link DiffusionPosteriorSampler#withDefaults}).
     *
     * @throws IllegalArgumentException when the model is not a denoiser told the noise level ({@code noiseMap=true})
     */
    public DiffusionPosteriorSampler posteriorSampler() {
        requireDenoiser();
        return DiffusionPosteriorSampler.withDefaults(model.network(), model.metadata().intensityScale, initial);
    }

    /**
     * Chains from noise with this denoiser model in fewer steps, whose spread a calibrated warm chain borrows
     * ({@link DiffusionPosteriorSampler#forBorrowedSpread}).
     *
     * @throws IllegalArgumentException when the model is not a denoiser told the noise level
     */
    public DiffusionPosteriorSampler borrowedSpreadSampler() {
        requireDenoiser();
        return DiffusionPosteriorSampler.forBorrowedSpread(model.network(), model.metadata().intensityScale, initial);
    }

    /**
     * Posterior sampling with this denoiser model, the chains started at {@code start}'s reconstruction at a low noise
     * level ({@link DiffusionPosteriorSampler#warmStarted}).
     *
     * @throws IllegalArgumentException when the model is not a denoiser told the noise level
     */
    public DiffusionPosteriorSampler posteriorSampler(Solver start) {
        requireDenoiser();
        return DiffusionPosteriorSampler.warmStarted(model.network(), model.metadata().intensityScale, start);
    }

    private void requireDenoiser() {
        if (!(model.network() instanceof NoiseLevelDenoiser)) {
            throw new IllegalArgumentException("Diffusion posterior sampling needs a diffusion or denoiser model"
                + " (architecture " + DiffusionUNet.ARCHITECTURE + " or " + DnCnn.ARCHITECTURE + "), but this one is "
                + model.metadata().architecture);
        }
    }

    /** The noise level a denoiser model was trained at ({@code training.sigma}; 0.05, the default, when absent). */
    static double trainedSigma(ModelMetadata metadata) {
        String sigma = metadata.training.get("sigma");
        return sigma == null ? 0.05 : Double.parseDouble(sigma);
    }

    @Override
    public String name() {
        return "Learned " + model.metadata().architecture;
    }

    public LearnedModel model() {
        return model;
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        if (plugAndPlay != null) {
            return plugAndPlay.reconstruct(measurements, operator, progress);
        }
        ReconstructionNetwork network = (ReconstructionNetwork) model.network();
        if (operator != network.operator()) {
            throw new IllegalArgumentException("The model was loaded for another operator instance; load it for "
                + "this operator (ModelFile.load checks that the physics match)");
        }
        double scale = model.metadata().intensityScale;
        progress.checkCancelled();
        NDManager owner = measurements.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray y = measurements.div(scale);
            y.attach(scope);
            // No gradient flows into x0: the faster twin of the operator where there is one (TV or SIRT starts).
            NDArray x0 = initial.reconstruct(y, operator.withoutAutograd(), progress.cancellationOnly());
            progress.checkCancelled();
            NDArray x = network.forward(new ParameterStore(scope, false), new NDList(y, x0), false)
                .singletonOrThrow();
            NDArray result = x.mul(scale);
            result.attach(owner);
            progress.progress(1, 1, name());
            return result;
        }
    }
}

package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * A trained model used as a {@link Solver}. Reconstruction networks (LGD, LPD, post-processing) run once on
 * {@code (y / s, initial(y / s))} and their output is multiplied by {@code s}, the intensity scale recorded in the
 * model; a denoiser model runs as {@link PlugAndPlay}. Inference happens in a scoped manager without gradients.
 *
 * <p>The operator given to {@link #reconstruct} must be the one the network was built with (the model is loaded
 * for an operator by {@link org.learnedrecon.models.ModelFile#load}).
 */
public final class LearnedSolver implements Solver {

    private final LearnedModel model;
    private final Solver initial;
    private final PlugAndPlay plugAndPlay;

    /**
     * @param model a loaded or freshly trained model
     * @param initial the initial reconstruction; must be the one the model was trained with (compared by name)
     */
    public LearnedSolver(LearnedModel model, Solver initial) {
        this(model, initial, 30, 1.0);
    }

    /** As above; {@code pnpIterations} and {@code pnpStepFactor} are used only for denoiser models. */
    public LearnedSolver(LearnedModel model, Solver initial, int pnpIterations, double pnpStepFactor) {
        this.model = model;
        this.initial = initial;
        ModelMetadata metadata = model.metadata();
        if (model.network() instanceof DnCnn) {
            plugAndPlay = new PlugAndPlay(model.network(), metadata.intensityScale, pnpIterations, pnpStepFactor,
                initial);
        } else {
            plugAndPlay = null;
            if (!(model.network() instanceof ReconstructionNetwork)) {
                throw new IllegalArgumentException("Not a reconstruction network: " + model.network().getClass());
            }
            if (metadata.initialReconstruction != null && !metadata.initialReconstruction.equals(initial.name())) {
                throw new IllegalArgumentException("Model was trained on initial reconstructions by '"
                    + metadata.initialReconstruction + "', but '" + initial.name() + "' was given");
            }
        }
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
            NDArray x0 = initial.reconstruct(y, operator, ProgressMonitor.NONE);
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

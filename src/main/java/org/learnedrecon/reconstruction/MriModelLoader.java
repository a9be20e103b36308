package org.learnedrecon.reconstruction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.MriSolverFactory;

/**
 * Loads the learned model of a Reconstruct MRI {@code solver=} choice ({@link MriSolverFactory#UNROLLED},
 * {@link MriSolverFactory#PLUG_AND_PLAY}, {@link MriSolverFactory#UNET}) for single-coil Cartesian k-space with
 * {@code mask}: {@code Unrolled} is learned gradient descent or primal-dual, read from the model's architecture; with
 * {@code model=auto} the shipped lgd model that fits, else the shipped lpd one. Errors use this menu's names.
 */
public final class MriModelLoader implements ReconstructionService.ModelLoader {

    private final String solver;
    private final String learnedSolver;
    private final String model;
    private final Map<String, String> physics;
    private final SamplingMask mask;
    private final DeepLearningRuntime.DeviceChoice device;

    /**
     * Checks the choice at once (multi-coil data, or an Unrolled model of another architecture, fail here, before
     * any data is read).
     *
     * @param physics the k-space's acquisition as learned models record it
     *     ({@link org.learnedrecon.acquisition.MriCartesianPhysics#settingsOf}), with its actual coil count
     */
    public MriModelLoader(String solver, String model, Map<String, String> physics, SamplingMask mask,
            DeepLearningRuntime.DeviceChoice device) {
        String coils = physics.getOrDefault("coils", "1");
        if (!"1".equals(coils)) {
            throw new IllegalArgumentException("solver=" + solver + " with model=" + model + ": the learned MRI"
                + " models are single-coil (physics=mri-cartesian), but the k-space has " + coils + " coils; choose"
                + " a classical solver (CG-SENSE, Wavelet, TV)");
        }
        this.solver = solver;
        this.model = model;
        this.physics = physics;
        this.mask = mask;
        this.device = device;
        this.learnedSolver = learnedSolverName();
    }

    @Override
    public LoadedLearnedSolver load() {
        boolean eitherUnrolled = MriSolverFactory.UNROLLED.equals(solver) && LearnedSolverFactory.isAutomatic(model);
        List<String> candidates = eitherUnrolled ? List.of(learnedSolver, SolverFactory.LPD)
            : List.of(learnedSolver);
        List<String> refusals = new ArrayList<>();
        try {
            for (String candidate : candidates) {
                try {
                    return LearnedSolverFactory.load(candidate, model, physics,
                        m -> new CartesianMriOperator(m, mask), device);
                } catch (IncompatibleModelException e) {
                    refusals.add(e.getMessage());
                }
            }
            throw new IncompatibleModelException(String.join(". ", refusals));
        } catch (IOException e) {
            // The factory names CT's solver choices; in this menu both unrolled networks are "Unrolled".
            throw new IllegalArgumentException(String.valueOf(e.getMessage())
                .replace("solver=[" + SolverFactory.LGD + "]", "solver=[" + MriSolverFactory.UNROLLED
                    + "]").replace("solver=[" + SolverFactory.LPD + "]", "solver=["
                    + MriSolverFactory.UNROLLED + "]"), e);
        }
    }

    /** The {@link LearnedSolverFactory} name for {@code solver=}: Unrolled is lgd or lpd, from the model. */
    private String learnedSolverName() {
        if (MriSolverFactory.PLUG_AND_PLAY.equals(solver)) {
            return SolverFactory.PNP;
        }
        if (SolverFactory.DIFFUSION.equals(solver)) {
            return SolverFactory.DIFFUSION;
        }
        if (MriSolverFactory.UNET.equals(solver)) {
            return SolverFactory.POST_PROCESSING;
        }
        if (LearnedSolverFactory.isAutomatic(model)) {
            return SolverFactory.LGD;
        }
        String architecture;
        try {
            architecture = ModelFile.readMetadata(PretrainedModels.shipped().resolve(model)).architecture;
        } catch (IOException e) {
            throw new IllegalArgumentException("model=" + model + ": " + e.getMessage(), e);
        }
        if (LearnedGradientDescent.ARCHITECTURE.equals(architecture)) {
            return SolverFactory.LGD;
        }
        if (LearnedPrimalDual.ARCHITECTURE.equals(architecture)) {
            return SolverFactory.LPD;
        }
        throw new IllegalArgumentException("Model " + PretrainedModels.displayName(model) + " is a " + architecture
            + " model; solver=Unrolled needs a learned gradient descent (lgd) or primal-dual (lpd) model");
    }
}

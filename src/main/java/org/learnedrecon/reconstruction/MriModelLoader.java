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

    /**
     * Plug-and-play's {@code model=auto} in MRI (since 2026-12-07): the diffusion model's denoiser with the finer
     * schedule ({@link HeldOutChoice#FINER}), from TV over real images, the MRI choice's plug-and-play candidate. Chosen
     * on training images (brain-t1-train, {@code natural/train} crops, atlas-phantoms-128, random ellipses of seed 2;
     * 4 each, 1 % noise) among {@code dncnn-s05} (the default before), {@code dncnn-fast} with five schedules and this:
     * above per-set tuned TV on every set at 4x (+2.15 dB on its worst set) and 8x (+0.18), where {@code dncnn-s05} was
     * 8.2 and 0.6 dB under it, and within 0.3 dB of {@code dncnn-s05} on the brain slices (README, "Plug-and-play's
     * default in MRI: the diffusion model's denoiser").
     */
    public static final String AUTOMATIC_PLUG_AND_PLAY = "diffusion-unet" + HeldOutChoice.FINER;

    @Override
    public LoadedLearnedSolver load() {
        if (SolverFactory.PNP.equals(learnedSolver)) {
            return plugAndPlay();
        }
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
            throw inThisMenu(e);
        }
    }

    /** The factory names CT's solver choices; in this menu both unrolled networks are "Unrolled". */
    private static IllegalArgumentException inThisMenu(IOException e) {
        return new IllegalArgumentException(String.valueOf(e.getMessage())
            .replace("solver=[" + SolverFactory.LGD + "]", "solver=[" + MriSolverFactory.UNROLLED + "]")
            .replace("solver=[" + SolverFactory.LPD + "]", "solver=[" + MriSolverFactory.UNROLLED + "]"), e);
    }

    /**
     * Plug-and-play with {@code model=}: {@link #AUTOMATIC_PLUG_AND_PLAY} for {@code auto}; a denoiser's name may end
     * in a schedule's suffix ({@code dncnn-fast:finer}), as in the choice's {@code model=}. Named with the suffix, so
     * the Info's {@code model} reruns the same schedule.
     */
    private LoadedLearnedSolver plugAndPlay() {
        String entry = LearnedSolverFactory.isAutomatic(model) ? AUTOMATIC_PLUG_AND_PLAY : model.trim();
        // A model file is taken as it is, whatever its path holds.
        HeldOutChoice.ModelSpec spec = java.nio.file.Files.isRegularFile(java.nio.file.Path.of(entry))
            ? new HeldOutChoice.ModelSpec(entry, "", null) : HeldOutChoice.ModelSpec.parse(entry);
        try {
            LoadedLearnedSolver network = LearnedSolverFactory.load(learnedSolver, spec.model(), physics,
                m -> new CartesianMriOperator(m, mask), device);
            return spec.schedule() == null ? network : spec.scheduled(network).named(spec.model() + spec.suffix());
        } catch (IOException e) {
            throw inThisMenu(e);
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

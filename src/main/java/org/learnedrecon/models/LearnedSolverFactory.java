package org.learnedrecon.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.learned.DiffusionUNet;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.learned.PostProcessingNetwork;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;

/**
 * Builds the learned solvers from what a user types: {@code solver=} (one of {@link SolverFactory#LEARNED}),
 * {@code model=} (a {@link PretrainedModels} name or a model file path) and {@code device=}. The sibling of
 * {@link SolverFactory} for solvers that need a model; any physics can use it by giving its settings (the form of
 * {@link PhysicsFactory}, with {@code physics=} its name) and a way to build its operator.
 *
 * <p>For CT: {@code load(solver, model, CtParallelPhysics.settingsOf(g), m -> RayTransform.differentiable(g, m),
 * device)}. The unrolled networks apply the operator inside the network, so it must be the differentiable one
 * (inference runs without a gradient collector, but the networks check {@code isDifferentiable()} when built).
 */
public final class LearnedSolverFactory {

    private static final Map<String, String> ARCHITECTURES = new LinkedHashMap<>();

    static {
        ARCHITECTURES.put(SolverFactory.LGD, LearnedGradientDescent.ARCHITECTURE);
        ARCHITECTURES.put(SolverFactory.LPD, LearnedPrimalDual.ARCHITECTURE);
        ARCHITECTURES.put(SolverFactory.PNP, DnCnn.ARCHITECTURE);
        ARCHITECTURES.put(SolverFactory.POST_PROCESSING, PostProcessingNetwork.ARCHITECTURE);
        ARCHITECTURES.put(SolverFactory.DIFFUSION, DiffusionUNet.ARCHITECTURE);
    }

    private LearnedSolverFactory() {
    }

    /** The model architecture ({@code lgd}, {@code lpd}, {@code dncnn}, {@code postprocessing}) of a solver name. */
    public static String architecture(String solver) {
        for (Map.Entry<String, String> e : ARCHITECTURES.entrySet()) {
            if (solver != null && e.getKey().equalsIgnoreCase(solver.trim())) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("Unknown learned solver '" + solver + "': choose one of "
            + ARCHITECTURES.keySet());
    }

    /**
     * Whether the solver applies the operator inside its network (the unrolled LGD and LPD), so that it needs the
     * differentiable form of the operator; plug-and-play and post-processing only apply it outside the network and
     * run faster with a matrix-free one (CT: the multi-threaded Java ray transform instead of a sparse matrix).
     */
    public static boolean needsDifferentiableOperator(String solver) {
        return NetworkCatalog.appliesOperatorInside(architecture(solver));
    }

    /**
     * The solver that makes one reconstruction with a model of {@code architecture}: its own, but plug-and-play for a
     * diffusion model (whose own solver samples the posterior). Used where models are compared or chosen between
     * as reconstructions ({@code HeldOutChoice}, {@code SolverComparison}).
     */
    public static String reconstructionSolver(String architecture) {
        return DiffusionUNet.ARCHITECTURE.equals(architecture) ? SolverFactory.PNP : solverName(architecture);
    }

    /** The solver name ({@code solver=} value) of an architecture. */
    public static String solverName(String architecture) {
        for (Map.Entry<String, String> e : ARCHITECTURES.entrySet()) {
            if (e.getValue().equals(architecture)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("Unknown architecture '" + architecture + "': choose one of "
            + ARCHITECTURES.values());
    }

    /** As {@link #load(String, String, Map, Function, DeepLearningRuntime.DeviceChoice, PretrainedModels)}
     * with the shipped models. */
    public static LoadedLearnedSolver load(String solver, String model, Map<String, String> physics,
        Function<NDManager, ForwardOperator> operator, DeepLearningRuntime.DeviceChoice device) throws IOException {
        return load(solver, model, physics, operator, device, PretrainedModels.shipped());
    }

    /**
     * Loads a model and makes it a solver for data with the given physics.
     *
     * @param physics the data's settings, {@code physics=} included; compared with the model's recorded settings
     *     (completed with the model physics' defaults, {@link PhysicsFactory#completeSettings})
     * @param operator builds the data's operator in the given manager (the model's manager, on the device)
     * @throws IncompatibleModelException when the model is of another architecture or does not fit the data,
     *     naming each difference, e.g. {@code model trained for views=30, but the data has views=60}
     * @throws IllegalArgumentException for an unknown solver or model name
     * @throws IOException for unreadable model files
     */
    public static LoadedLearnedSolver load(String solver, String model, Map<String, String> physics,
        Function<NDManager, ForwardOperator> operator, DeepLearningRuntime.DeviceChoice device,
        PretrainedModels models) throws IOException {
        return load(solver, model, physics, operator, null, device, models);
    }

    /**
     * As {@link #load(String, String, Map, Function, DeepLearningRuntime.DeviceChoice)}, for an operator that is a
     * part of the acquisition {@code whole} (a held-out fold): the model must fit {@code whole} and runs on the part
     * ({@link ModelFile#load(Path, NDManager, ForwardOperator, ForwardOperator, Map)}).
     */
    public static LoadedLearnedSolver loadForPart(String solver, String model, Map<String, String> physics,
        Function<NDManager, ForwardOperator> part, ForwardOperator whole, DeepLearningRuntime.DeviceChoice device)
        throws IOException {
        return load(solver, model, physics, part, whole, device, PretrainedModels.shipped());
    }

    private static LoadedLearnedSolver load(String solver, String model, Map<String, String> physics,
        Function<NDManager, ForwardOperator> operator, ForwardOperator whole, DeepLearningRuntime.DeviceChoice device,
        PretrainedModels models) throws IOException {
        String architecture = architecture(solver);
        if (!isAutomatic(model)) {
            checkArchitecture(solver, architecture, model, ModelFile.readMetadata(models.resolve(model)));
        }
        Device target = DeepLearningRuntime.device(device);
        NDManager manager = NDManager.newBaseManager(target);
        try {
            ForwardOperator op = operator.apply(manager);
            ForwardOperator fits = whole != null ? whole : op;
            String chosen = isAutomatic(model) ? shippedModel(architecture, physics, fits, models) : model;
            Path file = models.resolve(chosen);
            String name = PretrainedModels.displayName(chosen);
            ModelMetadata metadata = completed(ModelFile.readMetadata(file));
            List<String> problems = ModelFile.compatibilityProblems(metadata, fits, physics);
            if (!problems.isEmpty()) {
                throw new IncompatibleModelException("Model " + name + " does not fit this data: "
                    + String.join("; ", problems));
            }
            LearnedModel loaded = ModelFile.load(file, manager, op, fits, physics);
            Map<String, String> initialPhysics = NetworkCatalog.isDenoiser(metadata.architecture)
                || metadata.physics.get("physics") == null ? physics : metadata.physics;
            PhysicsFactory initialFrom = PhysicsCatalog.find(initialPhysics.get("physics"));
            return new LoadedLearnedSolver(name, new LearnedSolver(loaded, initialFrom.initialReconstruction(
                initialPhysics), initialFrom.plugAndPlayStart(initialPhysics)), op, manager, target);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Whether {@code model=} asks for the shipped model that fits: blank or {@code auto}. */
    public static boolean isAutomatic(String model) {
        return model == null || model.isBlank() || AUTOMATIC.equalsIgnoreCase(model.trim());
    }

    /** The {@code model=} value that picks the shipped model fitting the solver and the data. */
    public static final String AUTOMATIC = "auto";

    /**
     * The first shipped model (index order) of {@code architecture} that fits the data.
     *
     * @throws IncompatibleModelException when none fits, naming the shipped models of that architecture and what
     *     keeps each from fitting, and how to get one that does
     */
    static String shippedModel(String architecture, Map<String, String> physics, ForwardOperator op,
        PretrainedModels models) throws IOException {
        List<String> reasons = new java.util.ArrayList<>();
        String dataPhysics = physics.get("physics");
        for (String name : models.names()) {
            ModelMetadata metadata = completed(ModelFile.readMetadata(models.resolve(name)));
            if (!serves(architecture, metadata)) {
                continue;
            }
            List<String> problems = new java.util.ArrayList<>(ModelFile.compatibilityProblems(metadata, op, physics));
            if (problems.isEmpty()) {
                return name;
            }
            // Say why the models of the data's physics do not fit; a CT model for MRI data needs no explanation.
            String modelPhysics = metadata.physics.get("physics");
            if (dataPhysics == null || modelPhysics == null || dataPhysics.equals(modelPhysics)) {
                reasons.add(name + ": " + String.join(", ", problems));
            }
        }
        String solver = solverName(architecture);
        throw new IncompatibleModelException("No shipped " + solver + " model fits this data"
            + (reasons.isEmpty() ? " (none is shipped" + (dataPhysics == null ? "" : " for physics=" + dataPhysics)
                + ")" : " (" + String.join("; ", reasons) + ")")
            + ": train one with Train Solver... and give its file as model=, or choose another solver");
    }

    /**
     * Whether a model of {@code metadata} serves the solver of {@code architecture}: its own architecture; for
     * posterior sampling also a DnCNN told the noise level ({@code noiseMap=true}, e.g. {@code dncnn-nl}), which
     * stands in for a diffusion model over the levels it was trained on; and for plug-and-play also a diffusion model,
     * a denoiser told the noise level (README, "Plug-and-play with the diffusion model's denoiser"). {@code model=auto}
     * of plug-and-play takes the first in the index that fits, still {@code dncnn-s05} (Reconstruct MRI's loader takes
     * {@code diffusion-unet:finer} instead: {@code MriModelLoader.AUTOMATIC_PLUG_AND_PLAY}).
     */
    static boolean serves(String architecture, ModelMetadata metadata) {
        return architecture.equals(metadata.architecture) || DiffusionUNet.ARCHITECTURE.equals(architecture)
            && DnCnn.ARCHITECTURE.equals(metadata.architecture)
            && "true".equals(metadata.hyperParameters.get("noiseMap"))
            || DnCnn.ARCHITECTURE.equals(architecture) && DiffusionUNet.ARCHITECTURE.equals(metadata.architecture);
    }

    private static void checkArchitecture(String solver, String architecture, String model, ModelMetadata metadata)
        throws IncompatibleModelException {
        String name = PretrainedModels.displayName(model);
        if (DiffusionUNet.ARCHITECTURE.equals(architecture) && DnCnn.ARCHITECTURE.equals(metadata.architecture)
            && !serves(architecture, metadata)) {
            throw new IncompatibleModelException("Model " + name + " is a denoiser without a noise-level map"
                + " (noiseMap=false), but"
                + " solver=[" + solver.trim() + "] needs a diffusion model or a denoiser told the noise level"
                + " (noiseMap=true): choose model=auto or a file trained with net.noiseMap=true");
        }
        if (!serves(architecture, metadata)) {
            throw new IncompatibleModelException("Model " + name + " is a " + describe(metadata.architecture)
                + " model, but solver=[" + solverName(architecture) + "] was chosen: choose solver=["
                + describe(metadata.architecture) + "] or a " + solverName(architecture) + " model");
        }
    }

    /** The metadata with the recorded physics completed by that physics' defaults (older files omit some). */
    private static ModelMetadata completed(ModelMetadata metadata) {
        String modelPhysics = metadata.physics.get("physics");
        if (modelPhysics != null && PhysicsCatalog.all().containsKey(modelPhysics)) {
            Map<String, String> completed = new LinkedHashMap<>(
                PhysicsCatalog.find(modelPhysics).completeSettings(metadata.physics));
            completed.put("physics", modelPhysics);
            metadata.physics = completed;
        }
        return metadata;
    }

    private static String describe(String architecture) {
        try {
            return solverName(architecture);
        } catch (IllegalArgumentException e) {
            return architecture;
        }
    }
}

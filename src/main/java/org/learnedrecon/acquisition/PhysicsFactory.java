package org.learnedrecon.acquisition;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/**
 * Builds a forward operator from text settings (the {@code physics.*} arguments of
 * {@code org.learnedrecon.training.TrainMain}), so the training command can train for any physics. CT and MRI provide
 * one each, registered in {@link PhysicsCatalog}.
 */
public interface PhysicsFactory {

    /** The {@code physics=} name, e.g. {@code ct-parallel} or {@code mri-cartesian}. */
    String name();

    /** The operator for these settings, its arrays attached to {@code manager}. */
    ForwardOperator create(NDManager manager, Map<String, String> settings);

    /**
     * An operator drawn anew for every training batch from a family of acquisitions, for training one solver that
     * serves them all: {@code ranges} maps setting keys to inclusive ranges {@code lo-hi}, {@code settings} holds the
     * other settings and, for each ranged key, the value of the first draw. Default: this physics trains at one
     * setting only, and the first ranged key is refused.
     *
     * @throws IllegalArgumentException naming the key and its range when the physics cannot draw it
     */
    default RandomAcquisitionOperator createFamily(NDManager manager, Map<String, String> settings,
        Map<String, String> ranges) {
        Map.Entry<String, String> first = ranges.entrySet().iterator().next();
        throw new IllegalArgumentException("physics." + first.getKey() + "=" + first.getValue() + ": " + name()
            + " trains at one value of " + first.getKey() + "; give one number");
    }

    /**
     * Settings beyond the ranged ones that a model trained on {@link #createFamily}'s family serves (key to
     * {@code lo-hi}), e.g. the centre fractions that go with a range of MRI accelerations. Default: none.
     */
    default Map<String, String> familyServes(Map<String, String> settings, Map<String, String> ranges) {
        return Map.of();
    }

    /**
     * The operator for solvers that never differentiate through it (post-processing and denoiser training): a faster
     * non-differentiable form where the physics has one. Default: {@link #create}.
     */
    default ForwardOperator createMatrixFree(NDManager manager, Map<String, String> settings) {
        return create(manager, settings);
    }

    /**
     * The measurement noise of training at relative level {@code level}, for data from {@code operator} (made by
     * {@link #create}): the same definition as the physics' simulation command. Default: {@link GaussianRelativeNoise}.
     */
    default MeasurementNoise trainingNoise(double level, ForwardOperator operator) {
        return new GaussianRelativeNoise(level);
    }

    /**
     * Setting naming the learned solvers' initial reconstruction (CT: {@code fbp}, {@code sirtN} or
     * {@code tv<lambda>}; MRI: {@code zerofilled} or {@code tv<lambda>}); it does not constrain the data a model
     * fits, as the model brings its own.
     */
    String INITIAL = "initial";

    /**
     * The lambda of a TV start, {@value #INITIAL}{@code =tv<lambda>} or {@code tvreal<lambda>} (e.g. 0.5 of
     * {@code tv0.5}), or empty for any other start ({@code tvfit<level>}, {@code fbp}, {@code zerofilled}, none).
     */
    static java.util.OptionalDouble tvStartLambda(String initial) {
        return TvStart.lambdaOf(initial);
    }

    /** The initial reconstruction the learned solvers start from (FBP for CT, zero-filled for MRI). */
    default Solver initialReconstruction(Map<String, String> settings) {
        return new ScaledAdjointReconstruction();
    }

    /**
     * Where plug-and-play starts: what {@code initial=} names when given, else the {@link #plugAndPlayStartSetting()}
     * (by default the {@link #initialReconstruction initial reconstruction}).
     */
    default Solver plugAndPlayStart(Map<String, String> settings) {
        String start = plugAndPlayStartSetting();
        return settings.containsKey(INITIAL) || start == null ? initialReconstruction(settings)
            : initialReconstruction(Map.of(INITIAL, start));
    }

    /**
     * The {@value #INITIAL} value plug-and-play starts from when the settings give none, or {@code null} for the
     * initial reconstruction; a physics sets it where a better start is measured (CT: TV, MRI: TV over real images).
     */
    default String plugAndPlayStartSetting() {
        return null;
    }

    /**
     * The settings with every default this factory would apply filled in, so settings recorded in a model file
     * (possibly only the non-default ones) can be compared key by key with the settings of the data at hand.
     * The default returns {@code settings} unchanged.
     */
    default Map<String, String> completeSettings(Map<String, String> settings) {
        return settings;
    }

    /**
     * Whether a model recorded with this setting only fits data with the same value (as
     * {@code models.ModelFile.compatibilityProblems} checks). Default: every setting but {@value #INITIAL} does (a
     * model brings its own initial reconstruction); a setting that only says how training data were drawn (e.g. a
     * random mask's seed) need not either.
     */
    default boolean constrainsModel(String key) {
        return !INITIAL.equals(key);
    }
}

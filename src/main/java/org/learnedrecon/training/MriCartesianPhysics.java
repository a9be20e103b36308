package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.EquispacedLineSampling;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.mri.SamplingPattern;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.mri.ZeroFilledSolver;

/**
 * {@code physics=mri-cartesian}: single-coil Cartesian MRI with a line mask, as a differentiable
 * {@link CartesianMriOperator}. Settings: {@code size} (default 128), {@code mask} ({@code random} or
 * {@code equispaced}, default random), {@code acceleration} (default 8), {@code center} (fully sampled centre
 * fraction, default 0.04), {@code maskSeed} (default 0). The learned solvers start from the zero-filled adjoint.
 */
public final class MriCartesianPhysics implements PhysicsFactory {

    public static final String NAME = "mri-cartesian";

    @Override
    public String name() {
        return NAME;
    }

    /** The sampling mask these settings describe. */
    public static SamplingMask mask(Map<String, String> settings) {
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        double acceleration = Double.parseDouble(settings.getOrDefault("acceleration", "8"));
        double center = Double.parseDouble(settings.getOrDefault("center", "0.04"));
        long seed = Long.parseLong(settings.getOrDefault("maskSeed", "0"));
        String kind = settings.getOrDefault("mask", "random");
        SamplingPattern pattern;
        if ("random".equalsIgnoreCase(kind)) {
            pattern = new RandomLineSampling(acceleration, center);
        } else if ("equispaced".equalsIgnoreCase(kind)) {
            pattern = new EquispacedLineSampling(acceleration, center);
        } else {
            throw new IllegalArgumentException("Unknown mask '" + kind + "': choose random or equispaced");
        }
        return pattern.generate(size, size, seed);
    }

    @Override
    public ForwardOperator create(NDManager manager, Map<String, String> settings) {
        return new CartesianMriOperator(manager, mask(settings));
    }

    @Override
    public Solver initialReconstruction(Map<String, String> settings) {
        return new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT);
    }
}

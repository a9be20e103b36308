package org.learnedrecon.reconstruction;

import java.io.IOException;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;

/**
 * Loads the learned model of a Reconstruct CT {@code solver=} choice for sinograms of geometry {@code g}: the
 * model's recorded physics is compared with {@link CtParallelPhysics#settingsOf}{@code (g)}. The unrolled networks
 * (LGD, LPD) apply the operator inside the network and get the differentiable ray transform; plug-and-play and
 * post-processing get the faster matrix-free one.
 */
public record CtModelLoader(String solver, String model, CtGeometry geometry,
        DeepLearningRuntime.DeviceChoice device) implements ReconstructionService.ModelLoader {

    @Override
    public LoadedLearnedSolver load() throws IOException {
        boolean differentiable = LearnedSolverFactory.needsDifferentiableOperator(solver);
        return LearnedSolverFactory.load(solver, model, CtParallelPhysics.settingsOf(geometry), m -> differentiable
            ? RayTransform.differentiable(geometry, m) : RayTransform.matrixFree(geometry), device);
    }
}

package org.learnedrecon.reconstruction;

import java.io.IOException;
import java.util.Map;
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
 *
 * @param physics the settings the model is checked against and loaded with: {@link CtParallelPhysics#settingsOf}
 *     {@code (geometry)}, with plug-and-play's start ({@code initial=}) where the command gives one
 */
public record CtModelLoader(String solver, String model, CtGeometry geometry, Map<String, String> physics,
        DeepLearningRuntime.DeviceChoice device) implements ReconstructionService.ModelLoader {

    @Override
    public LoadedLearnedSolver load() throws IOException {
        boolean differentiable = LearnedSolverFactory.needsDifferentiableOperator(solver);
        return LearnedSolverFactory.load(solver, model, physics, m -> differentiable
            ? RayTransform.differentiable(geometry, m) : RayTransform.matrixFree(geometry), device);
    }
}

package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/**
 * {@code physics=ct-parallel}: a parallel-beam CT scan with uniformly spaced angles, as a differentiable
 * {@link RayTransform}. Settings: {@code size} (image side, default 128), {@code views} (angle count, default 30),
 * {@code range} (degrees, default 180), {@code detectors} (default ceil(size*sqrt 2)). The learned solvers start
 * from a Hann-filtered FBP, which suppresses the streaks of sparse-view data better than the ramp filter.
 */
public final class CtParallelPhysics implements PhysicsFactory {

    public static final String NAME = "ct-parallel";

    @Override
    public String name() {
        return NAME;
    }

    /** The scan these settings describe. */
    public static ParallelBeamGeometry geometry(Map<String, String> settings) {
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        int views = Integer.parseInt(settings.getOrDefault("views", "30"));
        double range = Double.parseDouble(settings.getOrDefault("range", "180"));
        ParallelBeamGeometry uniform = ParallelBeamGeometry.uniform(size, views, range);
        String detectors = settings.get("detectors");
        if (detectors == null || Integer.parseInt(detectors) == uniform.detectorCount()) {
            return uniform;
        }
        return new ParallelBeamGeometry(size, uniform.angles(), Integer.parseInt(detectors), 1.0, 0.0);
    }

    @Override
    public ForwardOperator create(NDManager manager, Map<String, String> settings) {
        return RayTransform.differentiable(geometry(settings), manager);
    }

    @Override
    public Solver initialReconstruction(Map<String, String> settings) {
        return new FilteredBackProjection(FilteredBackProjection.Filter.HANN);
    }
}

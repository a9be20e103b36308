package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.solvers.ProgressMonitor;

/** Bregman steps give back the contrast a strong TV weight takes from a piecewise-constant image. */
class BregmanIterationTest {

    private static final int N = 64;

    @Test
    void bregmanStepsRecoverWhatStrongTvFlattens() {
        try (NDManager manager = NDManager.newBaseManager()) {
            RayTransform op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 30, 180));
            float[] truth = SheppLoganPhantom.render(N);
            NDArray y = new GaussianNoise(0.01, 3).apply(op.apply(manager.create(truth, new Shape(1, N, N))));
            float[] before = y.toFloatArray();
            TotalVariation tv = TotalVariation.builder().lambda(4).iterations(100).nonNegative(true).build();
            float[] alone = tv.reconstruct(y, op, ProgressMonitor.NONE).toFloatArray();
            float[] one = new BregmanIteration(tv, 1).reconstruct(y, op, ProgressMonitor.NONE).toFloatArray();
            float[] three = new BregmanIteration(tv, 3).reconstruct(y, op, ProgressMonitor.NONE).toFloatArray();
            double tvPsnr = Psnr.compute(truth, alone, N, N, 1);
            double bregmanPsnr = Psnr.compute(truth, three, N, N, 1);
            assertArrayEquals(alone, one, 0f, "one step is TV alone");
            assertTrue(bregmanPsnr > tvPsnr + 5, "TV " + tvPsnr + " dB, three Bregman steps " + bregmanPsnr);
            assertArrayEquals(before, y.toFloatArray(), 0f, "the measurements are not modified");
        }
    }

    @Test
    void refusesNoSteps() {
        TotalVariation tv = TotalVariation.builder().lambda(1).iterations(10).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BregmanIteration(tv, 0));
        assertTrue(e.getMessage().contains("steps >= 1, got 0"), e.getMessage());
    }
}

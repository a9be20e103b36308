package org.learnedrecon.solvers.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/** The peak normalisation makes TV scale-equivariant, per sample, and matches the explicit divide-solve-multiply. */
class PeakNormalisedSolverTest {

    private static final int N = 64;

    /** Single-coil N x N k-space with a 4x random-line mask drawn with {@code seed}. */
    private static CartesianMriOperator operator(NDManager m, long seed) {
        return new CartesianMriOperator(m, new RandomLineSampling(4, 0.08).generate(N, N, seed));
    }

    /** The k-space of the Shepp-Logan phantom times {@code scale} (a real image: zero imaginary part). */
    private static NDArray phantomKspace(CartesianMriOperator op, NDManager m, float scale) {
        NDArray x = m.create(SheppLoganPhantom.render(N), new Shape(1, 1, N, N)).mul(scale);
        return op.apply(x.concat(x.zerosLike(), 1));
    }

    @Test
    void tvBecomesScaleEquivariantPerSample() {
        DeepLearningRuntime.run(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                CartesianMriOperator op = operator(m, 3);
                NDArray y = phantomKspace(op, m, 1);
                // Two samples: the data and the data in units 1000 times larger.
                NDArray both = y.concat(y.mul(1000), 0);
                float[] before = both.toFloatArray();
                Solver tv = MriSolverFactory.create(MriSolverFactory.TV, 0.01, 30);
                NDArray result = new PeakNormalisedSolver(tv).reconstruct(both, op, ProgressMonitor.NONE);
                assertArrayEquals(before, both.toFloatArray(), "input modified");
                float[] small = result.get(0).toFloatArray();
                float[] large = result.get(1).toFloatArray();
                double worst = 0;
                double peak = 0;
                for (int i = 0; i < small.length; i++) {
                    worst = Math.max(worst, Math.abs(large[i] / 1000 - small[i]));
                    peak = Math.max(peak, Math.abs(small[i]));
                }
                assertTrue(worst < 1e-4 * peak, "not equivariant: max difference " + worst + " of peak " + peak);
                // Without the normalisation the same lambda means something else at another scale.
                float[] plainLarge = tv.reconstruct(y.mul(1000), op, ProgressMonitor.NONE).toFloatArray();
                double plainWorst = 0;
                for (int i = 0; i < small.length; i++) {
                    plainWorst = Math.max(plainWorst, Math.abs(plainLarge[i] / 1000 - small[i]));
                }
                assertTrue(plainWorst > 100 * worst, "plain TV " + plainWorst + " vs normalised " + worst);
            }
        });
    }

    @Test
    void equalsDivideSolveMultiplyByTheZeroFilledPeak() {
        DeepLearningRuntime.run(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                CartesianMriOperator op = operator(m, 5);
                NDArray y = phantomKspace(op, m, 37);
                NDArray zeroFilled = op.adjoint(y);
                float peak = zeroFilled.square().sum(new int[] {1}).sqrt().max().getFloat();
                assertTrue(peak > 10, "peak " + peak);
                Solver wavelet = MriSolverFactory.create(MriSolverFactory.WAVELET, 0.001, 20);
                float[] expected = wavelet.reconstruct(y.div(peak), op, ProgressMonitor.NONE).mul(peak)
                    .toFloatArray();
                float[] got = new PeakNormalisedSolver(wavelet).reconstruct(y, op, ProgressMonitor.NONE)
                    .toFloatArray();
                assertArrayEquals(expected, got, 1e-5f * peak);
                assertEquals(wavelet.name(), new PeakNormalisedSolver(wavelet).name());
            }
        });
    }

    @Test
    void zeroDataGivesZeroNotNaN() {
        DeepLearningRuntime.run(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                CartesianMriOperator op = operator(m, 1);
                NDArray y = m.zeros(new Shape(1).addAll(op.rangeShape()));
                NDArray x = new PeakNormalisedSolver(MriSolverFactory.create(MriSolverFactory.TV, 0.01, 5))
                    .reconstruct(y, op, ProgressMonitor.NONE);
                for (float v : x.toFloatArray()) {
                    assertEquals(0f, v, 0f);
                }
            }
        });
    }
}

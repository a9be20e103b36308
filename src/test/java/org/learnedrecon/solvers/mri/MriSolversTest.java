package org.learnedrecon.solvers.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.EquispacedLineSampling;
import org.learnedrecon.physics.mri.MriFixtures;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;

/** Zero-filled and CG-SENSE on BART's 8-coil phantom (64 x 64) with BART's analytic coil maps. */
class MriSolversTest {

    @Test
    void zeroFilledRssOfFullySampledCoilsMatchesRssOfCoilImages() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray k = MriFixtures.load(m, "coil8_kspace").expandDims(0); // (1, 8, 2, 64, 64)
            NDArray maps = MriFixtures.load(m, "coil8_truemaps");
            NDArray truth = MriFixtures.load(m, "coil8_truth").expandDims(0);
            CartesianMriOperator op = new CartesianMriOperator(m, SamplingMask.full(64, 64), maps);
            NDArray rss = new ZeroFilledSolver(ZeroFilledSolver.Combination.ROOT_SUM_OF_SQUARES)
                .reconstruct(k, op, ProgressMonitor.NONE);
            // RSS of S_c x is |x| sqrt(sum_c |S_c|^2)
            NDArray mapRss = maps.square().sum(new int[] {0, 1}).sqrt();
            NDArray expected = truth.get("0, 0").abs().mul(mapRss);
            float err = rss.get("0, 0").sub(expected).abs().max().getFloat();
            assertTrue(err < 1e-3f * expected.max().getFloat(), "RSS error " + err);
            assertEquals(0f, rss.get("0, 1").abs().max().getFloat(), 0f);
            // the data are A x: k-space equals the operator applied to the truth
            assertTrue(op.apply(truth).sub(k).abs().max().getFloat() < 1e-3f * k.abs().max().getFloat());
        }
    }

    @Test
    void cgSenseRecoversTwoFoldUndersampledPhantom() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray maps = MriFixtures.normalisedMaps(m);
            NDArray truth = MriFixtures.load(m, "coil8_truth").expandDims(0);
            SamplingMask mask = new EquispacedLineSampling(2, 0.1).generate(64, 64, 0);
            CartesianMriOperator op = new CartesianMriOperator(m, mask, maps);
            NDArray y = op.apply(truth);
            float[] before = y.toFloatArray();
            RecordingMonitor counting = new RecordingMonitor();
            NDArray cg = new CgSenseSolver(30, 0).reconstruct(y, op, counting);
            NDArray zf = new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT).reconstruct(y, op,
                ProgressMonitor.NONE);
            double psnrCg = MriFixtures.magnitudePsnr(cg, truth);
            double psnrZf = MriFixtures.magnitudePsnr(zf, truth);
            System.out.printf("CG-SENSE R=%.2f: PSNR %.2f dB (zero-filled %.2f dB)%n", mask.achievedAcceleration(),
                psnrCg, psnrZf);
            assertTrue(psnrCg > 40, "CG-SENSE PSNR " + psnrCg);
            assertTrue(psnrCg > psnrZf + 10, "CG " + psnrCg + " vs zero-filled " + psnrZf);
            assertTrue(counting.done.size() >= 1 && counting.done.size() <= 30);
            assertArrayEquals(before, y.toFloatArray());
        }
    }

    @Test
    void solversLeaveOnlyTheirResultInTheMeasurementManager() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray maps = MriFixtures.normalisedMaps(m);
            NDArray truth = MriFixtures.load(m, "coil8_truth").expandDims(0);
            CartesianMriOperator op = new CartesianMriOperator(m,
                new EquispacedLineSampling(2, 0.1).generate(64, 64, 0), maps);
            try (NDManager data = m.newSubManager()) {
                NDArray y = op.apply(truth);
                y.attach(data);
                int before = data.getManagedArrays().size();
                org.learnedrecon.solvers.Solver[] solvers = {new CgSenseSolver(5, 0.01), new L1WaveletSolver(5, 0.01),
                    new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT),
                    new ZeroFilledSolver(ZeroFilledSolver.Combination.ROOT_SUM_OF_SQUARES)};
                for (org.learnedrecon.solvers.Solver solver : solvers) {
                    NDArray x = solver.reconstruct(y, op, ProgressMonitor.NONE);
                    assertEquals(before + 1, data.getManagedArrays().size(), solver.name());
                    assertEquals(new ai.djl.ndarray.types.Shape(1, 2, 64, 64), x.getShape());
                    x.close();
                }
            }
        }
    }

    @Test
    void cancellationStopsCgSense() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray maps = MriFixtures.load(m, "coil8_truemaps");
            NDArray truth = MriFixtures.load(m, "coil8_truth").expandDims(0);
            CartesianMriOperator op = new CartesianMriOperator(m, SamplingMask.full(64, 64), maps);
            NDArray y = op.apply(truth);
            ProgressMonitor cancelled = RecordingMonitor.cancelled();
            assertThrows(CancellationException.class, () -> new CgSenseSolver(10, 0).reconstruct(y, op, cancelled));
            assertThrows(CancellationException.class,
                () -> new L1WaveletSolver(10, 0.01).reconstruct(y, op, cancelled));
        }
    }
}

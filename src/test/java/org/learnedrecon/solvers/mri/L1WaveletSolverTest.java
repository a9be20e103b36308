package org.learnedrecon.solvers.mri;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.MriFixtures;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Agreement with BART v0.8 {@code pics -l1 -r lambda -n -w 1 -i 100 -p mask} (lambda 0.005 and 0.05) on a
 * 128 x 128 Shepp-Logan with 4-fold random lines and 1 % complex noise (fixtures made by
 * test-data/scripts/make_mri_fixtures.py): PSNR against the truth within 0.5 dB of BART's.
 */
class L1WaveletSolverTest {

    @Test
    void psnrWithinHalfDecibelOfBartPics() throws Exception {
        compare("sl128_pics_l1", 0.005);
    }

    /** Ten times the weight: the regulariser now costs PSNR, so a lambda convention mismatch would show. */
    @Test
    void psnrWithinHalfDecibelOfBartPicsWithStrongRegularisation() throws Exception {
        compare("sl128_pics_l1_strong", 0.05);
    }

    private static void compare(String bartFixture, double lambda) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = MriFixtures.load(m, "sl128_kspace").expandDims(0);
            NDArray truth = MriFixtures.load(m, "sl128_truth").expandDims(0);
            NDArray bart = MriFixtures.load(m, bartFixture).expandDims(0);
            SamplingMask mask = MriFixtures.mask(m, "sl128_mask");
            CartesianMriOperator op = new CartesianMriOperator(m, mask);
            NDArray ours = new L1WaveletSolver(100, lambda).reconstruct(y, op, ProgressMonitor.NONE);
            NDArray zf = op.adjoint(y);
            double psnrOurs = MriFixtures.magnitudePsnr(ours, truth);
            double psnrBart = MriFixtures.magnitudePsnr(bart, truth);
            double psnrZf = MriFixtures.magnitudePsnr(zf, truth);
            double psnrOursVsBart = MriFixtures.magnitudePsnr(ours, bart);
            System.out.printf("L1-wavelet lambda " + lambda
                + ": ours %.4f dB, BART %.4f dB, zero-filled %.4f dB, ours vs BART %.4f dB%n",
                psnrOurs, psnrBart, psnrZf, psnrOursVsBart);
            assertTrue(Math.abs(psnrOurs - psnrBart) < 0.5, "ours " + psnrOurs + " BART " + psnrBart);
            assertTrue(psnrOurs > psnrZf + 1.5, "ours " + psnrOurs + " zero-filled " + psnrZf);
            assertTrue(psnrOursVsBart > 25, "ours vs BART " + psnrOursVsBart);
        }
    }
}

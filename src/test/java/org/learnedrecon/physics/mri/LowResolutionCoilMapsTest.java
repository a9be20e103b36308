package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.mri.CgSenseSolver;

/**
 * Our maps against BART v0.8 {@code ecalib -m 1 -r 20} on {@code bart phantom -x 64 -s 8} k-space (fixture from
 * make_mri_fixtures.py).
 */
class LowResolutionCoilMapsTest {

    @Test
    void agreesWithEspiritInsideTheObject() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray k = MriFixtures.load(m, "coil8_kspace");
            NDArray espirit = MriFixtures.load(m, "coil8_ecalib");
            assertEquals(new Shape(8, 2, 64, 64), espirit.getShape());
            NDArray truth = MriFixtures.load(m, "coil8_truth");
            NDArray ours = LowResolutionCoilMaps.estimate(k, 20, 20);
            assertEquals(new Shape(8, 2, 64, 64), ours.getShape());

            // per-pixel |<s_ours, s_espirit>| / (|s_ours| |s_espirit|): 1 when equal up to a common phase
            NDArray inner = ComplexArithmetic.multiplyConjugate(ours, espirit).sum(new int[] {0});
            NDArray innerMag = ComplexArithmetic.magnitude(inner);
            NDArray normOurs = ours.square().sum(new int[] {0, 1}).sqrt();
            NDArray normEsp = espirit.square().sum(new int[] {0, 1}).sqrt();
            NDArray correlation = innerMag.div(normOurs.mul(normEsp).add(1e-12f));
            NDArray support = ComplexArithmetic.magnitude(truth).gt(0.05f).toType(ai.djl.ndarray.types.DataType.FLOAT32,
                false);
            double meanCorrelation = correlation.mul(support).sum().getFloat() / support.sum().getFloat();

            // CG-SENSE on 2-fold equispaced data with each set of maps, scored against the RSS of the coil images
            SamplingMask mask = new EquispacedLineSampling(2, 0.1).generate(64, 64, 0);
            NDArray reference = ComplexArithmetic.magnitude(CenteredFft.inverse(k)).square().sum(new int[] {0})
                .sqrt();
            NDArray y = k.mul(mask.toNDArray(m)).expandDims(0);
            double psnrOurs = sensePsnr(m, mask, ours, y, reference, support);
            double psnrEsp = sensePsnr(m, mask, espirit, y, reference, support);
            System.out.printf("coil maps: mean correlation with ESPIRiT %.4f; CG-SENSE R=2 PSNR ours %.2f dB, "
                + "ESPIRiT %.2f dB%n", meanCorrelation, psnrOurs, psnrEsp);
            assertTrue(meanCorrelation > 0.99, "correlation " + meanCorrelation);
            assertTrue(psnrOurs > psnrEsp - 1.0, "ours " + psnrOurs + " ESPIRiT " + psnrEsp);
            assertTrue(psnrOurs > 30, "ours " + psnrOurs);
        }
    }

    private static double sensePsnr(NDManager m, SamplingMask mask, NDArray maps, NDArray y, NDArray reference,
            NDArray support) {
        CartesianMriOperator op = new CartesianMriOperator(m, mask, maps);
        NDArray x = new CgSenseSolver(30, 0).reconstruct(y, op, ProgressMonitor.NONE);
        NDArray mag = ComplexArithmetic.magnitude(x.get(0)).mul(support);
        NDArray ref = reference.mul(support);
        double max = ref.max().getFloat();
        double mse = mag.sub(ref).square().mean().getFloat();
        return 10 * Math.log10(max * max / mse);
    }

    @Test
    void rejectsBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LowResolutionCoilMaps.estimate(m.zeros(new Shape(2, 16, 16)), 8, 8)).getMessage()
                .contains("(C, 2, H, W)"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LowResolutionCoilMaps.estimate(m.zeros(new Shape(4, 2, 16, 16)), 20, 8)).getMessage()
                .contains("fit"));
        }
    }
}

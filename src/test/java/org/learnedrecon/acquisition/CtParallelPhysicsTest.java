package org.learnedrecon.acquisition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;

class CtParallelPhysicsTest {

    /**
     * test-data/ct/sinogram-60views.tif stores its range as 180.00000000000003 degrees (computed from the angles):
     * the scan it describes is still the uniform 60-view scan a ct60 model was trained for.
     */
    @Test
    void geometryReadBackWithRoundingStillMatchesTheUniformScan() {
        Map<String, String> properties = ParallelBeamGeometry.uniform(128, 60, 180).toProperties();
        properties.put("ct.angles.range.deg", "180.00000000000003");
        CtGeometry readBack = CtGeometry.fromProperties(properties);
        Map<String, String> settings = CtParallelPhysics.settingsOf(readBack);
        assertEquals(CtParallelPhysics.NAME, settings.get("physics"));
        assertEquals("60", settings.get("views"));
        assertEquals("180", settings.get("range"));
    }

    @Test
    void aShiftedRotationAxisIsAnotherScan() {
        CtGeometry shifted = ParallelBeamGeometry.uniform(128, 60, 180).withCenterOfRotationOffset(0.5);
        assertEquals(CtParallelPhysics.NAME + " with non-uniform angles, detector spacing or rotation axis offset",
            CtParallelPhysics.settingsOf(shifted).get("physics"));
    }

    @Test
    void initialReconstructionIsFbpSirtOrTvAndDoesNotConstrainTheData() {
        CtParallelPhysics physics = new CtParallelPhysics();
        assertEquals("FBP (hann)", physics.initialReconstruction(Map.of()).name().replace("Hann", "hann"));
        Map<String, String> sirt = physics.completeSettings(Map.of("views", "90", "range", "120", "initial",
            "sirt50"));
        assertEquals("sirt50", sirt.get("initial"));
        assertEquals(physics.initialReconstruction(Map.of("initial", "SIRT50")).name(),
            physics.initialReconstruction(sirt).name());
        org.junit.jupiter.api.Assertions.assertTrue(physics.initialReconstruction(sirt).name().startsWith("SIRT"),
            physics.initialReconstruction(sirt).name());
        org.junit.jupiter.api.Assertions.assertFalse(physics.constrainsModel("initial"));
        org.junit.jupiter.api.Assertions.assertTrue(physics.constrainsModel("views"));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "art")));
        assertEquals("initial=art: choose fbp, sirtN (e.g. sirt50), tv<lambda> (e.g. tv0.5) or tvfit<level> (e.g. "
            + "tvfit0.01)", bad.getMessage());
        org.learnedrecon.solvers.Solver fit = physics.initialReconstruction(Map.of("initial", "tvfit0.01"));
        assertEquals(org.learnedrecon.solvers.SolverFactory.TV_FITTING_NOISE, fit.name());
        bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tvfitx")));
        assertEquals("initial=tvfitx: a TV start fitting the noise is tvfit<level> with level the relative noise, "
            + "e.g. tvfit0.01", bad.getMessage());
        bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tvfit2")));
        assertTrue(bad.getMessage().startsWith("noise=2"), bad.getMessage());
        org.learnedrecon.solvers.Solver tv = physics.initialReconstruction(Map.of("initial", "tv0.5"));
        assertEquals(0.5, ((org.learnedrecon.solvers.classical.TotalVariation) tv).lambda());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tv")));
        org.junit.jupiter.api.Assertions.assertTrue(physics.createMatrixFree(null, sirt)
            instanceof org.learnedrecon.physics.ct.RayTransform);
    }
}

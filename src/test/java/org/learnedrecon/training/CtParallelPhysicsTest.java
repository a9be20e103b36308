package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}

package org.learnedrecon.physics.ct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtGeometryKeysTest {

    @Test
    void parallelKeysGiveUniformAnglesAndDefaultDetector() {
        ParallelBeamGeometry g = CtGeometryKeys.parallel(128, 30, 180, 0);
        assertEquals(182, g.detectorCount());
        assertEquals(Math.toRadians(6), g.angles()[1], 1e-15);
        assertEquals(100, CtGeometryKeys.parallel(128, 30, 120, 100).detectorCount());
        assertEquals(Math.toRadians(4), CtGeometryKeys.parallel(128, 30, 120, 0).angles()[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> CtGeometryKeys.parallel(128, 0, 180, 0));
        assertThrows(IllegalArgumentException.class, () -> CtGeometryKeys.parallel(128, 10, 0, 0));
    }

    @Test
    void fanKeysKeepTheFullScanDetector() {
        FanBeamGeometry full = FanBeamGeometry.uniform360(64, 90, 200, 100, FanBeamGeometry.DetectorShape.FLAT);
        FanBeamGeometry g = CtGeometryKeys.fan(64, 90, 360, 0, 200, 100, "Flat");
        assertEquals(full, g);
        FanBeamGeometry shortScan = CtGeometryKeys.fan(64, 90, 240, 0, 200, 100, "Equiangular");
        assertEquals(Math.toRadians(240.0 / 90), shortScan.angles()[1], 1e-15);
        assertEquals(FanBeamGeometry.DetectorShape.EQUIANGULAR, shortScan.detectorShape());
    }

    @Test
    void sinogramGeometryRoundTripsAndTakesOverrides() {
        ParallelBeamGeometry g = CtGeometryKeys.parallel(64, 30, 180, 0);
        Map<String, String> meta = new HashMap<>(g.toProperties());
        meta.put("title", "not a ct key");
        assertEquals(g, CtGeometryKeys.ofSinogram("s", meta, 30, 91, 0, 0, 0));
        CtGeometry limited = CtGeometryKeys.ofSinogram("s", meta, 30, 91, 0, 120, 0);
        assertEquals(Math.toRadians(4), limited.angles()[1], 1e-15);
        CtGeometry moreAngles = CtGeometryKeys.ofSinogram("s", meta, 45, 91, 45, 0, 0);
        assertEquals(45, moreAngles.angleCount());
        assertEquals(Math.toRadians(4), moreAngles.angles()[1], 1e-12);
    }

    @Test
    void withoutMetadataAnglesAreNeededAndTheSizeIsInferred() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CtGeometryKeys.ofSinogram("plain", Map.of(), 30, 182, 0, 0, 0));
        assertTrue(e.getMessage().contains("'plain' has no CT geometry") && e.getMessage().contains("angles=")
            && e.getMessage().contains("range=") && e.getMessage().contains("re-simulate"), e.getMessage());
        CtGeometry g = CtGeometryKeys.ofSinogram("plain", Map.of(), 30, 182, 30, 0, 0);
        assertEquals(128, g.imageSize()); // floor(182 / sqrt 2)
        assertEquals(CtGeometryKeys.parallel(128, 30, 180, 0), g);
        assertEquals(100, CtGeometryKeys.ofSinogram("plain", Map.of(), 30, 182, 30, 90, 100).imageSize());
    }

    @Test
    void rowsNotMatchingTheAngleCountAreNamed() {
        Map<String, String> meta = CtGeometryKeys.parallel(64, 30, 180, 0).toProperties();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CtGeometryKeys.ofSinogram("sino", meta, 29, 91, 0, 0, 0));
        assertTrue(e.getMessage().contains("29 angles high") && e.getMessage().contains("30 angles"),
            e.getMessage());
    }
}

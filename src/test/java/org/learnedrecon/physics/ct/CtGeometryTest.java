package org.learnedrecon.physics.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtGeometryTest {

    @Test
    void uniformParallelMatchesSkimageDefaults() {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(128, 60, 180);
        assertEquals(182, g.detectorCount()); // ceil(128 sqrt 2)
        assertEquals(91, ParallelBeamGeometry.uniform(64, 1, 180).detectorCount());
        assertEquals(Math.toRadians(3), g.angles()[1], 1e-15);
        assertEquals(60, g.sinogramShape().get(0));
        assertEquals(182, g.sinogramShape().get(1));
        // the ray of the central detector at angle 0 is the image's vertical centre line x = 0, going down (+y)
        double[] ray = new double[4];
        g.ray(0, 91, ray);
        assertArrayEquals(new double[] {0, 0, 0, 1}, ray, 1e-15);
        // detector 92 at 90 degrees: t = 1 = x cos - y sin = -y, i.e. the row above the centre, travelling +x
        ParallelBeamGeometry.withAngles(128, new double[] {Math.PI / 2}).ray(0, 92, ray);
        assertArrayEquals(new double[] {0, -1, 1, 0}, ray, 1e-12);
    }

    @Test
    void parallelRoundTripsThroughProperties() {
        ParallelBeamGeometry uniform = new ParallelBeamGeometry(100, CircularScanGeometry.uniformAngles(45, 10, 120),
            150, 0.75, -2.5);
        Map<String, String> p = uniform.toProperties();
        assertEquals("parallel", p.get("ct.geometry"));
        assertEquals("45", p.get("ct.angles.count"));
        assertEquals(120, Double.parseDouble(p.get("ct.angles.range.deg")), 1e-9);
        assertEquals(10, Double.parseDouble(p.get("ct.angles.start.deg")), 1e-9);
        assertEquals("150", p.get("ct.detectors"));
        assertEquals("-2.5", p.get("ct.cor.offset"));
        assertSameGeometry(uniform, CtGeometry.fromProperties(p));

        ParallelBeamGeometry irregular = ParallelBeamGeometry.withAngles(64, new double[] {0, 0.1, 0.5, 2.0});
        Map<String, String> q = irregular.toProperties();
        assertTrue(q.containsKey("ct.angles.deg"), q.toString());
        assertSameGeometry(irregular, CtGeometry.fromProperties(q));
    }

    @Test
    void fanRoundTripsThroughProperties() {
        for (FanBeamGeometry.DetectorShape shape : FanBeamGeometry.DetectorShape.values()) {
            FanBeamGeometry g = FanBeamGeometry.uniform360(64, 90, 120, 80, shape);
            Map<String, String> p = g.toProperties();
            assertEquals("fan", p.get("ct.geometry"));
            assertEquals(shape.name().toLowerCase(), p.get("ct.fan.detector.shape"));
            assertEquals("120.0", p.get("ct.fan.source.distance"));
            CtGeometry back = CtGeometry.fromProperties(p);
            assertSameGeometry(g, back);
            FanBeamGeometry fan = (FanBeamGeometry) back;
            assertEquals(80, fan.detectorDistance());
            assertEquals(shape, fan.detectorShape());
        }
    }

    private static void assertSameGeometry(CtGeometry expected, CtGeometry actual) {
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.imageSize(), actual.imageSize());
        assertArrayEquals(expected.angles(), actual.angles(), 1e-12);
        assertEquals(expected.detectorCount(), actual.detectorCount());
        assertEquals(expected.detectorSpacing(), actual.detectorSpacing());
        assertEquals(expected.centerOfRotationOffset(), actual.centerOfRotationOffset());
    }

    @Test
    void badPropertiesAndParametersAreNamed() {
        Map<String, String> p = new HashMap<>(ParallelBeamGeometry.uniform(32, 10, 180).toProperties());
        p.put("ct.geometry", "cone");
        assertEquals("Unknown ct.geometry='cone': expected 'parallel' or 'fan'",
            assertThrows(IllegalArgumentException.class, () -> CtGeometry.fromProperties(p)).getMessage());
        p.put("ct.geometry", "parallel");
        p.remove("ct.image.size");
        assertEquals("CT geometry property 'ct.image.size' is missing",
            assertThrows(IllegalArgumentException.class, () -> CtGeometry.fromProperties(p)).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FanBeamGeometry.uniform360(64, 90, 30, 10, FanBeamGeometry.DetectorShape.FLAT));
        assertTrue(e.getMessage().contains("must exceed the radius"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ParallelBeamGeometry(32, new double[0], 10, 1, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new ParallelBeamGeometry(32, new double[] {Double.NaN}, 10, 1, 0));
    }

    @Test
    void fanRaysStartAtTheSourceAndHitTheirDetectorElement() {
        FanBeamGeometry flat = new FanBeamGeometry(32, new double[] {0.7}, 41, 1.5, 0, 60, 40,
            FanBeamGeometry.DetectorShape.FLAT);
        double[] ray = new double[4];
        flat.ray(0, 30, ray);
        double s = Math.sin(0.7);
        double c = Math.cos(0.7);
        assertArrayEquals(new double[] {-60 * s, -60 * c}, new double[] {ray[0], ray[1]}, 1e-12);
        // the ray reaches the detector line u = 40 at t = (30 - 20) * 1.5
        double lambda = 100 / (ray[2] * s + ray[3] * c);
        double x = ray[0] + lambda * ray[2];
        double y = ray[1] + lambda * ray[3];
        assertEquals(40, x * s + y * c, 1e-9);
        assertEquals(15, x * c - y * s, 1e-9);
        assertEquals(1, Math.hypot(ray[2], ray[3]), 1e-12);
    }
}

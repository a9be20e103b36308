package org.learnedrecon.phantoms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;

class RandomEllipsesPhantomTest {

    @Test
    void sameSeedSamePhantomsOtherSeedOthers() {
        float[] a = new RandomEllipsesPhantom(123).next(64);
        float[] b = new RandomEllipsesPhantom(123).next(64);
        float[] c = new RandomEllipsesPhantom(124).next(64);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        PlanarImg<FloatType, FloatArray> s1 = new RandomEllipsesPhantom(5).nextStack(32, 4, ProgressMonitor.NONE);
        PlanarImg<FloatType, FloatArray> s2 = new RandomEllipsesPhantom(5).nextStack(32, 4, ProgressMonitor.NONE);
        for (int s = 0; s < 4; s++) {
            assertArrayEquals(s1.getPlane(s).getCurrentStorageArray(), s2.getPlane(s).getCurrentStorageArray());
        }
        assertFalse(Arrays.equals(s1.getPlane(0).getCurrentStorageArray(), s1.getPlane(1).getCurrentStorageArray()));
    }

    /** The clipped phantom is the same phantom with its values outside [0, 1] set to the bound, the rest kept. */
    @Test
    void clippedIsTheSamePhantomClippedToTheUnitRange() {
        float[] raw = new RandomEllipsesPhantom(7).next(64);
        float[] clipped = new RandomEllipsesPhantom(7).nextClipped(64);
        int below = 0;
        int above = 0;
        for (int i = 0; i < raw.length; i++) {
            below += raw[i] < 0 ? 1 : 0;
            above += raw[i] > 1 ? 1 : 0;
            assertEquals(raw[i] < 0 ? 0f : raw[i] > 1 ? 1f : raw[i], clipped[i], "pixel " + i);
        }
        assertTrue(below > 0 || above > 0, "seed 7 should leave [0, 1] somewhere");
    }

    @Test
    void distributionsFollowAdlerOktem() {
        RandomEllipsesPhantom generator = new RandomEllipsesPhantom(2024);
        int draws = 400;
        double count = 0;
        double sumAxis = 0;
        int axes = 0;
        double sumAbsIntensity = 0;
        double maxCentre = 0;
        for (int d = 0; d < draws; d++) {
            List<Ellipse> ellipses = generator.nextEllipses();
            count += ellipses.size();
            for (Ellipse e : ellipses) {
                sumAxis += e.a() + e.b();
                axes += 2;
                sumAbsIntensity += Math.abs(e.intensity());
                maxCentre = Math.max(maxCentre, Math.max(Math.abs(e.x0()), Math.abs(e.y0())));
                assertTrue(e.angle() >= 0 && e.angle() < 2 * Math.PI);
            }
        }
        // Poisson(50): mean of 400 draws has standard deviation sqrt(50/400) = 0.35.
        assertEquals(50, count / draws, 1.5);
        // Half-axes 0.2 Exp(1): mean 0.2. |(U - 0.5) Exp(0.4)| has mean 0.25 * 0.4 = 0.1.
        assertEquals(0.2, sumAxis / axes, 0.01);
        assertEquals(0.1, sumAbsIntensity / (count), 0.006);
        assertTrue(maxCentre <= 1.0 && maxCentre > 0.95, "centres uniform in [-1, 1]: max |centre| " + maxCentre);
    }

    @Test
    void interiorCentresStayInTheMiddle() {
        RandomEllipsesPhantom generator = new RandomEllipsesPhantom(9, 50, true);
        for (int d = 0; d < 20; d++) {
            for (Ellipse e : generator.nextEllipses()) {
                assertTrue(Math.abs(e.x0()) <= 0.5 && Math.abs(e.y0()) <= 0.5);
            }
        }
    }

    @Test
    void renderedValuesAreSumsOfIntensities() {
        Ellipse wide = new Ellipse(0.7, 0.5, 0.1, 0, 0, 0);
        Ellipse tall = new Ellipse(-0.25, 0.5, 0.1, 0, 0, Math.PI / 2);
        // n = 101: step 0.02, centre pixel (50, 50) at (0, 0); (row 50, col 70) at (0.4, 0); (row 30, col 50) at (0, 0.4).
        float[] p = EllipsePhantom.render(List.of(wide, tall), 101);
        assertEquals(0.45f, p[50 * 101 + 50], 1e-6f);
        assertEquals(0.7f, p[50 * 101 + 70], 1e-6f);
        assertEquals(-0.25f, p[30 * 101 + 50], 1e-6f);
        assertEquals(0f, p[30 * 101 + 70], 0f);
    }

    @Test
    void cancellationStopsTheStack() {
        ProgressMonitor cancelled = RecordingMonitor.cancelled();
        assertThrows(CancellationException.class, () -> new RandomEllipsesPhantom(1).nextStack(16, 3, cancelled));
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RandomEllipsesPhantom(1, 0, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Ellipse(1, 0, 1, 0, 0, 0)).getMessage()
            .contains("half-axes"));
    }
}

package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The symmetric, tiled kernel against the defining sum: pixel {@code (col, row)} receives
 * {@code sum_a w_a Q_a(p)} with {@code p = ((col - N/2) cos - (row - N/2) sin) / spacing + D/2 + offset} and
 * {@code Q_a} the row linearly interpolated with zeros beyond both ends, evaluated here in double precision.
 */
class ParallelBeamBackProjectorTest {

    private static float[] backProject(ParallelBeamGeometry g, float[][] rows, float[] weights) {
        MirroredRowTable table = new MirroredRowTable(g);
        for (int a = 0; a < rows.length; a++) {
            table.setRow(a, rows[a], weights[a]);
        }
        return new ParallelBeamBackProjector(table, g).backProject(ProgressMonitor.NONE, 0, g.imageSize());
    }

    private static double reference(ParallelBeamGeometry g, float[][] rows, float[] weights, int row, int col) {
        int n = g.imageSize();
        int d = g.detectorCount();
        double sum = 0;
        for (int a = 0; a < rows.length; a++) {
            double angle = g.angles()[a];
            double p = ((col - n / 2) * Math.cos(angle) - (row - n / 2) * Math.sin(angle)) / g.detectorSpacing()
                + d / 2 + g.centerOfRotationOffset();
            int i = (int) Math.floor(p);
            double f = p - i;
            double left = i >= 0 && i < d ? rows[a][i] : 0;
            double right = i + 1 >= 0 && i + 1 < d ? rows[a][i + 1] : 0;
            sum += weights[a] * (left + f * (right - left));
        }
        return sum;
    }

    private static void assertMatchesDefinition(ParallelBeamGeometry g, long seed) {
        Random random = new Random(seed);
        float[][] rows = new float[g.angleCount()][g.detectorCount()];
        float[] weights = new float[g.angleCount()];
        for (int a = 0; a < rows.length; a++) {
            weights[a] = 0.5f + random.nextFloat();
            for (int i = 0; i < rows[a].length; i++) {
                rows[a][i] = 2 * random.nextFloat() - 1;
            }
        }
        float[] image = backProject(g, rows, weights);
        int n = g.imageSize();
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                assertEquals(reference(g, rows, weights, row, col), image[row * n + col], 2e-5,
                    "pixel (" + col + ", " + row + ") of " + g);
            }
        }
    }

    @Test
    void uniformScansWithAnglePairsMatchTheDefinitionForEvenAndOddSizes() {
        for (int n : new int[] {16, 15, 2, 1}) {
            // 12 angles over 180 degrees: five pairs (theta, 180 - theta) and the unpaired 0 and 90 degrees
            assertMatchesDefinition(ParallelBeamGeometry.uniform(n, 12, 180), n);
            // 7 angles: 0 unpaired, three pairs, no 90 degrees
            assertMatchesDefinition(ParallelBeamGeometry.uniform(n, 7, 180), 100 + n);
        }
    }

    @Test
    void irregularAnglesShiftedAxesAndFineDetectorsMatchTheDefinition() {
        double[] angles = {0.1, 0.7, 1.3, 2.9, 4.0, Math.PI - 0.7};
        // half-detector offset: mirrored rows exist; 0.3: they do not and the plain kernel runs everywhere
        for (double offset : new double[] {0, 0.5, -3.5, 0.3}) {
            assertMatchesDefinition(new ParallelBeamGeometry(17, angles, 29, 0.75, offset), 7);
            assertMatchesDefinition(new ParallelBeamGeometry(20, angles, 31, 1.0, offset), 8);
        }
    }

    @Test
    void pairsEachAngleWithItsSupplementOnly() {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(16, 12, 180);
        MirroredRowTable rows = new MirroredRowTable(g);
        ParallelBeamBackProjector table = new ParallelBeamBackProjector(rows, g);
        assertEquals(10, table.pairs.length);
        assertEquals(2, table.singles.length);
        for (int k = 0; k < table.pairs.length; k += 2) {
            assertEquals(12, table.pairs[k] + table.pairs[k + 1], "pair " + table.pairs[k]);
        }
        assertTrue(rows.mirrored);
        assertFalse(new MirroredRowTable(new ParallelBeamGeometry(16, new double[] {0, 1}, 23, 1, 0.3)).mirrored);
    }
}

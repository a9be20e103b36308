package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;

/** FISTA with soft thresholding solves a LASSO whose minimiser is known by construction (KKT conditions). */
class ProximalGradientTest {

    @Test
    void softThresholdValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-3, -0.5f, 0, 0.2f, 2});
            // threshold step * lambda = 0.5 * 2 = 1
            assertArrayEquals(new float[] {-2, 0, 0, 0, 1}, new SoftThreshold(2).prox(x, 0.5).toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {-3, -0.5f, 0, 0.2f, 2}, x.toFloatArray(), 0f, "input unchanged");
        }
    }

    /**
     * One iteration from 0 with no regulariser is {@code x_1 = s A^T y}: with {@code A = diag(2, 1)},
     * {@code ||A||^2 = 4} and {@code stepFraction(0.95)} (BART's) the step is 0.95 / 4. The configured name is
     * the solver's name and leads its progress messages.
     */
    @Test
    void stepFractionScalesTheAutomaticStepAndNameLabelsProgress() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator op = DenseMatrixOperator.of(manager, new float[] {2, 0, 0, 1}, new Shape(2),
                new Shape(2));
            RecordingMonitor recording = new RecordingMonitor();
            ProximalGradient fista = ProximalGradient.builder().name("Configured").proximal(Proximal.NONE)
                .stepFraction(0.95).iterations(1).build();
            float[] x = fista.reconstruct(manager.create(new float[] {3, 5}, new Shape(1, 2)), op, recording)
                .toFloatArray();
            assertArrayEquals(new float[] {0.95f / 4 * 6, 0.95f / 4 * 5}, x, 1e-6f);
            assertEquals("Configured", fista.name());
            assertEquals(List.of("Configured: iteration 1 of 1"), recording.messages);
            // the default keeps a 5 % margin: s = 1 / (1.05 * 4)
            float[] byDefault = ProximalGradient.builder().proximal(Proximal.NONE).iterations(1).build()
                .reconstruct(manager.create(new float[] {3, 5}, new Shape(1, 2)), op, ProgressMonitor.NONE)
                .toFloatArray();
            assertArrayEquals(new float[] {(float) (6 / 4.2), (float) (5 / 4.2)}, byDefault, 1e-6f);
            for (double bad : new double[] {0, 1.5, Double.NaN}) {
                String message = assertThrows(IllegalArgumentException.class, () -> ProximalGradient.builder()
                    .proximal(Proximal.NONE).stepFraction(bad).build()).getMessage();
                assertTrue(message.contains("stepFraction") && message.contains(String.valueOf(bad)), message);
            }
        }
    }

    /**
     * A (50 x 30, Gaussian, full column rank, so the LASSO is strictly convex) and a sparse x*; y = A x* + r with
     * {@code A^T r = v}, {@code v = lambda sign(x*)} on the support and {@code |v| <= lambda / 2} off it. Then
     * {@code A^T (y - A x*) = v} is a subgradient of {@code lambda ||x||_1} at x*, so x* is the unique minimiser of
     * {@code 1/2 ||A x - y||^2 + lambda ||x||_1}.
     */
    @Test
    void solvesLassoWithKnownMinimiser() {
        int m = 50;
        int n = 30;
        double lambda = 0.3;
        Random random = new Random(17);
        double[][] a = new double[m][n];
        float[] aValues = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = (float) (random.nextGaussian() / Math.sqrt(m));
                aValues[i * n + j] = (float) a[i][j];
            }
        }
        double[] xStar = new double[n];
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            if (j % 5 == 1) {
                xStar[j] = (j % 2 == 0 ? 1 : -1) * (0.5 + random.nextDouble());
                v[j] = lambda * Math.signum(xStar[j]);
            } else {
                v[j] = lambda * (random.nextDouble() - 0.5);
            }
        }
        double[] w = solve(gram(a), v);
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[i][j] * (xStar[j] + w[j]);
            }
            y[i] = (float) s;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator op = DenseMatrixOperator.of(manager, aValues, new Shape(m), new Shape(n));
            NDArray x = ProximalGradient.builder().proximal(new SoftThreshold(lambda)).iterations(3000)
                .tolerance(1e-7).build().reconstruct(manager.create(y, new Shape(1, m)), op, ProgressMonitor.NONE);
            float[] found = x.toFloatArray();
            double maxError = 0;
            for (int j = 0; j < n; j++) {
                maxError = Math.max(maxError, Math.abs(found[j] - xStar[j]));
                if (xStar[j] == 0) {
                    assertTrue(found[j] == 0f, "soft thresholding gives exact zeros off the support, index " + j + ": " + found[j]);
                }
            }
            System.out.printf("FISTA LASSO: max |x - x*| = %.3g%n", maxError);
            assertTrue(maxError < 1e-4, "max |x - x*| = " + maxError);
        }
    }

    private static double[][] gram(double[][] a) {
        int n = a[0].length;
        double[][] g = new double[n][n];
        for (double[] row : a) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    g[i][j] += row[i] * row[j];
                }
            }
        }
        return g;
    }

    /** Gaussian elimination with partial pivoting (small dense test systems only). */
    private static double[] solve(double[][] matrix, double[] rhs) {
        int n = rhs.length;
        double[][] m = new double[n][];
        double[] b = rhs.clone();
        for (int i = 0; i < n; i++) {
            m[i] = matrix[i].clone();
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tr = m[col];
            m[col] = m[pivot];
            m[pivot] = tr;
            double tb = b[col];
            b[col] = b[pivot];
            b[pivot] = tb;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c < n; c++) {
                    m[r][c] -= f * m[col][c];
                }
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}

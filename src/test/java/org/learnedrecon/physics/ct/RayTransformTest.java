package org.learnedrecon.physics.ct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.learnedrecon.SharedManagerTest;

class RayTransformTest extends SharedManagerTest {

    static Stream<CtGeometry> geometries() {
        double[] limited = new double[17];
        for (int i = 0; i < limited.length; i++) {
            limited[i] = Math.toRadians(10 + 7.3 * i);
        }
        return Stream.of(
            ParallelBeamGeometry.uniform(33, 24, 180),
            new ParallelBeamGeometry(32, limited, 50, 0.8, 1.7),
            FanBeamGeometry.uniform360(32, 30, 60, 40, FanBeamGeometry.DetectorShape.FLAT),
            FanBeamGeometry.uniform360(31, 30, 50, 20, FanBeamGeometry.DetectorShape.EQUIANGULAR));
    }

    private static NDArray random(Shape shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return manager.create(v, shape);
    }

    private static double adjointMismatch(RayTransform op, long seed) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = random(new Shape(2).addAll(op.domainShape()), seed);
            NDArray y = random(new Shape(2).addAll(op.rangeShape()), seed + 1);
            x.attach(scope);
            y.attach(scope);
            NDArray ax = op.apply(x);
            NDArray aty = op.adjoint(y);
            double lhs = dot(ax.toFloatArray(), y.toFloatArray());
            double rhs = dot(x.toFloatArray(), aty.toFloatArray());
            return Math.abs(lhs - rhs) / (norm(ax.toFloatArray()) * norm(y.toFloatArray()));
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void adjointDotProductTestMatrixFree(CtGeometry g) {
        double mismatch = adjointMismatch(RayTransform.matrixFree(g), 11);
        assertTrue(mismatch < 1e-5, "matrix-free adjoint mismatch " + mismatch + " for " + g);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void adjointDotProductTestSparse(CtGeometry g) {
        try (NDManager scope = manager.newSubManager()) {
            RayTransform op = RayTransform.differentiable(g, scope);
            assertTrue(op.isDifferentiable());
            double mismatch = adjointMismatch(op, 12);
            assertTrue(mismatch < 1e-5, "sparse adjoint mismatch " + mismatch + " for " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backendsAgree(CtGeometry g) {
        try (NDManager scope = manager.newSubManager()) {
            RayTransform free = RayTransform.matrixFree(g);
            RayTransform sparse = RayTransform.differentiable(g, scope);
            NDArray x = random(new Shape(1).addAll(g.imageShape()), 5);
            NDArray y = random(new Shape(1).addAll(g.sinogramShape()), 6);
            x.attach(scope);
            y.attach(scope);
            assertEquals(0, relativeDifference(free.apply(x).toFloatArray(), sparse.apply(x).toFloatArray()), 1e-5);
            assertEquals(0, relativeDifference(free.adjoint(y).toFloatArray(), sparse.adjoint(y).toFloatArray()),
                1e-5);
            // The sparse transform's twin for solvers without autograd is matrix-free, one instance, same values.
            RayTransform twin = sparse.withoutAutograd();
            assertSame(twin, sparse.withoutAutograd());
            assertSame(free, free.withoutAutograd());
            assertEquals(-1, twin.nonZeros());
            assertEquals(0, relativeDifference(twin.apply(x).toFloatArray(), sparse.apply(x).toFloatArray()), 1e-5);
        }
    }

    static double relativeDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(d) / norm(b);
    }

    @Test
    void gradientFlowsThroughTheSparseOperator() {
        CtGeometry g = ParallelBeamGeometry.uniform(16, 12, 180);
        try (NDManager scope = manager.newSubManager()) {
            RayTransform op = RayTransform.differentiable(g, scope);
            NDArray x = random(new Shape(1, 16, 16), 3);
            x.attach(scope);
            NDArray y = random(new Shape(1).addAll(g.sinogramShape()), 4);
            y.attach(scope);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // loss = 0.5 ||A x - y||^2, gradient A^T (A x - y)
                NDArray residual = op.apply(x).sub(y);
                NDArray loss = residual.square().sum().mul(0.5f);
                collector.backward(loss);
            }
            float[] grad = x.getGradient().toFloatArray();
            RayTransform free = RayTransform.matrixFree(g);
            NDArray expected = free.adjoint(free.apply(x.stopGradient()).sub(y));
            assertEquals(0, relativeDifference(grad, expected.toFloatArray()), 1e-5);
        }
    }

    @Test
    void centredDiskMatchesClosedForm() {
        int n = 128;
        double radius = 40;
        float[] disk = new float[n * n];
        TestEllipses.add(disk, n, 1, 0, 0, radius, radius, 0, 8);
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(n, 16, 180);
        float[] sino = project(g, disk);
        double worst = 0;
        for (int a = 0; a < g.angleCount(); a++) {
            for (int d = 0; d < g.detectorCount(); d++) {
                double t = d - g.detectorCount() / 2;
                if (Math.abs(t) < radius - 4) {
                    double exact = 2 * Math.sqrt(radius * radius - t * t);
                    worst = Math.max(worst, Math.abs(sino[a * g.detectorCount() + d] - exact) / exact);
                }
            }
        }
        // Worst relative error over all rays more than 4 px inside the disk edge (the edge pixels are partial-volume).
        System.out.println("Disk projection, worst relative error inside: " + worst);
        assertTrue(worst < 0.01, "disk: worst relative error " + worst);
    }

    @Test
    void offCentreEllipseMatchesClosedForm() {
        int n = 128;
        double cx = 17.5;
        double cy = -9.25;
        double a = 30;
        double b = 18;
        double phi = Math.toRadians(25);
        float[] image = new float[n * n];
        TestEllipses.add(image, n, 1, cx, cy, a, b, phi, 8);
        double[] angles = {0, 0.3, Math.PI / 4, 1.0, Math.PI / 2, 2.2, 2.9};
        ParallelBeamGeometry g = new ParallelBeamGeometry(n, angles, 183, 1, 0.25);
        float[] sino = project(g, image);
        double worst = 0;
        for (int i = 0; i < angles.length; i++) {
            for (int d = 0; d < g.detectorCount(); d++) {
                double t = d - g.detectorCount() / 2 - 0.25;
                double exact = TestEllipses.ellipseLineIntegral(cx, cy, a, b, phi, angles[i], t);
                // rays within 4 px of the edge or with chords under 24 px (edge pixels are partial-volume) are excluded
                if (exact > 24 && TestEllipses.ellipseLineIntegral(cx, cy, a - 4, b - 4, phi, angles[i], t) > 0) {
                    worst = Math.max(worst, Math.abs(sino[i * g.detectorCount() + d] - exact) / exact);
                }
            }
        }
        System.out.println("Ellipse projection, worst relative error inside: " + worst);
        assertTrue(worst < 0.01, "ellipse: worst relative error " + worst);
    }

    static float[] project(CtGeometry g, float[] image) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(image, new Shape(1).addAll(g.imageShape()));
            return RayTransform.matrixFree(g).apply(x).toFloatArray();
        }
    }

    @Test
    void rejectsWrongShapesAndNonFiniteValues() {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(16, 30, 180);
        RayTransform op = RayTransform.matrixFree(g);
        try (NDManager scope = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> op.adjoint(scope.zeros(new Shape(1, 60, g.detectorCount()))));
            assertEquals("The sinogram has 60 rows (angles) but the geometry has 30 angles", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> op.adjoint(scope.zeros(new Shape(1, 30, 7))));
            assertEquals("The sinogram has 7 columns (detectors) but the geometry has 23 detectors", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> op.apply(scope.zeros(new Shape(16, 16))));
            assertTrue(e.getMessage().contains("shape (B, 16, 16)"), e.getMessage());
            float[] bad = new float[256];
            bad[37] = Float.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> op.apply(scope.create(bad, new Shape(1, 16, 16))));
            assertTrue(e.getMessage().contains("NaN at flat index 37"), e.getMessage());
            RayTransform sparse = RayTransform.differentiable(g, scope);
            e = assertThrows(IllegalArgumentException.class,
                () -> sparse.apply(scope.create(bad, new Shape(1, 16, 16))));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    @Test
    void refusesSparseMatrixOverBudgetWithTheNumbers() {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(64, 64, 180);
        long nnz = RayTransform.countNonZeros(g);
        try (NDManager scope = manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RayTransform.differentiable(g, scope, 1 << 20));
            assertTrue(e.getMessage().contains(nnz + " non-zeros"), e.getMessage());
            assertTrue(e.getMessage().contains("budget of 0.00 GiB"), e.getMessage());
        }
        // Joseph: between 1 and 2 weights per step, ~N steps per ray through the image
        assertTrue(nnz > 64L * 64 * 64 && nnz < 2L * 64 * 64 * 64 * 2, "nnz " + nnz);
    }

    @Test
    void agreesWithSkimageRadonOnTheCommittedFixture() throws Exception {
        CtFixtures fixture = CtFixtures.skimageParallel64();
        ParallelBeamGeometry g = fixture.geometry();
        float[] ours = project(g, fixture.floats("phantom"));
        float[] skimage = fixture.floats("radon");
        double error = relativeDifference(ours, skimage);
        // Joseph vs skimage's bilinear rotate-and-sum: same rays, different interpolation.
        System.out.println("RayTransform vs skimage radon, relative L2 difference: " + error);
        assertTrue(error < 0.005, "relative L2 difference to skimage radon " + error);
        // angle 0 needs no interpolation in either method: agreement to float precision
        float[] first = java.util.Arrays.copyOf(ours, g.detectorCount());
        float[] firstSk = java.util.Arrays.copyOf(skimage, g.detectorCount());
        assertEquals(0, relativeDifference(first, firstSk), 1e-6);
    }

    @Test
    void acceptsFloat64AndNeverModifiesItsInput() {
        CtGeometry g = ParallelBeamGeometry.uniform(16, 10, 180);
        RayTransform op = RayTransform.matrixFree(g);
        assertTrue(!op.isDifferentiable());
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = random(new Shape(2, 16, 16), 9);
            x.attach(scope);
            NDArray x64 = x.toType(ai.djl.ndarray.types.DataType.FLOAT64, true);
            float[] before = x.toFloatArray();
            NDArray y = op.apply(x64);
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, y.getDataType());
            assertEquals(0, relativeDifference(op.apply(x).toFloatArray(), y.toFloatArray()), 1e-6);
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, x.toFloatArray(), 0f);
            float[] sinogram = y.toFloatArray();
            op.adjoint(y);
            org.junit.jupiter.api.Assertions.assertArrayEquals(sinogram, y.toFloatArray(), 0f);
        }
    }

    /**
     * Regression: with DJL's createCoo the sparse matrix pointed into Java direct buffers that the garbage collector
     * freed, and the next product crashed the JVM. The matrices must survive garbage collection.
     */
    @Test
    void sparseMatricesSurviveGarbageCollection() {
        CtGeometry g = ParallelBeamGeometry.uniform(48, 40, 180);
        try (NDManager scope = manager.newSubManager()) {
            RayTransform sparse = RayTransform.differentiable(g, scope);
            RayTransform free = RayTransform.matrixFree(g);
            NDArray x = random(new Shape(2, 48, 48), 21);
            x.attach(scope);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 64; i++) {
                    java.nio.ByteBuffer.allocateDirect(1 << 20).put(0, (byte) i); // churn of freed direct memory
                }
                System.gc();
                System.runFinalization();
                assertEquals(0, relativeDifference(sparse.apply(x).toFloatArray(), free.apply(x).toFloatArray()),
                    1e-5);
            }
        }
    }

    /**
     * The norm estimate stops once it has settled: for the 128^2 ray transform with 30 views it applies {@code A}
     * fewer than ten times of the 30 allowed and lands within 1e-5 of 60 steps of plain power iteration.
     */
    @Test
    void theNormEstimateStopsOnceSettledAtTheNormOfLongPowerIteration() {
        RayTransform op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(128, 30, 180));
        int[] applications = {0};
        org.learnedrecon.physics.ForwardOperator counted = new org.learnedrecon.physics.ForwardingOperator() {
            @Override
            public org.learnedrecon.physics.ForwardOperator operator() {
                return op;
            }

            @Override
            public NDArray apply(NDArray x) {
                applications[0]++;
                return op.apply(x);
            }
        };
        try (NDManager scope = manager.newSubManager()) {
            double estimate = counted.normEstimate(scope, 30);
            NDArray v = random(new Shape(1, 128, 128), 5).abs();
            v.attach(scope);
            double reference = 0;
            for (int i = 0; i < 60; i++) {
                NDArray w = op.normal(v.div(v.norm()));
                reference = Math.sqrt(w.norm().getFloat());
                v = w;
            }
            System.out.println("norm estimate " + estimate + " after " + applications[0] + " steps, 60 steps "
                + reference);
            assertTrue(applications[0] < 10, "applications of A: " + applications[0]);
            assertEquals(reference, estimate, 1e-5 * reference);
        }
    }
}

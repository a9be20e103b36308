package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.learned.ReconstructionNetwork;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.runtime.FreedMemory;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/**
 * The gradients of a training step do not change when the garbage collector runs between the forward and the
 * backward pass. DJL's PyTorch engine backs tensors made from Java data (and the constant of {@code x.mul(2f)}) with
 * Java direct buffers that a collection frees while the graph still holds them (see
 * {@link org.learnedrecon.runtime.NativeArrays}); before the fix, each case here read freed memory and its gradients
 * differed from the undisturbed ones (the TV-started LGD's equivariant-imaging steps gave NaN every time).
 */
class GradientsAfterGarbageCollectionTest {

    @Test
    void unrolledCtGradientsWithThePsnrLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            RayTransform op = RayTransform.differentiable(ParallelBeamGeometry.uniform(24, 12, 180), m);
            double norm = op.normEstimate(m, 20);
            assertSameAfterCollection(new LearnedGradientDescent(op, norm, 3, 8, 3), op, m,
                (out, x) -> TrainingRun.meanLogError(out.sub(x).square()));
            assertSameAfterCollection(new LearnedPrimalDual(op, norm, 2, 8, 3, 3, 2), op, m,
                (out, x) -> out.sub(x).square().mean());
        }
    }

    @Test
    void unrolledMriGradientsAtEvenAndOddSizes() {
        for (int size : new int[] {16, 15}) {
            try (NDManager m = NDManager.newBaseManager()) {
                boolean[] lines = new boolean[size];
                for (int c = 0; c < size; c++) {
                    lines[c] = c % 3 == 0 || Math.abs(c - size / 2) <= 1;
                }
                CartesianMriOperator op = new CartesianMriOperator(m, SamplingMask.ofColumns(size, lines));
                double norm = op.normEstimate(m, 20);
                assertSameAfterCollection(new LearnedGradientDescent(op, norm, 3, 8, 3), op, m,
                    (out, x) -> out.sub(x).square().mean());
            }
        }
    }

    @Test
    void equivariantImagingGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            RayTransform op = RayTransform.differentiable(ParallelBeamGeometry.uniform(24, 12, 180), m);
            double norm = op.normEstimate(m, 20);
            LearnedGradientDescent network = new LearnedGradientDescent(op, norm, 3, 8, 3);
            EquivariantImagingLoss loss = new EquivariantImagingLoss(op, null, EquivariantImagingLoss.DEFAULT_ALPHA);
            ScaledAdjointReconstruction initial = new ScaledAdjointReconstruction();
            ParameterStore store = new ParameterStore(m, false);
            assertSameAfterCollection(network, op, m, (y, x) -> loss.loss(measured -> network.forward(store,
                new NDList(measured, initial.reconstruct(measured.stopGradient(), op, ProgressMonitor.NONE)), true)
                .singletonOrThrow(), y, new Random(3)).total, true);
        }
    }

    private static void assertSameAfterCollection(ReconstructionNetwork network, ForwardOperator op, NDManager m,
        BiFunction<NDArray, NDArray, NDArray> loss) {
        ParameterStore store = new ParameterStore(m, false);
        ScaledAdjointReconstruction initial = new ScaledAdjointReconstruction();
        assertSameAfterCollection(network, op, m, (y, x) -> loss.apply(network.forward(store,
            new NDList(y, initial.reconstruct(y, op, ProgressMonitor.NONE)), true).singletonOrThrow(), x), false);
    }

    /** {@code lossOf(y, x)}: from the measurements (and, unless {@code measurementsOnly}, the image) to the loss. */
    private static void assertSameAfterCollection(ReconstructionNetwork network, ForwardOperator op, NDManager m,
        BiFunction<NDArray, NDArray, NDArray> lossOf, boolean measurementsOnly) {
        SeededInitializer.install(network, 7);
        network.initialize(m, DataType.FLOAT32, network.inputShapes(2));
        NDArray x = TestImages.gaussian(m, new Shape(2).addAll(op.domainShape()), 8).abs();
        NDArray y = op.apply(x);
        float[] undisturbed = gradients(network, lossOf, y, x, false);
        assertEquals(0, difference(undisturbed, gradients(network, lossOf, y, x, false)), 1e-6,
            "the same step twice must give the same gradients");
        float[] collected = gradients(network, lossOf, y, x, true);
        String what = network.getClass().getSimpleName() + " on " + op.getClass().getSimpleName() + " "
            + op.domainShape() + (measurementsOnly ? ", equivariant imaging" : "");
        double scale = Math.sqrt(dot(undisturbed, undisturbed));
        assertTrue(scale > 0 && Double.isFinite(scale), what + ": no gradient");
        assertEquals(0, difference(undisturbed, collected) / scale, 1e-5,
            what + ": gradients changed by a garbage collection between forward and backward");
    }

    /** Every parameter's gradient, concatenated; with {@code collect}, memory is collected and reused in between. */
    private static float[] gradients(ReconstructionNetwork network, BiFunction<NDArray, NDArray, NDArray> lossOf,
        NDArray y, NDArray x, boolean collect) {
        for (Pair<String, Parameter> p : network.getParameters()) {
            try (NDArray g = p.getValue().getArray().getGradient()) {
                g.subi(g); // PyTorch accumulates gradients
            }
        }
        try (NDManager scratch = y.getManager().newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = lossOf.apply(y, x);
            if (collect) {
                FreedMemory.collectAndReuse(scratch, 2000, 1, 15 * 15, 16 * 16, 2 * 15 * 15, 2 * 16 * 16, 24 * 24);
            }
            collector.backward(loss);
            float[] all = new float[0];
            for (Pair<String, Parameter> p : network.getParameters()) {
                try (NDArray g = p.getValue().getArray().getGradient()) {
                    float[] v = g.toFloatArray();
                    float[] joined = Arrays.copyOf(all, all.length + v.length);
                    System.arraycopy(v, 0, joined, all.length, v.length);
                    all = joined;
                }
            }
            return all;
        }
    }

    private static double difference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return Double.isNaN(sum) ? Double.POSITIVE_INFINITY : Math.sqrt(sum);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}

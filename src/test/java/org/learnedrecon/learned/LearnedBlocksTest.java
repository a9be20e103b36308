package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.physics.AdjointCheck;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/** Shapes, operator handling and gradient flow of the learned blocks on a CT-like and an MRI-like test operator. */
class LearnedBlocksTest {

    private static NDManager manager;
    private static MatrixOperator sparse;
    private static MaskedFourierOperator fourier;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        sparse = RandomSparseOperator.create(manager, 16, 16, 6, 23, 16, 3);
        fourier = new MaskedFourierOperator(manager, 16, 16, 0.3, 4);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static void assertAdjoint(ForwardOperator op) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestImages.gaussian(m, new Shape(2).addAll(op.domainShape()), 1);
            NDArray y = TestImages.gaussian(m, new Shape(2).addAll(op.rangeShape()), 2);
            AdjointCheck.assertAdjoint(op, x, y, 1e-4, 1e-4);
        }
    }

    @Test
    void testOperatorsAreAdjoint() {
        assertAdjoint(sparse);
        assertAdjoint(fourier);
        // The Fourier operator is a partial isometry: ||A|| = 1.
        assertEquals(1.0, fourier.normEstimate(manager, 20), 1e-3);
    }

    @Test
    void channelLayoutFoldsLeadingAxes() {
        assertEquals(1, ChannelLayout.channels(new Shape(30, 183)));
        assertEquals(2, ChannelLayout.channels(new Shape(2, 128, 128)));
        assertEquals(16, ChannelLayout.channels(new Shape(8, 2, 64, 64)));
    }

    /** A check of one reconstruction network built for one operator, in a memory scope of its own. */
    private interface NetworkCheck {
        void check(ForwardOperator op, ReconstructionNetwork network, NDManager m);
    }

    /** Runs {@code check} on LGD, LPD and post-processing, each built for the sparse and for the Fourier operator. */
    private static void forEachNetwork(NetworkCheck check) {
        for (ForwardOperator op : new ForwardOperator[] {sparse, fourier}) {
            double norm = op.normEstimate(manager, 20);
            for (ReconstructionNetwork network : new ReconstructionNetwork[] {
                new LearnedGradientDescent(op, norm, 3, 8, 3), new LearnedGradientDescent(op, norm, 3, 8, 3, 4),
                new LearnedPrimalDual(op, norm, 3, 8, 3, 3, 2), new PostProcessingNetwork(op, norm, 4, 2)}) {
                try (NDManager m = manager.newSubManager()) {
                    check.check(op, network, m);
                }
            }
        }
    }

    @Test
    void reconstructionNetworksKeepOperatorShapes() {
        forEachNetwork((op, network, m) -> {
            network.initialize(m, DataType.FLOAT32, network.inputShapes(3));
            NDArray x = TestImages.gaussian(m, new Shape(3).addAll(op.domainShape()), 5);
            NDArray y = op.apply(x);
            NDArray x0 = new ScaledAdjointReconstruction().reconstruct(y, op, ProgressMonitor.NONE);
            NDArray out = network.forward(new ParameterStore(m, false), new NDList(y, x0), false).singletonOrThrow();
            assertEquals(new Shape(3).addAll(op.domainShape()), out.getShape(),
                network.getClass().getSimpleName() + " on " + op.getClass().getSimpleName());
            assertTrue(Float.isFinite(out.sum().getFloat()));
        });
    }

    @Test
    void imageBlocksKeepImageShapes() {
        try (NDManager m = manager.newSubManager()) {
            UNet unet = new UNet(4, 2, 3);
            unet.initialize(m, DataType.FLOAT32, new Shape(2, 2, 16, 24));
            NDArray out = unet.forward(new ParameterStore(m, false),
                new NDList(TestImages.gaussian(m, new Shape(2, 2, 16, 24), 1)), false).singletonOrThrow();
            assertEquals(new Shape(2, 3, 16, 24), out.getShape());
            DnCnn dncnn = new DnCnn(2, 8, 4);
            dncnn.initialize(m, DataType.FLOAT32, new Shape(2, 2, 16, 16));
            out = dncnn.forward(new ParameterStore(m, false),
                new NDList(TestImages.gaussian(m, new Shape(2, 2, 16, 16), 1)), false).singletonOrThrow();
            assertEquals(new Shape(2, 2, 16, 16), out.getShape());
        }
    }

    @Test
    void unetRejectsSizesNotDivisibleByItsScales() {
        try (NDManager m = manager.newSubManager()) {
            UNet unet = new UNet(4, 2, 1);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> unet.initialize(m, DataType.FLOAT32, new Shape(1, 1, 18, 16)));
            assertTrue(e.getMessage().contains("divisible by 4"), e.getMessage());
        }
    }

    @Test
    void gradientsReachEveryParameterThroughTheOperator() {
        forEachNetwork((op, network, m) -> {
            SeededInitializer.install(network, 7);
            network.initialize(m, DataType.FLOAT32, network.inputShapes(2));
            NDArray x = TestImages.gaussian(m, new Shape(2).addAll(op.domainShape()), 8);
            NDArray y = op.apply(x);
            NDArray x0 = new ScaledAdjointReconstruction().reconstruct(y, op, ProgressMonitor.NONE);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = network.forward(new ParameterStore(m, false), new NDList(y, x0), true)
                    .singletonOrThrow();
                gc.backward(out.sub(x).square().mean());
            }
            int count = 0;
            for (Pair<String, Parameter> p : network.getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                float gn = g.abs().sum().getFloat();
                assertTrue(gn > 0 && Float.isFinite(gn), network.getClass().getSimpleName() + " on "
                    + op.getClass().getSimpleName() + ": no gradient for " + p.getKey());
                g.close();
                count++;
            }
            assertTrue(count >= 6, "too few parameters: " + count);
        });
    }

    /**
     * One LGD step with its data-consistency step equals the same step without it followed by the exact proximal
     * point {@code (A*A + mu) x = A* y + mu z}: on a partial isometry the output's measured entries move from
     * {@code A z} to {@code (y + mu A z) / (1 + mu)} and the unmeasured part of {@code z} is kept.
     */
    @Test
    void dataConsistencyStepIsTheExactProximalPointOnTheMeasurements() {
        try (NDManager m = manager.newSubManager()) {
            double norm = fourier.normEstimate(m, 20);
            LearnedGradientDescent plain = new LearnedGradientDescent(fourier, norm, 1, 8, 3);
            LearnedGradientDescent consistent = new LearnedGradientDescent(fourier, norm, 1, 8, 3, 2);
            for (LearnedGradientDescent network : new LearnedGradientDescent[] {plain, consistent}) {
                SeededInitializer.install(network, 11);
                network.initialize(m, DataType.FLOAT32, network.inputShapes(2));
            }
            NDArray truth = TestImages.gaussian(m, new Shape(2).addAll(fourier.domainShape()), 12);
            NDArray y = fourier.apply(truth.add(TestImages.gaussian(m, new Shape(2).addAll(fourier.domainShape()), 13)
                .mul(0.1f)));
            NDArray x0 = new ScaledAdjointReconstruction().reconstruct(y, fourier, ProgressMonitor.NONE);
            NDArray z = plain.forward(new ParameterStore(m, false), new NDList(y, x0), false).singletonOrThrow();
            NDArray x = consistent.forward(new ParameterStore(m, false), new NDList(y, x0), false).singletonOrThrow();
            float mu = (float) (LearnedGradientDescent.INITIAL_MU * norm * norm);
            NDArray expected = y.add(fourier.apply(z).mul(mu)).div(1 + mu);
            float scale = fourier.apply(z).sub(y).norm().getFloat();
            assertTrue(scale > 1e-2, "the plain step should not already fit the data: " + scale);
            float off = fourier.apply(x).sub(expected).norm().getFloat();
            assertTrue(off < 1e-3 * scale, "measured entries " + off + " off the proximal point (scale " + scale + ")");
            NDArray change = x.sub(z);
            float unmeasured = change.sub(fourier.adjoint(fourier.apply(change))).norm().getFloat();
            assertTrue(unmeasured < 1e-4 * z.norm().getFloat(), "the unmeasured part moved by " + unmeasured);
            assertEquals("2", consistent.hyperParameters().get("dataConsistency"));
            assertTrue(!plain.hyperParameters().containsKey("dataConsistency"), plain.hyperParameters().toString());
        }
    }

    @Test
    void differentiableOperatorIsRequiredForUnrolledNetworks() {
        ForwardOperator frozen = new ForwardOperator() {
            public Shape domainShape() {
                return sparse.domainShape();
            }

            public Shape rangeShape() {
                return sparse.rangeShape();
            }

            public NDArray apply(NDArray x) {
                return sparse.apply(x);
            }

            public NDArray adjoint(NDArray y) {
                return sparse.adjoint(y);
            }
        };
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new LearnedPrimalDual(frozen, 1, 2, 4, 2, 2, 2));
        assertTrue(e.getMessage().contains("not differentiable"), e.getMessage());
        // Post-processing does not differentiate through the operator, so it accepts it.
        assertArrayEquals(new long[] {16, 16}, new PostProcessingNetwork(frozen, 1, 4, 2).operator().domainShape()
            .getShape());
    }
}

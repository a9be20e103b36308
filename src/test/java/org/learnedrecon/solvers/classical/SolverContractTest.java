package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;

/**
 * What every iterative solver promises: inputs unchanged, constant memory across iterations, early stop on
 * tolerance, cancellation, progress reports, and bad input rejected with the reason.
 */
class SolverContractTest {

    static Stream<Arguments> solvers() {
        return Stream.of(
            Arguments.of("SIRT", (Function<Integer, IterativeSolver.Builder<?>>) n -> Sirt.builder().iterations(n)),
            Arguments.of("CGLS", (Function<Integer, IterativeSolver.Builder<?>>) n -> Cgls.builder().iterations(n)),
            Arguments.of("TV", (Function<Integer, IterativeSolver.Builder<?>>) n -> TotalVariation.builder()
                .lambda(0.01).nonNegative(true).iterations(n)),
            Arguments.of("FISTA", (Function<Integer, IterativeSolver.Builder<?>>) n -> ProximalGradient.builder()
                .proximal(new SoftThreshold(0.01)).iterations(n)));
    }

    private static IterativeSolver build(IterativeSolver.Builder<?> builder) {
        if (builder instanceof Sirt.Builder) {
            return ((Sirt.Builder) builder).build();
        }
        if (builder instanceof Cgls.Builder) {
            return ((Cgls.Builder) builder).build();
        }
        if (builder instanceof ProximalGradient.Builder) {
            return ((ProximalGradient.Builder) builder).build();
        }
        return ((TotalVariation.Builder) builder).build();
    }

    private static int liveArrays(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void inputsUnchangedAndMemoryConstantAcrossIterations(String name,
        Function<Integer, IterativeSolver.Builder<?>> configure) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator a = DenseMatrixOperator.blurSubsample(manager, 12, 12, 2, 1);
            NDArray truth = manager.create(TotalVariationTest.phantom()).get("0:144").reshape(1, 12, 12);
            NDArray y = a.apply(truth).add(0.01f);
            NDArray guess = truth.mul(0.5f);
            float[] yBefore = y.toFloatArray();
            float[] guessBefore = guess.toFloatArray();
            int before = liveArrays(manager);
            List<Integer> counts = new ArrayList<>();
            RecordingMonitor progress = new RecordingMonitor();
            NDArray x = build(configure.apply(60).listener((k, estimate, change) -> counts.add(liveArrays(manager))))
                .reconstruct(y, a, guess, progress);
            assertArrayEquals(yBefore, y.toFloatArray(), 0f, "measurements unchanged");
            assertArrayEquals(guessBefore, guess.toFloatArray(), 0f, "initial guess unchanged");
            assertEquals(new Shape(1, 12, 12), x.getShape());
            assertEquals(60, counts.size());
            assertEquals(60, progress.done.size());
            assertTrue(progress.totals.stream().allMatch(t -> t == 60), progress.totals.toString());
            assertTrue(progress.messages.stream().allMatch(m -> m.startsWith(name)), progress.messages.toString());
            for (int k = 1; k < counts.size(); k++) {
                assertEquals(counts.get(0), counts.get(k), "live arrays at iteration " + (k + 1) + " vs 1");
            }
            assertEquals(before + 1, liveArrays(manager), "only the result remains after the run");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void toleranceStopsEarlyAndCancellationStops(String name, Function<Integer, IterativeSolver.Builder<?>> configure) {
        try (NDManager manager = NDManager.newBaseManager()) {
            // a 20-unknown system seen as a 4x5 image, so TV applies too
            MatrixOperator a = DenseMatrixOperator.of(manager,
                DenseMatrixOperator.nonNegative(manager, 30, 20, 3).matrix().toFloatArray(), new Shape(30), new Shape(4, 5));
            NDArray y = a.apply(manager.ones(new Shape(2, 4, 5)));
            List<Double> changes = new ArrayList<>();
            build(configure.apply(5000).tolerance(1e-3).listener((k, estimate, change) -> changes.add(change)))
                .reconstruct(y, a, ProgressMonitor.NONE);
            assertTrue(changes.size() < 5000, name + " ran all iterations");
            assertTrue(changes.get(changes.size() - 1) <= 1e-3);
            for (int k = 0; k < changes.size() - 1; k++) {
                assertTrue(changes.get(k) > 1e-3, "stopped late, at " + changes.size() + " not " + (k + 1));
            }
            RecordingMonitor cancelAfterThree = RecordingMonitor.cancelledOnceDone(3);
            int before = liveArrays(manager);
            assertThrows(CancellationException.class, () -> build(configure.apply(100)).reconstruct(y, a,
                cancelAfterThree));
            assertEquals(3, cancelAfterThree.lastDone());
            assertEquals(before, liveArrays(manager), "a cancelled run frees its work arrays");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void badInputIsRejectedWithTheReason(String name, Function<Integer, IterativeSolver.Builder<?>> configure) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator a = DenseMatrixOperator.blurSubsample(manager, 8, 8, 2, 2);
            IterativeSolver solver = build(configure.apply(5));
            String wrongShape = assertThrows(IllegalArgumentException.class, () -> solver.reconstruct(
                manager.zeros(new Shape(1, 4, 5)), a, ProgressMonitor.NONE)).getMessage();
            assertTrue(wrongShape.contains("(1, 4, 5)") && wrongShape.contains("(4, 4)"), wrongShape);
            NDArray nan = manager.zeros(new Shape(1, 4, 4));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 1, 2"), Float.NaN);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> solver.reconstruct(nan, a,
                ProgressMonitor.NONE)).getMessage().contains("NaN"));
            String badGuess = assertThrows(IllegalArgumentException.class, () -> solver.reconstruct(
                manager.zeros(new Shape(1, 4, 4)), a, manager.zeros(new Shape(1, 8, 7)), ProgressMonitor.NONE))
                .getMessage();
            assertTrue(badGuess.contains("initial guess"), badGuess);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> build(configure.apply(0)))
                .getMessage().contains("iterations"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> build(configure.apply(5).tolerance(-1)))
                .getMessage().contains("tolerance"));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TotalVariation.builder().lambda(-0.1).build())
            .getMessage().contains("lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sirt.builder().relaxation(2.5).build())
            .getMessage().contains("relaxation"));
    }
}

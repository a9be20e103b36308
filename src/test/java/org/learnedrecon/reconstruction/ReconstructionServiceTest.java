package org.learnedrecon.reconstruction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.reconstruction.ReconstructionService.Result;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;
import org.learnedrecon.solvers.mri.CgSenseSolver;
import org.learnedrecon.solvers.mri.ZeroFilledSolver;

/** The per-slice loop: same numbers as one batched call, progress per slice, cancellation, the finite check. */
class ReconstructionServiceTest {

    private static final SamplingMask MASK = SamplingMask.ofColumns(8, new boolean[] {true, false, true, true,
        true, false, true, false});

    private static NDArray kspace(NDManager m, int slices) {
        NDArray images = m.randomUniform(0, 1, new Shape(slices, 2, 8, 8));
        return new CartesianMriOperator(m, MASK).apply(images);
    }

    /** Slice by slice with peak scaling gives what one batched call gives (the scaling is per sample). */
    @Test
    void perSliceEqualsBatched() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = kspace(m, 3);
            Method batched = Method.classical(new CgSenseSolver(5, 0.01, 0), null)
                .peakNormalised((scope, data) -> new CartesianMriOperator(scope, MASK));
            Result whole = ReconstructionService.reconstruct(y, "kspace=k", batched, ProgressMonitor.NONE);
            Result sliced = ReconstructionService.reconstruct(y, "kspace=k", batched.perSlice(),
                ProgressMonitor.NONE);
            assertEquals(new Shape(3, 2, 8, 8), sliced.image().getShape());
            assertArrayEquals(whole.image().toFloatArray(), sliced.image().toFloatArray(), 1e-5f);
            assertEquals("CG-SENSE", sliced.solverName());
            assertNull(sliced.modelName());
        }
    }

    @Test
    void progressIsPerSliceAndCancellationStopsBeforeTheFirst() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = kspace(m, 2);
            Method method = Method.classical(new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT),
                (scope, data) -> new CartesianMriOperator(scope, MASK)).perSlice();
            RecordingMonitor recording = new RecordingMonitor();
            ReconstructionService.reconstruct(y, "kspace=k", method, recording);
            assertEquals(List.of(1L, 2L), recording.done);
            assertEquals(List.of("slice 1/2: Zero-filled", "slice 2/2: Zero-filled"), recording.messages);
            assertThrows(CancellationException.class, () -> ReconstructionService.reconstruct(y, "kspace=k",
                method, RecordingMonitor.cancelled()));
        }
    }

    @Test
    void nonFiniteMeasurementsAreRefusedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = kspace(m, 1);
            y.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
            Method method = Method.classical(new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT),
                (scope, data) -> new CartesianMriOperator(scope, MASK));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReconstructionService.reconstruct(y, "kspace=k", method, ProgressMonitor.NONE));
            assertEquals("kspace=k contains NaN or infinite values", e.getMessage());
        }
    }
}

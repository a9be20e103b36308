package org.learnedrecon.reconstruction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.reconstruction.ReconstructionService.Result;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;
import org.learnedrecon.solvers.RecordingOperator;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.CgSenseSolver;
import org.learnedrecon.solvers.mri.ZeroFilledSolver;

/**
 * The per-slice loop: same numbers as one batched call, progress per slice, cancellation (at once, and leaving
 * nothing behind), the finite check, operator-dependent set-up done once per stack.
 */
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

    private static final CtGeometry CT = CtGeometryKeys.parallel(16, 12, 180, 0);

    private static NDArray sinograms(NDManager m, int slices) {
        return RayTransform.matrixFree(CT).apply(m.randomUniform(0, 1, new Shape(slices, 16, 16)));
    }

    /** The slice number k of a {@code slice k/n: ...} message, or -1. */
    private static int sliceOf(String message, int slices) {
        Matcher m = Pattern.compile("^slice (\\d+)/" + slices + ": ").matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Classical CT solvers run one slice at a time through one operator built once: every report names its slice,
     * slices come in order, the bar only moves forward, and the numbers are those of one call on the whole stack.
     */
    @Test
    void classicalSolversStreamTheStackSliceBySlice() {
        for (String name : List.of(SolverFactory.FBP, SolverFactory.SIRT, SolverFactory.CGLS, SolverFactory.TV)) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray y = sinograms(m, 3);
                Solver solver = SolverFactory.create(name, "Ramp", 4, 0.1);
                AtomicInteger operatorsBuilt = new AtomicInteger();
                RecordingMonitor recording = new RecordingMonitor();
                Result x = ReconstructionService.reconstruct(y, "sinogram=s", Method.classical(solver, (scope, d) -> {
                    operatorsBuilt.incrementAndGet();
                    return RayTransform.matrixFree(CT);
                }), recording);
                assertEquals(1, operatorsBuilt.get(), name);
                List<Integer> slices = recording.messages.stream().map(message -> sliceOf(message, 3)).toList();
                assertFalse(slices.contains(-1), name + ": " + recording.messages);
                assertEquals(List.of(1, 2, 3), slices.stream().distinct().toList(), name);
                assertEquals(slices.stream().sorted().toList(), slices, name);
                assertEquals(recording.done.stream().sorted().toList(), recording.done, name);
                NDArray whole = SolverFactory.create(name, "Ramp", 4, 0.1).reconstruct(y, RayTransform.matrixFree(CT),
                    ProgressMonitor.NONE);
                assertArrayEquals(whole.toFloatArray(), x.image().toFloatArray(), 1e-5f, name);
            }
        }
    }

    /**
     * A cancel requested from inside the progress callback during slice 2 of 4 throws before any further report
     * (the next check comes before the next operator application), and leaves nothing behind: no result, and no
     * array in the caller's manager that was not there before.
     */
    @Test
    void cancelDuringSlice2StopsThereAndLeavesNoPartialStack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = sinograms(m, 4);
            int before = m.getManagedArrays().size();
            List<String> messages = new ArrayList<>();
            boolean[] cancelled = {false};
            ProgressMonitor cancelAtSlice2 = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                    messages.add(message);
                    cancelled[0] |= sliceOf(message, 4) == 2;
                }

                @Override
                public boolean isCancelled() {
                    return cancelled[0];
                }
            };
            Method tv = Method.classical(SolverFactory.create(SolverFactory.TV, "Ramp", 5, 0.1),
                (scope, d) -> RayTransform.matrixFree(CT));
            assertThrows(CancellationException.class, () -> ReconstructionService.reconstruct(y, "sinogram=s", tv,
                cancelAtSlice2));
            assertEquals("slice 2/4: TV: iteration 1 of 5", messages.get(messages.size() - 1), "no report after it");
            assertEquals(6, messages.size(), messages.toString());
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the caller's manager");
        }
    }

    /**
     * TV's operator norms (60 applications of A* A) depend on the operator only: a stack through one operator
     * estimates them once, not once per slice.
     */
    @Test
    void tvEstimatesItsNormsOncePerStack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = sinograms(m, 3);
            int[] applications = new int[2];
            for (int slices = 1; slices <= 2; slices++) {
                RecordingOperator counting = new RecordingOperator(RayTransform.matrixFree(CT));
                ReconstructionService.reconstruct(y.get("0:" + slices), "sinogram=s", Method.classical(SolverFactory
                    .create(SolverFactory.TV, "Ramp", 2, 0.1), (scope, d) -> counting), ProgressMonitor.NONE);
                applications[slices - 1] = counting.events.size();
            }
            // a second slice adds its 2 iterations (A and A* each), not another 120 for the norms
            assertEquals(4, applications[1] - applications[0], "applications " + applications[0] + " for one"
                + " slice, " + applications[1] + " for two");
        }
    }
}

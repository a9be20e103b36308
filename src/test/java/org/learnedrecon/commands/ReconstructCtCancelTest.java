package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.ProgressMonitor;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

/**
 * Esc during Reconstruct CT: the command stops at the next check inside the solver and publishes nothing (no
 * reconstruction, no metrics), for a classical solver streamed slice by slice and for plug-and-play, whose slices
 * share one batch (cancellation used to be checked only between batches, so such a run finished and was shown), and
 * while the command copies the input stack.
 */
class ReconstructCtCancelTest extends SciJavaCommandTest {

    /** Records every report and cancels once a report matches. */
    private static class CancelWhen implements ProgressMonitor {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final Predicate<String> trigger;
        private volatile boolean cancelled;

        CancelWhen(Predicate<String> trigger) {
            this.trigger = trigger;
        }

        @Override
        public void progress(long done, long total, String message) {
            messages.add(message);
            cancelled |= trigger.test(message);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    private static MetadataImage sinogram(int n, int slices, int angles) throws Exception {
        MetadataImage phantom = new MetadataImage("phantom", SheppLoganPhantom.stack(n, slices), Map.of());
        return assertInstanceOf(MetadataImage.class, commands.run(SimulateCtCommand.class, false, "image", phantom,
            "angles", angles, "noise", "None").get().getOutput("sinogram"));
    }

    /** Runs Reconstruct CT expecting a cancellation; returns the module to inspect its outputs. */
    private static Module cancelled(CancelWhen progress, Object... keys) {
        Module module = context.service(ModuleService.class).createModule(commands.getCommand(
            ReconstructCtCommand.class));
        Map<String, Object> inputs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keys.length; i += 2) {
            inputs.put((String) keys[i], keys[i + 1]);
        }
        inputs.put("progress", progress);
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> context.service(ModuleService.class).run(module, false, inputs).get());
        Throwable cause = e.getCause();
        while (cause.getCause() != null && !(cause instanceof CancellationException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(CancellationException.class, cause);
        assertNull(module.getOutput("reconstruction"), "a cancelled run must not publish a reconstruction");
        assertNull(module.getOutput("metrics"));
        return module;
    }

    @Test
    void cancelDuringSlice2OfSirtStopsThereWithoutOutput() throws Exception {
        MetadataImage sino = sinogram(24, 3, 16);
        CancelWhen progress = new CancelWhen(message -> message.startsWith("slice 2/3: SIRT: iteration 2 "));
        cancelled(progress, "sinogram", sino, "solver", "SIRT", "iterations", 5, "reference",
            new MetadataImage("ref", SheppLoganPhantom.stack(24, 3), Map.of()));
        assertEquals("slice 2/3: SIRT: iteration 2 of 5", progress.messages.get(progress.messages.size() - 1),
            "no report after the cancel: " + progress.messages);
        assertEquals(7, progress.messages.size(), progress.messages.toString());
    }

    /**
     * Esc while the command copies the stack (before any slice is solved): the copy checks before every plane, so
     * a cancel there stops the copy at the next plane, and nothing is reported or published.
     */
    @Test
    void cancelWhileTheStackIsCopiedStopsAtTheNextPlane() throws Exception {
        MetadataImage sino = sinogram(24, 5, 16);
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        CancelWhen progress = new CancelWhen(message -> true) {
            @Override
            public boolean isCancelled() {
                return polls.incrementAndGet() >= 3;
            }
        };
        cancelled(progress, "sinogram", sino, "solver", "SIRT", "iterations", 5);
        assertEquals(3, polls.get(), "the copy's check before plane 3 must be the one that stops");
        assertTrue(progress.messages.isEmpty(), "nothing solved, nothing reported: " + progress.messages);
    }

    @Test
    void plugAndPlayStopsInsideItsBatchWithoutOutput() throws Exception {
        MetadataImage sino = sinogram(64, 2, 30);
        CancelWhen progress = new CancelWhen(message -> message.endsWith("iteration 1/8"));
        cancelled(progress, "sinogram", sino, "solver", SolverFactory.PNP, "model", "auto", "device", "CPU");
        String last = progress.messages.get(progress.messages.size() - 1);
        assertTrue(last.startsWith("slices 1-2/2: ") && last.endsWith("iteration 1/8"), progress.messages.toString());
    }
}

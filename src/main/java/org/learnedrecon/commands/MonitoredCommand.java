package org.learnedrecon.commands;

import org.learnedrecon.solvers.ProgressMonitor;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;

/**
 * Base of our commands: gives {@link #run()} a {@link ProgressMonitor}. The ImageJ 1.x bridge passes one wired
 * to ImageJ's progress bar and Esc key through the invisible {@code progress} input; any other caller (ImageJ2 UI,
 * scripts, tests) gets one that reports to SciJava's {@link StatusService} and is cancelled when the command's
 * thread is interrupted.
 */
public abstract class MonitoredCommand implements Command {

    @Parameter(required = false, persist = false, visibility = ItemVisibility.INVISIBLE)
    private ProgressMonitor progress;

    @Parameter(required = false)
    private StatusService statusService;

    /** The monitor to report to and to poll for cancellation. */
    protected ProgressMonitor progress() {
        if (progress != null) {
            return progress;
        }
        StatusService status = statusService;
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                if (status != null) {
                    status.showStatus((int) Math.min(done, Integer.MAX_VALUE),
                        (int) Math.min(total, Integer.MAX_VALUE), message);
                }
            }

            @Override
            public boolean isCancelled() {
                return Thread.currentThread().isInterrupted();
            }
        };
    }
}

package org.learnedrecon.ij1;

import ij.IJ;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Progress on ImageJ's status bar and progress bar; cancelled when the user presses Esc in ImageJ. The Esc flag is
 * reset when the monitor is created, so an old key press does not cancel a new run.
 */
final class ImageJProgressMonitor implements ProgressMonitor {

    private final String name;

    ImageJProgressMonitor(String name) {
        this.name = name;
        IJ.resetEscape();
    }

    @Override
    public void progress(long done, long total, String message) {
        IJ.showProgress(done / (double) Math.max(1, total));
        IJ.showStatus(name + ": " + message);
    }

    @Override
    public boolean isCancelled() {
        return IJ.escapePressed();
    }

    void finish() {
        IJ.showProgress(1.0);
    }
}

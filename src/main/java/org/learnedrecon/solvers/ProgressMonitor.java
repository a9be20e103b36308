package org.learnedrecon.solvers;

import java.util.concurrent.CancellationException;

/**
 * Receives progress from long work (solvers, training, benchmarks) and tells it when to stop. Commands adapt it to
 * SciJava's {@code StatusService} and ImageJ's progress bar; tests and headless runs use {@link #NONE} or a
 * recording implementation.
 */
public interface ProgressMonitor {

    ProgressMonitor NONE = new ProgressMonitor() {
        @Override
        public void progress(long done, long total, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /** {@code done} of {@code total} units finished; {@code message} says what is being done. */
    void progress(long done, long total, String message);

    /** True once the user asked to stop. */
    boolean isCancelled();

    /** Throws {@link CancellationException} once cancelled; long loops call it once per iteration. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("Cancelled by the user");
        }
    }

    /**
     * Units {@code [first, last)} of {@code count} of this monitor's work, e.g. slices 3 and 4 of 32: the part's own
     * {@code done} of {@code total} lands in that span of the whole, its messages get {@code prefix}, and it is
     * cancelled with this monitor.
     */
    default ProgressMonitor part(long first, long last, long count, String prefix) {
        ProgressMonitor whole = this;
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                whole.progress(first * total + (last - first) * done, count * total, prefix + message);
            }

            @Override
            public boolean isCancelled() {
                return whole.isCancelled();
            }
        };
    }

    /** Cancelled with this monitor but reports nothing: for a step inside work that reports for itself. */
    default ProgressMonitor cancellationOnly() {
        ProgressMonitor whole = this;
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
            }

            @Override
            public boolean isCancelled() {
                return whole.isCancelled();
            }
        };
    }
}

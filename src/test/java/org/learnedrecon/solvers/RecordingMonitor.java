package org.learnedrecon.solvers;

import java.util.ArrayList;
import java.util.List;

/** A {@link ProgressMonitor} for tests: records every report; {@link #cancelled()} is cancelled from the start. */
public final class RecordingMonitor implements ProgressMonitor {

    /** The {@code done} of each report, in order. */
    public final List<Long> done = new ArrayList<>();

    /** The {@code message} of each report, in order. */
    public final List<String> messages = new ArrayList<>();

    private final boolean cancelled;

    public RecordingMonitor() {
        this(false);
    }

    private RecordingMonitor(boolean cancelled) {
        this.cancelled = cancelled;
    }

    /** A monitor whose work must stop at its first check. */
    public static RecordingMonitor cancelled() {
        return new RecordingMonitor(true);
    }

    @Override
    public void progress(long done, long total, String message) {
        this.done.add(done);
        messages.add(message);
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}

package org.learnedrecon.solvers;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ProgressMonitor} for tests: records every report; {@link #cancelled()} is cancelled from the start,
 * {@link #cancelledOnceDone} as soon as a report's {@code done} reaches a count.
 */
public final class RecordingMonitor implements ProgressMonitor {

    /** The {@code done} of each report, in order. */
    public final List<Long> done = new ArrayList<>();

    /** The {@code total} of each report, in order. */
    public final List<Long> totals = new ArrayList<>();

    /** The {@code message} of each report, in order. */
    public final List<String> messages = new ArrayList<>();

    /** Cancelled once a report's {@code done} reaches this; 0: from the start. */
    private final long cancelAt;

    public RecordingMonitor() {
        this(Long.MAX_VALUE);
    }

    private RecordingMonitor(long cancelAt) {
        this.cancelAt = cancelAt;
    }

    /** A monitor whose work must stop at its first check. */
    public static RecordingMonitor cancelled() {
        return new RecordingMonitor(0);
    }

    /** A monitor cancelled from the first report whose {@code done} is at least {@code count} on. */
    public static RecordingMonitor cancelledOnceDone(long count) {
        return new RecordingMonitor(count);
    }

    /** The {@code done} of the last report, 0 before any. */
    public long lastDone() {
        return done.isEmpty() ? 0 : done.get(done.size() - 1);
    }

    @Override
    public void progress(long done, long total, String message) {
        this.done.add(done);
        totals.add(total);
        messages.add(message);
    }

    @Override
    public boolean isCancelled() {
        return cancelAt == 0 || done.stream().anyMatch(d -> d >= cancelAt);
    }
}

package org.learnedrecon.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's first start is cancellable: the caller waits for the loading with cancel checks in between and
 * returns on a cancel while the loading goes on; errors of the loading reach the caller.
 */
class EngineStartTest {

    @Test
    void aCancelDuringTheLoadingReturnsAtOnceAndTheLoadingFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger checks = new AtomicInteger();
        assertThrows(CancellationException.class, () -> DeepLearningRuntime.whileLoading(() -> {
            release.await();
            finished.countDown();
            return null;
        }, () -> {
            if (checks.incrementAndGet() == 2) {
                throw new CancellationException("Esc");
            }
        }));
        assertEquals(2, checks.get(), "the second check cancels; no check after it");
        assertEquals(1, finished.getCount(), "the caller returned while the loading still waited");
        release.countDown();
        finished.await();
    }

    @Test
    void loadingErrorsReachTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeepLearningRuntime.whileLoading(
            () -> {
                throw new IllegalStateException("no libtorch");
            }, () -> { }));
        assertEquals("no libtorch", e.getMessage());
        DeepLearningRuntime.start(() -> { });
        assertTrue(DeepLearningRuntime.engine() != null);
    }
}

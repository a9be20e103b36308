package org.learnedrecon.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** glibc's malloc_trim is found on Linux and trimming after DeepLearningRuntime work is harmless. */
class NativeMemoryTest {

    @Test
    void trimsOnLinuxAndRuntimeCallsStillReturnTheirResult() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            assertTrue(NativeMemory.enabled(), "malloc_trim of glibc");
        }
        assertTrue(NativeMemory.residentBytes() != 0);
        assertEquals(42, (int) DeepLearningRuntime.call(() -> DeepLearningRuntime.call(() -> 42)));
        NativeMemory.release();
    }
}

package org.learnedrecon.runtime;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/** For tests: frees the Java buffers nothing references, then reuses their memory for arrays full of 1e30. */
public final class FreedMemory {

    private FreedMemory() {
    }

    /**
     * Collects garbage (the cleaner thread frees unreachable direct buffers after each collection), then allocates
     * {@code count / (1 + size / 64)} arrays of each size in {@code scratch}, so freed blocks of those sizes are reused.
     */
    public static void collectAndReuse(NDManager scratch, int count, int... sizes) {
        collectGarbage(100);
        for (int size : sizes) {
            float[] values = new float[size];
            Arrays.fill(values, 1e30f);
            for (int k = 0; k < count / (1 + size / 64); k++) {
                scratch.create(values);
            }
        }
    }

    /** Three full collections, {@code pauseMillis} apart, so cleaners and finalizers have run. */
    public static void collectGarbage(long pauseMillis) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.learnedrecon.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Shipped models are copied out of the class path under their own file names. */
class PretrainedModelsTest {

    /**
     * Training records {@code init=<file name>} in its checkpoints and refuses to resume a checkpoint of other
     * settings: a second run (another extraction) must see the same name, not a random temporary one.
     */
    @Test
    void aShippedModelKeepsItsFileNameInEveryRun() throws Exception {
        ClassLoader loader = PretrainedModelsTest.class.getClassLoader();
        Path first = new PretrainedModels(loader, PretrainedModels.DIRECTORY).resolve("lgd-ct30");
        Path second = new PretrainedModels(loader, PretrainedModels.DIRECTORY).resolve("LGD-CT30.zip");
        assertEquals("lgd-ct30.zip", first.getFileName().toString());
        assertEquals(first.getFileName(), second.getFileName());
        assertNotEquals(first, second, "each run extracts its own copy");
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }
}

package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The interactive path of the bridge (GenericDialog built from the command's inputs, defaults shown, values read
 * back, image window shown) on a virtual display, through {@link InteractiveDialogProbe}.
 */
class InteractiveDialogIT {

    @Test
    void dialogShowsDefaultsAndRunsWithTheChosenValues() throws Exception {
        List<String> command = new ArrayList<>();
        if (System.getenv("DISPLAY") == null) {
            command.addAll(List.of("xvfb-run", "-a"));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
            "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
            InteractiveDialogProbe.class.getName()));
        Path log = Files.createTempFile("dialog-probe", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!finished) {
            fail("Dialog probe hung and was killed:\n" + output);
        }
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("PROBE dialog=Phantom choices=2 size=256 seed=42"), output);
        assertTrue(output.contains("PROBE image=Random ellipses 40 seed 3 40x40 info=phantom=random ellipses"),
            output);
    }
}

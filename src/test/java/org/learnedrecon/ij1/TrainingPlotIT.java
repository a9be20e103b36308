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

/** The live training plots on a virtual display, through {@link TrainingPlotProbe}: one window each, redrawn. */
class TrainingPlotIT {

    @Test
    void oneLossAndOnePsnrWindowHoldEveryEpoch() throws Exception {
        List<String> command = new ArrayList<>();
        if (System.getenv("DISPLAY") == null) {
            command.addAll(List.of("xvfb-run", "-a"));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp",
            System.getProperty("java.class.path"), TrainingPlotProbe.class.getName()));
        Path log = Files.createTempFile("plot-probe", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(90, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        if (!finished) {
            fail("Plot probe hung and was killed:\n" + output);
        }
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("PROBE interactive=true"), output);
        assertTrue(output.contains("PROBE windows=2"), output);
        assertTrue(output.contains("PROBE plot=Training loss run.zip x=[1.0, 2.0, 3.0] y=[0.04, 0.02, 0.01]"),
            output);
        assertTrue(output.contains("PROBE plot=Validation PSNR run.zip x=[1.0, 2.0, 3.0] y=[20.5, 22.0, 23.5]"),
            output);
    }
}

package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live training plots on a virtual display, through {@link TrainingPlotProbe}: one window each, redrawn. */
class TrainingPlotIT {

    @Test
    void oneLossAndOnePsnrWindowHoldEveryEpoch() throws Exception {
        String output = ImageJMacroRunner.runJava(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
            TrainingPlotProbe.class.getName()), null, Duration.ofSeconds(90), "Plot probe").assertExitCode(0).output();
        assertTrue(output.contains("PROBE interactive=true"), output);
        assertTrue(output.contains("PROBE windows=2"), output);
        assertTrue(output.contains("PROBE plot=Training loss run.zip x=[1.0, 2.0, 3.0] y=[0.04, 0.02, 0.01]"),
            output);
        assertTrue(output.contains("PROBE plot=Validation PSNR run.zip x=[1.0, 2.0, 3.0] y=[20.5, 22.0, 23.5]"),
            output);
    }
}

package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The interactive path of the bridge (GenericDialog built from the command's inputs, defaults shown, values read
 * back, image window shown) on a virtual display, through {@link InteractiveDialogProbe}.
 */
class InteractiveDialogIT {

    @Test
    void dialogShowsDefaultsAndRunsWithTheChosenValues() throws Exception {
        String output = ImageJMacroRunner.runJava(List.of("-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
            InteractiveDialogProbe.class.getName()), null, Duration.ofSeconds(90), "Dialog probe").assertExitCode(0).output();
        assertTrue(output.contains("PROBE dialog=Phantom choices=2 size=256 seed=42"), output);
        assertTrue(output.contains("PROBE image=Random ellipses 40 seed 3 40x40 info=phantom=random ellipses"),
            output);
    }
}

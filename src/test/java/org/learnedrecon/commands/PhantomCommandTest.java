package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;
import net.imglib2.RandomAccess;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** PhantomCommand through a real SciJava Context and CommandService, with pre- and postprocessing. */
class PhantomCommandTest extends SciJavaCommandTest {

    @Test
    void isDiscoveredWithItsMenuPath() {
        CommandInfo info = commands.getCommand(PhantomCommand.class);
        assertNotNull(info, "PhantomCommand missing from the plugin index");
        assertEquals("Plugins > Learned Reconstruction > Phantom...", info.getMenuPath().getMenuString());
    }

    @Test
    void sheppLoganWithKnownCentre() throws Exception {
        CommandModule module = commands.run(PhantomCommand.class, true, "type", "Shepp-Logan", "size", 65,
            "slices", 2, "seed", 1L).get();
        MetadataImage phantom = assertInstanceOf(MetadataImage.class, module.getOutput("phantom"));
        assertArrayEquals(new long[] {65, 65, 2}, phantom.image().dimensionsAsLongArray());
        RandomAccess<FloatType> ra = phantom.image().randomAccess();
        ra.setPosition(new long[] {32, 32, 1});
        assertEquals(0.2f, ra.get().get(), 1e-6f, "centre pixel (0, 0) of the second slice");
        assertEquals("modified Shepp-Logan (Toft)", phantom.metadata().get("phantom"));
    }

    @Test
    void randomEllipsesFollowTheSeedAndReportProgress() throws Exception {
        RecordingMonitor recording = new RecordingMonitor();
        CommandModule module = commands.run(PhantomCommand.class, true, "type", "Random ellipses", "size", 48,
            "slices", 3, "seed", 99L, "progress", recording).get();
        MetadataImage phantom = (MetadataImage) module.getOutput("phantom");
        float[] expected = new RandomEllipsesPhantom(99).nextStack(48, 3, ProgressMonitor.NONE).getPlane(2)
            .getCurrentStorageArray();
        RandomAccess<FloatType> ra = phantom.image().randomAccess();
        for (int i = 0; i < expected.length; i++) {
            ra.setPosition(new long[] {i % 48, i / 48, 2});
            assertEquals(expected[i], ra.get().get(), 0f);
        }
        assertEquals(List.of(1L, 2L, 3L), recording.done);
        assertEquals("99", phantom.metadata().get("seed"));
    }

    @Test
    void unknownTypeFailsNamingIt() {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> commands.run(PhantomCommand.class, false, "type", "Blob", "size", 8).get());
        Throwable cause = e.getCause();
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("Blob"), cause.toString());
    }
}

package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.awt.event.KeyEvent;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class ImageJProgressMonitorTest {

    @Test
    void escapeKeyCancelsAndANewMonitorStartsClean() {
        IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        ImageJProgressMonitor monitor = new ImageJProgressMonitor("Test");
        assertFalse(monitor.isCancelled(), "an Esc pressed before the run must not cancel it");
        monitor.progress(1, 10, "step 1");
        IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        assertTrue(monitor.isCancelled());
        assertThrows(CancellationException.class, monitor::checkCancelled);
        IJ.resetEscape();
    }
}

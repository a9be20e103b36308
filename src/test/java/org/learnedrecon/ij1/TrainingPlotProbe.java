package org.learnedrecon.ij1;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.PlotWindow;
import java.awt.EventQueue;
import java.util.Arrays;
import org.learnedrecon.training.EpochRecord;

/**
 * Shows {@link TrainingPlot} with an ImageJ window on a (virtual) display: three epochs are reported, then the probe
 * prints the plot windows it finds and their points. Run by {@link TrainingPlotIT} in its own JVM under xvfb-run.
 */
public final class TrainingPlotProbe {

    private TrainingPlotProbe() {
    }

    public static void main(String[] args) {
        try {
            probe();
            System.exit(0);
        } catch (Throwable e) {
            // Fail at once: an exception here must not leave ImageJ's windows keeping the JVM alive until timeout.
            System.out.println("PROBE failed: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void probe() throws Exception {
        new ImageJ(ImageJ.NO_SHOW);
        TrainingPlot plot = new TrainingPlot("run.zip");
        System.out.println("PROBE interactive=" + TrainingPlot.interactive());
        plot.epochFinished(new EpochRecord(0, 0.04, 20.5, 1));
        plot.epochFinished(new EpochRecord(1, 0.02, 22.0, 1));
        plot.epochFinished(new EpochRecord(2, 0.01, 23.5, 1));
        EventQueue.invokeAndWait(() -> { });
        int[] ids = WindowManager.getIDList();
        System.out.println("PROBE windows=" + (ids == null ? 0 : ids.length));
        for (int id : ids == null ? new int[0] : ids) {
            ImagePlus image = WindowManager.getImage(id);
            if (image.getWindow() instanceof PlotWindow window) {
                System.out.println("PROBE plot=" + image.getTitle() + " x=" + Arrays.toString(
                    window.getPlot().getXValues()) + " y=" + Arrays.toString(window.getPlot().getYValues()));
            }
        }
        IJ.getInstance().quit();
    }
}

package org.learnedrecon.ij1;

import ij.IJ;
import ij.gui.Plot;
import ij.gui.PlotWindow;
import ij.macro.Interpreter;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.learnedrecon.training.EpochRecord;
import org.learnedrecon.training.TrainingListener;

/**
 * Shows a training run in ImageJ: every epoch line goes to {@code IJ.log} (the Log window, or standard output in a
 * {@code -batch} run), and, when ImageJ has a window and no batch-mode macro runs, a live plot of the mean training
 * loss (left axis, log scale) and the validation PSNR (dB, drawn in its own plot below) is updated after every epoch.
 */
public final class TrainingPlot implements TrainingListener {

    private final String title;
    private final List<Double> epochs = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> psnrs = new ArrayList<>();
    private PlotWindow lossWindow;
    private PlotWindow psnrWindow;

    /** @param title names the run in the plot titles, e.g. the output model file's name */
    public TrainingPlot(String title) {
        this.title = title;
    }

    /** Whether plots are drawn (an ImageJ window, not headless, not in a batch-mode macro). */
    public static boolean interactive() {
        return !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null && !Interpreter.isBatchMode();
    }

    @Override
    public void epochFinished(EpochRecord record) {
        IJ.log(title + ": " + record);
        epochs.add((double) record.epoch + 1);
        losses.add(record.trainingLoss);
        psnrs.add(record.validationPsnr);
        if (interactive()) {
            lossWindow = update(lossWindow, "Training loss " + title, "mean squared error", losses, Color.RED);
            psnrWindow = update(psnrWindow, "Validation PSNR " + title, "PSNR (dB)", psnrs, Color.BLUE);
        }
    }

    @Override
    public void checkpointWritten(int epochsDone, Path directory) {
        IJ.log(title + ": checkpoint " + directory);
    }

    /** What the run tells beside the epochs, e.g. the teacher's choices of {@code supervision=choice}, to the Log. */
    @Override
    public void note(String message) {
        IJ.log(title + ": " + message);
    }

    private PlotWindow update(PlotWindow window, String plotTitle, String yLabel, List<Double> values,
        Color color) {
        Plot p = new Plot(plotTitle, "epoch", yLabel);
        p.setColor(color);
        p.addPoints(toArray(epochs), toArray(values), Plot.CONNECTED_CIRCLES);
        p.setLimitsToFit(false);
        if (window != null && !window.isClosed()) {
            // Redraw in the open window (the user may have moved it) instead of opening one per epoch. The window
            // Plot.show() returns is kept: it may not be registered with its ImagePlus yet when the next epoch ends.
            window.setPlot(p);
            return window;
        }
        return p.show();
    }

    private static double[] toArray(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}

package org.learnedrecon.commands;

import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

/**
 * Base of Reconstruct CT and Reconstruct MRI: the outputs they share (the reconstruction, for
 * {@code solver=[Diffusion posterior]} the posterior std and the kept samples, and the metrics against a reference)
 * and their getters for callers holding the instance.
 */
public abstract class ReconstructionCommand extends MonitoredCommand {

    @Parameter(type = ItemIO.OUTPUT, label = "Reconstruction")
    private MetadataImage reconstruction;

    @Parameter(type = ItemIO.OUTPUT, label = "Posterior std", required = false)
    private MetadataImage uncertainty;

    @Parameter(type = ItemIO.OUTPUT, label = "Posterior samples", required = false)
    private MetadataImage posteriorSamples;

    @Parameter(type = ItemIO.OUTPUT, label = "Metrics", required = false)
    private MeasurementTable metrics;

    /** The reconstruction. */
    public MetadataImage reconstruction() {
        return reconstruction;
    }

    /** The posterior standard deviation (solver=[Diffusion posterior]), else null. */
    public MetadataImage uncertainty() {
        return uncertainty;
    }

    /** PSNR/SSIM per slice, or null without a reference. */
    public MeasurementTable metrics() {
        return metrics;
    }

    protected void setReconstruction(MetadataImage image) {
        reconstruction = image;
    }

    protected void setMetrics(MeasurementTable table) {
        metrics = table;
    }

    /** Shows the posterior's std and, when kept, its samples. */
    protected void setPosterior(PosteriorImages images) {
        uncertainty = images.std();
        posteriorSamples = images.samples();
    }
}

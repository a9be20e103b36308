package org.learnedrecon.training;

/** Summary of one finished epoch (epoch counts from 0). */
public final class EpochRecord {

    public final int epoch;
    /** Mean training loss (MSE in normalised intensities) over the epoch's steps. */
    public final double trainingLoss;
    /** Mean validation PSNR in dB (data range = max - min of each ground-truth image); NaN without validation. */
    public final double validationPsnr;
    /** Wall-clock seconds of the epoch's training steps (without validation and checkpointing). */
    public final double seconds;
    /**
     * What {@link #validationPsnr} measures, for the log: "validation PSNR", or for measured data scored on held-out
     * measurements the name of that score.
     */
    public final String scoreName;

    public EpochRecord(int epoch, double trainingLoss, double validationPsnr, double seconds) {
        this(epoch, trainingLoss, validationPsnr, seconds, "validation PSNR");
    }

    public EpochRecord(int epoch, double trainingLoss, double validationPsnr, double seconds, String scoreName) {
        this.epoch = epoch;
        this.trainingLoss = trainingLoss;
        this.validationPsnr = validationPsnr;
        this.seconds = seconds;
        this.scoreName = scoreName;
    }

    /** The log line; epochs count from 1 there, as in the step lines, the "Training" table and the plots. */
    @Override
    public String toString() {
        return String.format("epoch %d: loss %.6g, %s, %.1f s", epoch + 1, trainingLoss, Double.isNaN(validationPsnr)
            ? "no validation images" : String.format("%s %.2f dB", scoreName, validationPsnr), seconds);
    }
}

package org.learnedrecon.training;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Settings of a training run; everything that changes the result is recorded in checkpoints and model files. */
public final class TrainingConfig {

    public int epochs = 10;
    public int batchSize = 4;
    public double learningRate = 1e-3;
    /**
     * The last this many epochs run at a tenth of {@link #learningRate} (a step decay; 0 = none). Equivariant
     * imaging from scratch at CT 30 views gained 0.19 dB on brain val and 0.51 on natural crops from 3 such epochs
     * after 21 (README, "Longer, then a lower rate").
     */
    public int decayEpochs;
    public long seed = 1;
    /** Directory for per-epoch checkpoints, or {@code null} for none (then no resume). */
    public Path checkpointDirectory;
    /** Images are divided by it; {@code NaN} means the maximum of the training set. */
    public double intensityScale = Double.NaN;
    /** Checkpoints kept (the newest ones). */
    public int checkpointsKept = 2;
    /**
     * Whether the run ends with the weights of its best validation epoch (early stopping by model selection) rather
     * than of its last epoch. The checkpoints always hold the last epoch, so training can resume past the best.
     */
    public boolean keepBest = true;
    /**
     * A model file whose weights start the training (fine-tuning, adaptation to new data), or {@code null} for the
     * seeded random initialisation. A checkpoint, when there is one, takes precedence (the run resumes).
     */
    public Path initialModel;
    /**
     * Whether an unrolled LGD starts as its initial reconstruction ({@code LearnedGradientDescent
     * #startAsInitialReconstruction}: every step's last convolution zero, after {@link #initialModel}'s weights).
     */
    public boolean startAsInitial;
    /**
     * Whether the supervised loss is the batch's mean PSNR (the mean over samples of {@code 10 log10} of each
     * sample's squared error, minimised) instead of the mean squared error. MSE lets the images with the largest
     * errors decide every step; on a corpus mixing textures (errors ~1e-3) with piecewise-constant phantoms (~1e-4)
     * a refinement of TV then traded 2.7-5.6 dB on the phantoms for 2 dB on the textures. Scores, like the held-out
     * tables, average PSNR.
     */
    public boolean psnrLoss;

    public TrainingConfig epochs(int value) {
        epochs = value;
        return this;
    }

    public TrainingConfig batchSize(int value) {
        batchSize = value;
        return this;
    }

    public TrainingConfig learningRate(double value) {
        learningRate = value;
        return this;
    }

    public TrainingConfig decayEpochs(int value) {
        decayEpochs = value;
        return this;
    }

    /** The learning rate of epoch {@code epoch} (0-based): a tenth of the rate in the last {@link #decayEpochs}. */
    public double rateAt(int epoch) {
        return epoch >= epochs - decayEpochs ? learningRate / 10 : learningRate;
    }

    public TrainingConfig seed(long value) {
        seed = value;
        return this;
    }

    public TrainingConfig checkpointDirectory(Path value) {
        checkpointDirectory = value;
        return this;
    }

    public TrainingConfig keepBest(boolean value) {
        keepBest = value;
        return this;
    }

    public TrainingConfig initialModel(Path value) {
        initialModel = value;
        return this;
    }

    public TrainingConfig startAsInitial(boolean value) {
        startAsInitial = value;
        return this;
    }

    public TrainingConfig psnrLoss(boolean value) {
        psnrLoss = value;
        return this;
    }

    public TrainingConfig intensityScale(double value) {
        intensityScale = value;
        return this;
    }

    void validate() {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || checkpointsKept < 1) {
            throw new IllegalArgumentException("Training needs epochs >= 1, batch >= 1, learning rate > 0, got "
                + epochs + ", " + batchSize + ", " + learningRate);
        }
        if (decayEpochs < 0 || decayEpochs >= epochs) {
            throw new IllegalArgumentException("decay= (TrainMain: lr.decay=), the last epochs at a tenth of the"
                + " rate, must be 0 or fewer than epochs= (" + epochs + "), got " + decayEpochs);
        }
    }

    /** The settings as text, for metadata and for refusing to resume a checkpoint of different settings. */
    public Map<String, String> describe() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("batchSize", Integer.toString(batchSize));
        map.put("learningRate", Double.toString(learningRate));
        if (decayEpochs > 0) {
            map.put("decayEpochs", decayEpochs + " (the last epochs at a tenth of the rate)");
        }
        map.put("seed", Long.toString(seed));
        map.put("optimizer", "Adam(0.9, 0.999, 1e-8)");
        map.put("loss", psnrLoss ? "PSNR (mean over samples of 10 log10 MSE)" : "MSE");
        if (initialModel != null) {
            map.put("init", initialModel.getFileName().toString());
        }
        if (startAsInitial) {
            map.put("startAsInitial", "true");
        }
        return map;
    }
}

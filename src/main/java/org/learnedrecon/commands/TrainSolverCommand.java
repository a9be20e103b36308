package org.learnedrecon.commands;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.ij1.TrainingPlot;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.PostProcessingNetwork;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.training.EpochRecord;
import org.learnedrecon.training.EquivariantImagingLoss;
import org.learnedrecon.training.HeldOutLines;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.MeasuredKspace;
import org.learnedrecon.training.MeasuredSinograms;
import org.learnedrecon.training.PatchCorpus;
import org.learnedrecon.training.SplitMeasurementLoss;
import org.learnedrecon.training.Supervision;
import org.learnedrecon.training.TrainingConfig;
import org.learnedrecon.training.TrainingJob;
import org.learnedrecon.training.TrainingResult;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Train Solver...: trains a learned solver on ground-truth image stacks with
 * simulated measurements and writes a model file for Reconstruct CT (or MRI) {@code model=}. The work is
 * {@link TrainingJob}, the same as the command-line {@code TrainMain}.
 *
 * <p>Macro keys: {@code training=} / {@code validation=} (titles of open stacks) or {@code train=} / {@code val=}
 * (TIFF paths, used when no image is given); {@code physics=[CT parallel beam|MRI Cartesian]}; CT {@code angles=}
 * (views over {@code range=} degrees, detectors cover the image); MRI {@code acceleration=} {@code center=} (fully
 * sampled centre fraction; random lines) {@code masks=[New mask per batch|One fixed mask]} (default a new draw of
 * the random-line pattern for each batch, so the model learns the pattern rather than one mask; or mask seed 0); {@code noise=} (Gaussian, fraction of each measurement's
 * RMS); {@code solver=} (architecture); {@code unrolled=} (iterations of LGD/LPD, 0 = default) {@code channels=}
 * (hidden channels, U-Net base channels; 0 = default); {@code epochs=} {@code batch=} {@code rate=} (Adam learning
 * rate; 0, the default, = {@code TrainingJob.automaticRate}) {@code seed=};
 * {@code supervision=[Images|Measurements only|Measurements only (split)]} (clean images; the
 * measurements alone with equivariant imaging; or split per batch: k-space lines as in SSDU, CT views as in
 * Noise2Inverse; or {@code [Choice by held-out measurements (distil)]}: the choice by held-out views or lines
 * reconstructs {@code measurements=}, and the solver learns to reproduce its images through their scan, 40 augmented
 * copies per epoch, the epoch closest to them kept, no validation images; with {@code init=} a CT model refining TV
 * starts at the median TV lambda the choice used (where fewer than half the slices used TV, the median of each
 * slice's best TV by held-out views), an MRI one at the TV start whose images predict held-out lines
 * best, unless {@code tv=} says otherwise; the {@code init=} model is written unchanged when it scores better than
 * the student: by held-out measurements on k-space and on sinograms over 180 degrees, by the mirror test at limited
 * angle); {@code equivariance=}
 * (weight of the equivariance term of Measurements only, default 100, 0 =
 * measurement consistency alone) {@code detach} (its target a constant: from scratch better, with weight 1000);
 * {@code split=[Lines|Gaussian points]} (what Measurements only (split) holds out of MRI k-space: whole sampled lines,
 * or sampled points about the centre as SSDU's Gaussian selection); {@code consistency=} (LGD: conjugate-gradient
 * iterations of an exact data-consistency step ending every step, MoDL's and SSDU's; 0 = none);
 * {@code measurements=} (with a measurements-only supervision: the title of an open
 * stack of measured CT sinograms to learn from instead of training images; the scan from its Info, or
 * {@code angles=}/{@code range=} when it has none; with {@code physics=[MRI Cartesian]} an open complex k-space
 * hyperstack with the {@code mri.*} Info Simulate MRI writes, its mask; validation images optional); {@code checkpoint=} (directory,
 * optional: a checkpoint per epoch, and a rerun with the same settings resumes from it); {@code output=} (model file); {@code device=[Auto|CPU|GPU]}; {@code patch=} (train
 * on random patches of that side of the images in {@code train=} / {@code val=}, each a folder of PNG/TIFF/JPEG
 * images of any size or an image file: the Plug-and-play denoiser with a noise-level map over sigma 0 to 0.2 and no
 * physics, the other solvers through the physics on patch x patch images). Esc cancels after the
 * current step, keeping the last epoch's checkpoint.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Train Solver...")
public class TrainSolverCommand extends MonitoredCommand {

    public static final String CT = "CT parallel beam";
    public static final String MRI = "MRI Cartesian";
    /** MRI training masks: a new random-line mask for each batch (learns the pattern) or one mask (seed 0). */
    public static final String MASKS_PER_BATCH = "New mask per batch";
    public static final String MASK_FIXED = "One fixed mask";
    /** What Measurements only (split) holds out of MRI k-space: whole lines, or points about the centre (SSDU's). */
    public static final String SPLIT_LINES = "Lines";
    public static final String SPLIT_GAUSSIAN = "Gaussian points";

    @Parameter(label = "Training images (open stack)", required = false)
    private MetadataImage training;

    @Parameter(label = "Validation images (open stack)", required = false)
    private MetadataImage validation;

    @Parameter(label = "Train file (TIFF stack, when no training image)", required = false)
    private File train;

    @Parameter(label = "Val file (TIFF stack, when no validation image)", required = false)
    private File val;

    @Parameter(label = "Patch (random patches of this side from train= and val= files or folders of images of any"
        + " size; 0 = whole slices)", min = "0", max = "4096")
    private int patch = 0;

    @Parameter(label = "Physics", choices = {CT, MRI})
    private String physics = CT;

    @Parameter(label = "Angles (CT views)", min = "1", max = "100000")
    private int angles = 30;

    @Parameter(label = "Range (CT, degrees)", min = "1", max = "360")
    private double range = 180;

    @Parameter(label = "Acceleration (MRI)", min = "1")
    private double acceleration = 8;

    @Parameter(label = "Center fraction (MRI, fully sampled)", min = "0", max = "1")
    private double center = 0.04;

    @Parameter(label = "Masks (MRI)", choices = {MASKS_PER_BATCH, MASK_FIXED})
    private String masks = MASKS_PER_BATCH;

    @Parameter(label = "Noise (relative Gaussian level)", min = "0")
    private double noise = 0.01;

    @Parameter(label = "Solver", choices = {SolverFactory.LGD, SolverFactory.LPD,
        SolverFactory.PNP, SolverFactory.POST_PROCESSING})
    private String solver = SolverFactory.LGD;

    @Parameter(label = "Supervision (what the network learns from)", choices = {IMAGES, MEASUREMENTS_ONLY,
        MEASUREMENTS_SPLIT, CHOICE})
    private String supervision = IMAGES;

    @Parameter(label = "Equivariance weight (Measurements only; 0 = measurement consistency alone)", min = "0")
    private double equivariance = EquivariantImagingLoss.DEFAULT_ALPHA;

    @Parameter(label = "Detach (Measurements only: the equivariance term's target a constant, no gradient through"
        + " it; from scratch this measured better, with weight 1000)")
    private boolean detach = false;

    @Parameter(label = "Measurements (open sinogram or k-space stack to learn from, with Measurements only or"
        + " Choice; replaces training images)", required = false)
    private MetadataImage measurements;

    @Parameter(label = "Holdout (measured k-space: share of outer lines kept out to choose the epoch; 0 = none)",
        min = "0", max = "0.5")
    private double holdout = HeldOutLines.DEFAULT_FRACTION;

    @Parameter(label = "Split (Measurements only (split), MRI: what the loss holds out)",
        choices = {SPLIT_LINES, SPLIT_GAUSSIAN})
    private String split = SPLIT_LINES;

    @Parameter(label = "Unrolled iterations (LGD, LPD; 0 = default)", min = "0", max = "1000")
    private int unrolled = 0;

    @Parameter(label = "Consistency (LGD: conjugate-gradient iterations of a data-consistency step ending each step,"
        + " as MoDL; 2 is exact in single-coil MRI; 0 = none)", min = "0", max = "100")
    private int consistency = 0;

    @Parameter(label = "Channels (hidden; 0 = default)", min = "0", max = "4096")
    private int channels = 0;

    @Parameter(label = "TV (lambda of a TV start: the solver refines TV's reconstruction; 0 = start from FBP / zero"
        + " filling)", min = "0", required = false)
    private double tv = 0;

    @Parameter(label = "Loss (with images)", choices = {LOSS_MSE, LOSS_PSNR})
    private String loss = LOSS_MSE;

    @Parameter(label = "Epochs", min = "1", max = "100000")
    private int epochs = 10;

    @Parameter(label = "Batch size", min = "1", max = "4096")
    private int batch = 4;

    @Parameter(label = "Rate (learning rate; 0 = automatic: 1e-3 from scratch, with init= 1e-5 on simulated"
        + " measurements, else 1e-4)", min = "0")
    private double rate = 0;

    @Parameter(label = "Decay (the last epochs at a tenth of the rate; 0 = none)", min = "0", max = "100000")
    private int decay = 0;

    @Parameter(label = "Seed", min = "0")
    private long seed = 1;

    @Parameter(label = "Checkpoint directory (optional; resumes)", required = false)
    private File checkpoint;

    @Parameter(label = "Init (optional: a shipped model's name or a model file to adapt or fine-tune)",
        required = false)
    private String init;

    @Parameter(label = "Output model file")
    private File output;

    @Parameter(label = "Device", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Training history")
    private MeasurementTable history;

    @Parameter(type = ItemIO.OUTPUT, label = "Model file")
    private String model;

    @Override
    public void run() {
        TrainingJob job = new TrainingJob();
        job.supervision = Supervision.parse(supervision);
        equivariance(job);
        splitSelection(job);
        if (patch > 0 && job.supervision == Supervision.CHOICE) {
            throw new IllegalArgumentException("patch=" + patch + ": supervision=[" + CHOICE + "] trains on the"
                + " teacher's whole slices of measurements=; set patch=0");
        }
        if (patch > 0) {
            patches(job);
            return;
        }
        if (measurements != null) {
            measured(job);
            return;
        }
        ImageSliceDataset slices = dataset(training, train, "training", "train");
        job.training = slices;
        job.validation = dataset(validation, val, "validation", "val");
        if (slices.width() != slices.height()) {
            throw new IllegalArgumentException("Training images must be square, got " + slices.width() + "x"
                + slices.height());
        }
        physics(job, slices.width());
        network(job);
        job.noise = noise;
        train(job);
    }

    /** The physics' settings for images of {@code size x size}. */
    private void physics(TrainingJob job, int size) {
        if (CT.equalsIgnoreCase(physics)) {
            job.physics = CtParallelPhysics.NAME;
            job.physicsSettings.put("size", Integer.toString(size));
            job.physicsSettings.put("views", Integer.toString(angles));
            job.physicsSettings.put("range", Double.toString(range));
        } else if (MRI.equalsIgnoreCase(physics)) {
            job.physics = MriCartesianPhysics.NAME;
            job.physicsSettings.put("size", Integer.toString(size));
            job.physicsSettings.put("acceleration", Double.toString(acceleration));
            job.physicsSettings.put("center", Double.toString(center));
            job.physicsSettings.put("maskSeed", MASK_FIXED.equals(masks) ? "0" : MriCartesianPhysics.MASK_PER_BATCH);
        } else {
            throw new IllegalArgumentException("physics=" + physics + " is unknown: choose [" + CT + "] or [" + MRI
                + "]");
        }
        if (tv > 0) {
            job.physicsSettings.put(PhysicsFactory.INITIAL, tvStart());
        }
    }

    /** The TV start of {@code tv=}, {@code tv<lambda>}. */
    private String tvStart() {
        return "tv" + java.math.BigDecimal.valueOf(tv).toPlainString();
    }

    /**
     * The equivariance term of Measurements only ({@link EquivariantImagingLoss}): its weight, and whether its target
     * is fixed; a fixed target with another supervision is refused naming the key.
     */
    private void equivariance(TrainingJob job) {
        if (!(equivariance >= 0) || Double.isInfinite(equivariance)) {
            throw new IllegalArgumentException("equivariance=" + equivariance + ": the weight must be >= 0 and finite");
        }
        if (detach && job.supervision != Supervision.MEASUREMENTS) {
            throw new IllegalArgumentException("detach fixes the target of equivariant imaging; it needs "
                + "supervision=[" + MEASUREMENTS_ONLY + "], not supervision=[" + supervision + "]");
        }
        job.eiAlpha = equivariance;
        job.eiFixedTarget = detach;
    }

    /** What Measurements only (split) holds out; another choice with another supervision is refused naming the key. */
    private void splitSelection(TrainingJob job) {
        boolean gaussian = SPLIT_GAUSSIAN.equalsIgnoreCase(split);
        if (!gaussian && !SPLIT_LINES.equalsIgnoreCase(split)) {
            throw new IllegalArgumentException("split=" + split + " is unknown: choose " + SPLIT_LINES + " or ["
                + SPLIT_GAUSSIAN + "]");
        }
        if (gaussian && job.supervision != Supervision.SPLIT) {
            throw new IllegalArgumentException("split=[" + SPLIT_GAUSSIAN + "] chooses what supervision=["
                + MEASUREMENTS_SPLIT + "] holds out; it does not apply to supervision=[" + supervision + "]");
        }
        job.splitSelection = gaussian ? SplitMeasurementLoss.Selection.GAUSSIAN : SplitMeasurementLoss.Selection.LINES;
    }

    /** The solver's architecture and the hidden sizes asked for. */
    private void network(TrainingJob job) {
        job.architecture = LearnedSolverFactory.architecture(solver);
        if (consistency > 0) {
            if (!LearnedGradientDescent.ARCHITECTURE.equals(job.architecture)) {
                throw new IllegalArgumentException("consistency=" + consistency + ": the data-consistency step is "
                    + "learned gradient descent's; solver=" + solver + " has none (set consistency=0)");
            }
            job.hyperParameters.put("dataConsistency", Integer.toString(consistency));
        }
        boolean unrolledNetwork = !DnCnn.ARCHITECTURE.equals(job.architecture)
            && !PostProcessingNetwork.ARCHITECTURE.equals(job.architecture);
        if (unrolled > 0 && unrolledNetwork) {
            job.hyperParameters.put("iterations", Integer.toString(unrolled));
        }
        if (channels > 0) {
            job.hyperParameters.put(PostProcessingNetwork.ARCHITECTURE.equals(job.architecture) ? "baseChannels"
                : "hiddenChannels", Integer.toString(channels));
        }
    }

    /**
     * Learning from an open stack of measured sinograms ({@link MeasuredSinograms}): the scan from its Info, or when
     * the Info has none a parallel beam of {@code angles=} over {@code range=}; or with {@code physics=[MRI Cartesian]}
     * from measured k-space and the mask of its Info ({@link MeasuredKspace}); clean validation images optional;
     * {@code noise=} is the noise of the equivariance term's virtual measurements.
     */
    private void measured(TrainingJob job) {
        if (tv > 0 && job.supervision == Supervision.CHOICE) {
            job.physicsSettings.put(PhysicsFactory.INITIAL, tvStart());
        } else if (tv > 0) {
            throw new IllegalArgumentException("tv=" + tv + " (a TV start) applies to training from images; with "
                + "measurements= set tv=0 (a model given as init= keeps the start it was trained from)");
        }
        if (CT.equalsIgnoreCase(physics)) {
            boolean stored = measurements.metadata().containsKey(CtGeometry.KEY_GEOMETRY);
            job.measured = MeasuredSinograms.fromImage(measurements, stored ? 0 : angles, stored ? 0 : range, 0);
        } else {
            job.measured = MeasuredKspace.fromImage(measurements);
            job.holdout = holdout;
        }
        job.physics = job.measured.physics();
        if (validation != null || (val != null && !val.getPath().isBlank())) {
            job.validation = dataset(validation, val, "validation", "val");
        }
        network(job);
        job.noise = noise;
        train(job);
    }

    /**
     * Training on random patches ({@link PatchCorpus}) of the images of {@code train=} (folders of PNG/TIFF/JPEG
     * images or stacks, any size), validation on {@link #VALIDATION_PATCHES} fixed patches of {@code val=}: the
     * Plug-and-play denoiser without physics, with a noise-level map over noise levels 0 to {@link #PATCH_SIGMA_MAX};
     * every other solver through the physics on {@code patch x patch} images.
     */
    private void patches(TrainingJob job) {
        if (training != null || validation != null) {
            throw new IllegalArgumentException("patch=" + patch + " reads images from train= and val= (files or "
                + "folders of any size), not from open images: give their paths, or set patch=0");
        }
        job.patch = patch;
        job.training = PatchCorpus.of(List.of(path(train, "train")), patch, PatchCorpus.DEFAULT_PATCHES_PER_EPOCH);
        job.validation = PatchCorpus.of(List.of(path(val, "val")), patch, 1).fixedSample(VALIDATION_PATCHES, seed);
        if (!SolverFactory.PNP.equals(solver)) {
            physics(job, patch);
            network(job);
            job.noise = noise;
            train(job);
            return;
        }
        job.architecture = DnCnn.ARCHITECTURE;
        job.hyperParameters.put("noiseMap", "true");
        if (channels > 0) {
            job.hyperParameters.put("hiddenChannels", Integer.toString(channels));
        }
        job.sigma = 0;
        job.sigmaMax = PATCH_SIGMA_MAX;
        train(job);
    }

    /**
     * Supervision choices: clean images, the measurements alone (equivariant imaging), or the measurements alone split
     * into the network's and the loss's parts (SSDU for MRI k-space, Noise2Inverse for CT views).
     */
    public static final String IMAGES = "Images";
    public static final String MEASUREMENTS_ONLY = "Measurements only";
    public static final String MEASUREMENTS_SPLIT = "Measurements only (split)";
    /** Distilling the choice: the choice by held-out measurements reconstructs them, the solver learns its images. */
    public static final String CHOICE = "Choice by held-out measurements (distil)";

    /** Loss choices: mean squared error, or the mean PSNR over the images of a batch (TrainingConfig.psnrLoss). */
    public static final String LOSS_MSE = "MSE";
    public static final String LOSS_PSNR = "PSNR (mean over images)";

    /** Noise range and validation patches of {@code patch=} training. */
    public static final double PATCH_SIGMA_MAX = 0.2;
    public static final int VALIDATION_PATCHES = 64;

    private static String path(File file, String key) {
        if (file == null || file.getPath().isBlank()) {
            throw new IllegalArgumentException(key + "= is required with patch=: a folder of images or an image file");
        }
        return file.getPath();
    }

    /** Settings every run shares, the run itself, and the outputs. */
    private void train(TrainingJob job) {
        job.config = new TrainingConfig().epochs(epochs).batchSize(batch)
            .learningRate(rate == 0 ? Double.NaN : rate).decayEpochs(decay).seed(seed)
            .psnrLoss(LOSS_PSNR.equals(loss))
            // An LGD refining TV starts as TV itself; other solvers take the TV start as their input only.
            .startAsInitial(tv > 0 && LearnedGradientDescent.ARCHITECTURE.equals(job.architecture));
        if (checkpoint != null && !checkpoint.getPath().isBlank()) {
            job.config.checkpointDirectory(checkpoint.toPath());
        }
        if (output == null || output.getPath().isBlank()) {
            throw new IllegalArgumentException("output= is required: the model file to write");
        }
        job.output = output.toPath();
        job.device = DeepLearningRuntime.DeviceChoice.parse(device);
        if (init != null && !init.isBlank()) {
            try {
                job.startFrom(init.trim(), false);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("init=" + init + ": " + e.getMessage(), e);
            }
        }
        TrainingResult result = job.run(new TrainingPlot(output.getName()), progress());
        history = new MeasurementTable("Training " + output.getName(),
            List.of("epoch", "loss", "validation_PSNR", "seconds"));
        for (EpochRecord r : result.epochs) {
            history.addRow(solver, r.epoch + 1, r.trainingLoss, r.validationPsnr, r.seconds);
        }
        model = output.getAbsolutePath();
    }

    private static ImageSliceDataset dataset(MetadataImage image, File file, String imageKey, String fileKey) {
        if (image != null) {
            return ImageSliceDataset.fromImage(image.image(), image.title());
        }
        if (file != null && !file.getPath().isBlank()) {
            return ImageSliceDataset.fromTiff(Path.of(file.getPath()));
        }
        throw new IllegalArgumentException("No " + imageKey + " data: give " + imageKey + "=<open image title> or "
            + fileKey + "=<TIFF path>");
    }

    /** The history of the finished run, for callers holding the instance. */
    public MeasurementTable history() {
        return history;
    }

    /** The absolute path of the written model file. */
    public String model() {
        return model;
    }
}

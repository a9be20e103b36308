package org.learnedrecon.training;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Command-line training, for long runs in the background:
 * <pre>
 * java -cp ... org.learnedrecon.training.TrainMain train=brain-t1-train-128.tif val=brain-t1-val-128.tif \
 *     physics=ct-parallel physics.views=30 physics.detectors=183 solver=lpd net.iterations=10 \
 *     epochs=50 batch=4 lr=1e-3 seed=1 noise=0.01 checkpoint=runs/lpd30 output=lpd-ct30.zip device=CPU
 * </pre>
 * Keys: {@code train}, {@code val} (TIFF stacks), {@code trainSlices}/{@code valSlices} (use the first N),
 * {@code physics} (a {@link PhysicsCatalog} name) and {@code physics.*} (its settings, recorded in the model; a
 * range {@code lo-hi} such as {@code physics.views=20-180 physics.range=90-180} (CT) or
 * {@code physics.acceleration=4-12} (MRI; {@code physics.center} is the centre fraction at the low end, and
 * {@code center x acceleration} stays constant) trains over a family of acquisitions, drawn anew for every batch,
 * and the model declares that it serves the range), {@code serves.*}
 * (further ranges the model declares without training over them, e.g. {@code serves.size=64-512}),
 * {@code solver} (lgd, lpd, postprocessing, dncnn) and {@code net.*} (hyper-parameters, see
 * {@link NetworkCatalog#defaults}), {@code epochs}, {@code batch}, {@code lr} (default
 * {@link TrainingJob#automaticRate}: 1e-3 from scratch, lower from {@code init=}), {@code seed}, {@code noise}
 * (relative Gaussian level of the measurements; {@code 0.005:0.05} draws each batch's level log-uniform), {@code sigma} (dncnn: image noise in units of the intensity
 * scale), {@code scale} (intensity scale; default the training maximum), {@code checkpoint} (directory; a rerun
 * with the same arguments resumes from it), {@code output} (model file), {@code device} (Auto, CPU, GPU),
 * {@code best} (default true: the model holds the weights of the best validation epoch; false: the last epoch's),
 * {@code threads} (PyTorch CPU threads, default 1; only from {@link #main}), {@code init} (a shipped model's name or
 * a model file: training starts from its weights, with its {@code net.*} settings and intensity scale unless given;
 * with {@code supervision=measurements} this adapts the model to the measurements of {@code train=}; recorded in
 * the new model's metadata as {@code training.init}), {@code startAsInitial} (LGD: every step's last convolution
 * starts at zero, so training starts from the initial reconstruction, e.g. {@code physics.initial=tv0.5}),
 * {@code loss} ({@code mse}, the default, or {@code psnr}: supervised training maximises the batch's mean PSNR).
 *
 * <p>{@code supervision=measurements} (default {@code images}) trains LGD or LPD from the measurements simulated from
 * {@code train=} alone, with the equivariant imaging loss ({@link EquivariantImagingLoss}, weight {@code ei.alpha},
 * default 100; 0 = measurement consistency only; {@code ei.detach=true}: its target a constant, which from scratch
 * does better, with {@code ei.alpha=1000}; {@code ei.sure=true}: Stein's unbiased risk estimate in place of
 * measurement consistency, {@link SureConsistency}, CT only; {@code ei.dihedral=true}: quarter turns and flips,
 * {@link DihedralTransform}, in place of rotations) and keeps the last epoch (default {@code best=false});
 * {@code supervision=split} does the same with split measurements: MRI k-space lines ({@link SplitMeasurementLoss},
 * SSDU; {@code split} = the share held out for the loss, default 0.4; {@code split.selection=lines}, the default,
 * holds out whole sampled lines, {@code gaussian} sampled points about the centre as SSDU's Gaussian selection; LGD's
 * {@code net.dataConsistency=2} ends each step in an exact data-consistency step, as SSDU's network) or the views of
 * a parallel-beam scan
 * ({@link Noise2InverseLoss}; {@code split} = 1/K for K interleaved subsets, default 0.5). With
 * {@code measurements=} (a TIFF stack of measured CT sinograms, its scan in the Info as Simulate CT Acquisition
 * writes it, or given by {@code physics.views}, {@code physics.range}, {@code physics.size}) it learns from those
 * instead of simulating them ({@link MeasuredSinograms}; with {@code physics=mri-cartesian} a complex k-space
 * hyperstack with its {@code mri.*} Info, {@link MeasuredKspace}); {@code train=} is not needed, {@code val=} (clean images)
 * is optional, {@code noise=} is the noise of the virtual measurements of the equivariance term, and {@code init=}'s
 * model must fit the scan. {@code supervision=choice} with {@code measurements=} distils the choice
 * ({@link ChoiceTeacher}): the choice by held-out views or lines (learned candidates {@code choice.models}, default
 * those of Reconstruct's choice) reconstructs the measured slices, and the network trains supervised on those images
 * through the data's own scan ({@code patches} augmented copies per epoch, default 40; the epoch that reproduces them
 * best is kept; no {@code val=}); a CT {@code init=} that refines TV starts at the set's TV lambda by the choice
 * ({@link ChoiceTeacher#tvLambda}),
 * an MRI one at the TV start whose images predict held-out lines best ({@link TvStartChoice}), unless
 * {@code physics.initial=} says otherwise; the {@code init=} model is written unchanged when it scores better than
 * the student ({@link StudentCheck}: held-out measurements, or at limited angle the mirror test). Measured k-space
 * keeps {@code holdout} (default 0.1) of its sampled lines outside the
 * centre out of training ({@link HeldOutLines}): the epochs are scored on predicting them, the best is kept, and
 * {@code init=}'s model is kept when no epoch predicts them better ({@code holdout=0}: all lines, last epoch).
 *
 * <p>Denoisers also train on random patches of images of any size: {@code patch=48} with {@code train=} and
 * {@code val=} each a comma-separated list of folders of PNG/TIFF/JPEG images, TIFF stacks, or {@code ellipses}
 * ({@link PatchCorpus}); {@code patches} per epoch (default 1600), {@code valPatches} fixed validation patches
 * (default 128); no physics needed. {@code sigma=0:0.2} draws each image's noise level uniformly from that range
 * (with {@code net.noiseMap=true} the network is told the level).
 */
public final class TrainMain {

    private TrainMain() {
    }

    public static void main(String[] args) throws Exception {
        // PyTorch's intra-op threads, set before the engine loads. Default 1: on the shared 2-core machine one
        // thread per run measured 2.5-4x faster per step than two (OpenMP threads spin while others hold the
        // cores); run several trainings side by side instead.
        String threads = parse(args).getOrDefault("threads", "1");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        try {
            run(args, ProgressMonitor.NONE);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("Error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** {@code key=value} arguments (of this and the benchmark mains); anything else fails naming the argument. */
    public static Map<String, String> parse(String... args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Argument '" + arg + "' is not key=value");
            }
            map.put(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
        }
        return map;
    }

    /**
     * {@code ei.detach}, {@code ei.sure} or {@code ei.dihedral} ({@code key}): {@code true} or {@code false}
     * (default), and {@code true} only for equivariant imaging ({@code supervision=measurements}); anything else is
     * refused naming the key and the value.
     */
    private static boolean equivarianceSwitch(Map<String, String> a, String key, Supervision supervision) {
        String value = a.getOrDefault(key, "false").trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + "=" + a.get(key) + ": choose true or false");
        }
        if (value.equals("true") && supervision != Supervision.MEASUREMENTS) {
            throw new IllegalArgumentException(key + "=true changes the loss of equivariant imaging; it needs"
                + " supervision=measurements, not supervision=" + a.getOrDefault("supervision", "images"));
        }
        return value.equals("true");
    }

    /** {@code loss=mse} or {@code loss=psnr}; anything else is refused naming the value. */
    private static boolean lossIsPsnr(String loss) {
        String value = loss.trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("mse") && !value.equals("psnr")) {
            throw new IllegalArgumentException("loss=" + loss + ": choose mse or psnr");
        }
        return value.equals("psnr");
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("Missing argument " + key + "=...");
        }
        return v;
    }

    private static Map<String, String> prefixed(Map<String, String> a, String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                map.put(k.substring(prefix.length()), v);
            }
        });
        return map;
    }

    /** Trains as the arguments say and writes the model file; returns the training result. */
    public static TrainingResult run(String[] args, ProgressMonitor progress) throws Exception {
        Map<String, String> a = parse(args);
        return train(a, progress);
    }

    private static TrainingResult train(Map<String, String> a, ProgressMonitor progress) throws java.io.IOException {
        TrainingJob job = new TrainingJob();
        job.supervision = Supervision.parse(a.getOrDefault("supervision", "images"));
        boolean fromMeasurements = job.supervision.lossOnMeasurements();
        job.eiAlpha = Double.parseDouble(a.getOrDefault("ei.alpha",
            Double.toString(EquivariantImagingLoss.DEFAULT_ALPHA)));
        job.eiFixedTarget = equivarianceSwitch(a, "ei.detach", job.supervision);
        job.eiSure = equivarianceSwitch(a, "ei.sure", job.supervision);
        job.eiDihedral = equivarianceSwitch(a, "ei.dihedral", job.supervision);
        job.splitFraction = Double.parseDouble(a.getOrDefault("split", "NaN"));
        if (a.containsKey("split.selection")) {
            if (job.supervision != Supervision.SPLIT) {
                throw new IllegalArgumentException("split.selection=" + a.get("split.selection") + " chooses how"
                    + " supervision=split draws its held-out k-space; it needs supervision=split, not supervision="
                    + a.getOrDefault("supervision", "images"));
            }
            job.splitSelection = SplitMeasurementLoss.Selection.parse(a.get("split.selection"));
        }
        job.holdout = Double.parseDouble(a.getOrDefault("holdout", Double.toString(HeldOutLines.DEFAULT_FRACTION)));
        job.choiceModels = a.getOrDefault("choice.models", "auto");
        if (job.supervision == Supervision.CHOICE) {
            job.choicePatches = Integer.parseInt(a.getOrDefault("patches",
                Integer.toString(TrainingJob.DEFAULT_CHOICE_PATCHES)));
        }
        if (fromMeasurements && Boolean.parseBoolean(a.getOrDefault("best", "false"))) {
            throw new IllegalArgumentException("best=true selects the model on clean validation images;"
                + " supervision=" + a.get("supervision") + " keeps the last epoch");
        }
        int patch = Integer.parseInt(a.getOrDefault("patch", "0"));
        if (job.supervision == Supervision.CHOICE && !a.containsKey("measurements")) {
            // Before train= is asked for: the job would refuse the same, after the data were read.
            throw TrainingJob.choiceWithoutMeasurements();
        }
        if (a.containsKey("measurements")) {
            // Measured sinograms: their Info (or physics.views/range/size) gives the scan; val= is optional.
            job.measured = MriCartesianPhysics.NAME.equals(a.get("physics"))
                ? MeasuredKspace.fromTiff(Path.of(a.get("measurements")))
                : MeasuredSinograms.fromTiff(Path.of(a.get("measurements")),
                Integer.parseInt(a.getOrDefault("physics.views", "0")),
                Double.parseDouble(a.getOrDefault("physics.range", "0")),
                Integer.parseInt(a.getOrDefault("physics.size", "0")));
            if (a.containsKey("val")) {
                job.validation = ImageSliceDataset.fromTiff(Path.of(a.get("val")));
            }
        } else if (patch > 0) {
            // Random patches of every listed source (folders, TIFFs, "ellipses"); validation: fixed patches.
            job.patch = patch;
            job.training = PatchCorpus.of(List.of(required(a, "train").split(",")), patch,
                Integer.parseInt(a.getOrDefault("patches", Integer.toString(PatchCorpus.DEFAULT_PATCHES_PER_EPOCH))));
            job.validation = PatchCorpus.of(List.of(required(a, "val").split(",")), patch, 1)
                .fixedSample(Integer.parseInt(a.getOrDefault("valPatches", "128")), 20261130L);
        } else {
            ImageSliceDataset training = ImageSliceDataset.fromTiff(Path.of(required(a, "train")));
            ImageSliceDataset validation = ImageSliceDataset.fromTiff(Path.of(required(a, "val")));
            if (a.containsKey("trainSlices")) {
                training = training.first(Integer.parseInt(a.get("trainSlices")));
            }
            if (a.containsKey("valSlices")) {
                validation = validation.first(Integer.parseInt(a.get("valSlices")));
            }
            job.training = training;
            job.validation = validation;
        }
        job.architecture = required(a, "solver").toLowerCase(Locale.ROOT);
        job.output = Path.of(required(a, "output"));
        job.physics = patch > 0 || job.measured != null ? a.get("physics") : required(a, "physics");
        job.physicsSettings = prefixed(a, "physics.");
        job.hyperParameters = prefixed(a, "net.");
        String[] noise = a.getOrDefault("noise", "0.01").split(":");
        job.noise = Double.parseDouble(noise[0]);
        job.noiseMax = noise.length > 1 ? Double.parseDouble(noise[1]) : Double.NaN;
        job.serves = prefixed(a, "serves.");
        String[] sigma = a.getOrDefault("sigma", "0.05").split(":");
        job.sigma = Double.parseDouble(sigma[0]);
        job.sigmaMax = sigma.length > 1 ? Double.parseDouble(sigma[1]) : Double.NaN;
        job.device = DeepLearningRuntime.DeviceChoice.parse(a.getOrDefault("device", "Auto"));
        job.config = new TrainingConfig()
            .epochs(Integer.parseInt(a.getOrDefault("epochs", "10")))
            .batchSize(Integer.parseInt(a.getOrDefault("batch", "4")))
            .learningRate(Double.parseDouble(a.getOrDefault("lr", "NaN"))) // NaN: TrainingJob.automaticRate
            .decayEpochs(Integer.parseInt(a.getOrDefault("lr.decay", "0")))
            .seed(Long.parseLong(a.getOrDefault("seed", "1")))
            .intensityScale(Double.parseDouble(a.getOrDefault("scale", "NaN")))
            .keepBest(Boolean.parseBoolean(a.getOrDefault("best", Boolean.toString(!fromMeasurements))))
            .startAsInitial(Boolean.parseBoolean(a.getOrDefault("startAsInitial", "false")))
            .psnrLoss(lossIsPsnr(a.getOrDefault("loss", "mse")));
        if (a.containsKey("checkpoint")) {
            job.config.checkpointDirectory(Path.of(a.get("checkpoint")));
        }
        if (a.containsKey("init")) {
            job.startFrom(a.get("init"), a.containsKey("scale"));
        }
        System.out.println("Training " + job.describe());
        TrainingResult result = job.run(new TrainingListener() {
            private long last = System.nanoTime();

            @Override
            public void stepFinished(int epoch, int step, int steps, double loss) {
                long now = System.nanoTime();
                if (step % 10 == 0 || step == steps - 1) {
                    System.out.printf("epoch %d step %d/%d loss %.5g (%.2f s/step)%n", epoch + 1, step + 1,
                        steps, loss, (now - last) * 1e-9);
                }
                last = now;
            }

            @Override
            public void epochFinished(EpochRecord record) {
                System.out.println(record);
            }

            @Override
            public void checkpointWritten(int epochsDone, Path directory) {
                System.out.println("checkpoint " + directory);
            }

            @Override
            public void note(String message) {
                System.out.println(message);
            }
        }, progress);
        if (!Double.isNaN(result.baselinePsnr)) {
            // Measured k-space with held-out lines: the score of the starting model on them, not a PSNR.
            System.out.printf("Baseline (initial reconstruction PSNR; measured data: the starting model's score on"
                + " the held-out measurements) %.2f dB%n", result.baselinePsnr);
        }
        System.out.printf("The model holds epoch %d (0: the weights training started from)%n",
            result.modelEpoch + 1);
        System.out.printf("Resumed from epoch %d%n", result.resumedFromEpoch);
        System.out.println("Model written to " + job.output.toAbsolutePath());
        return result;
    }
}

package org.learnedrecon.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.acquisition.SettingRange;
import org.learnedrecon.learned.DiffusionUNet;
import org.learnedrecon.learned.NoiseLevelDenoiser;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ForwardingOperator;
import org.learnedrecon.physics.SubsetOperator;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.physics.noise.RandomLevelNoise;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * One training job from data to model file, shared by {@link TrainMain} and the Train Solver command: builds the
 * physics' operator and the network, runs {@link TrainingRun} (resuming from the checkpoint directory when it holds
 * a checkpoint of the same settings) and writes the model file with its metadata. The physics settings recorded in
 * the model are completed with the physics' defaults ({@link PhysicsFactory#completeSettings}) plus
 * {@code physics=}, so loading can compare every one with the data's.
 */
public final class TrainingJob {

    /** Image data sets, as read from files or open images, or patches of a {@link PatchCorpus}. */
    public TrainingImages training;
    public TrainingImages validation;
    /**
     * Measured sinograms or k-space to learn from instead of {@link #training} ({@code measurements=}, with a
     * measurements-only {@link #supervision}): their acquisition is the physics; {@link #validation} is then optional.
     */
    public MeasuredData measured;
    /**
     * Denoisers only: the side of the square patches they train on (the images' size), or 0 to take the image size
     * from the physics' operator. With patches the denoiser needs no physics.
     */
    public int patch;
    /** A {@link PhysicsCatalog} name, e.g. {@code ct-parallel}. */
    public String physics;
    public Map<String, String> physicsSettings = new LinkedHashMap<>();
    /** {@code lgd}, {@code lpd}, {@code postprocessing}, {@code dncnn} or {@code diffusion-unet}. */
    public String architecture;
    /** Overrides of {@link NetworkCatalog#defaults}. */
    public Map<String, String> hyperParameters = new LinkedHashMap<>();
    public TrainingConfig config = new TrainingConfig();
    /** Relative Gaussian noise level of the simulated measurements (reconstruction networks). */
    public double noise = 0.01;
    /**
     * When above {@link #noise}, each batch's relative noise level is drawn log-uniform from [noise, noiseMax]
     * ({@link RandomLevelNoise}).
     */
    public double noiseMax = Double.NaN;
    /**
     * Settings the model declares it serves without having trained over them (key to {@code lo-hi} or {@code any},
     * e.g. {@code size 64-512} for a convolutional solver); the ranges of {@link #physicsSettings} are added to them.
     */
    public Map<String, String> serves = new LinkedHashMap<>();
    /** Denoiser training: image noise standard deviation in units of the intensity scale. */
    public double sigma = 0.05;
    /**
     * Denoiser training: when above {@link #sigma}, each image's noise level is drawn uniformly from [sigma,
     * sigmaMax] (for a denoiser with a noise-level map, {@code noiseMap=true}).
     */
    public double sigmaMax = Double.NaN;
    /**
     * What the network learns from. {@link Supervision#MEASUREMENTS} trains on the measurements simulated from
     * {@link #training} alone ({@link EquivariantImagingLoss} with weight {@link #eiAlpha}), {@link Supervision#SPLIT}
     * on them split ({@link SplitMeasurementLoss} for MRI, {@link Noise2InverseLoss} for CT, {@link #splitFraction});
     * both keep the last epoch's weights, so no clean image chooses the model either.
     */
    public Supervision supervision = Supervision.IMAGES;
    /** Weight of the equivariance term of measurement-only training (0: measurement consistency alone). */
    public double eiAlpha = EquivariantImagingLoss.DEFAULT_ALPHA;
    /** Whether the equivariance term's target is a constant ({@link EquivariantImagingLoss}'s fixed target). */
    public boolean eiFixedTarget;
    /** Whether its data-fit term is {@link SureConsistency} rather than measurement consistency (robust EI). */
    public boolean eiSure;
    /** Equivariant imaging's transforms: quarter turns and flips ({@link DihedralTransform}) instead of rotations. */
    public boolean eiDihedral;
    /**
     * {@link Supervision#SPLIT}: the share of each batch's measurements held out for the loss (NaN: the method's
     * default, 0.4 of the k-space lines for SSDU, one of 2 interleaved subsets of the views for Noise2Inverse).
     */
    public double splitFraction = Double.NaN;
    /**
     * {@link Supervision#SPLIT} in MRI: how the held-out k-space is drawn, whole lines (the default) or points about
     * the centre ({@link SplitMeasurementLoss.Selection}); CT's Noise2Inverse splits views and refuses the latter.
     */
    public SplitMeasurementLoss.Selection splitSelection = SplitMeasurementLoss.Selection.LINES;
    /**
     * Measured k-space: the share of its sampled lines kept out of training to score the epochs and choose the model
     * ({@link HeldOutLines}); 0, or a mask without lines to spare (Poisson disc, too few outer lines), keeps every
     * line and the last epoch.
     */
    public double holdout = HeldOutLines.DEFAULT_FRACTION;
    /**
     * {@link Supervision#CHOICE}: the learned candidates of the teacher ({@code choice.models=}; blank or
     * {@code auto}: those of Reconstruct's choice for the physics).
     */
    public String choiceModels = "auto";
    /**
     * {@link Supervision#CHOICE}: augmented copies of the teacher's images per epoch (flips, quarter turns, intensity
     * windows; {@link PatchCorpus#ofSlices}).
     */
    public int choicePatches = DEFAULT_CHOICE_PATCHES;
    /** Default of {@link #choicePatches}: 10 steps of batch 4 per epoch, as in the README's measured runs. */
    public static final int DEFAULT_CHOICE_PATCHES = 40;
    public Path output;
    public DeepLearningRuntime.DeviceChoice device = DeepLearningRuntime.DeviceChoice.AUTO;

    /**
     * Starts the training from a model's weights ({@code init=}: a shipped model's name or a model file): its
     * network settings fill the {@link #hyperParameters} not given, and its intensity scale is used unless
     * {@code scaleGiven}. Call after the other settings; the model must be of {@link #architecture}'s network.
     */
    public void startFrom(String model, boolean scaleGiven) throws IOException {
        Path init = PretrainedModels.shipped().resolve(model);
        ModelMetadata metadata = ModelFile.readMetadata(init);
        metadata.hyperParameters.forEach((key, value) -> {
            if (!"operatorNorm".equals(key)) {
                hyperParameters.putIfAbsent(key, value);
            }
        });
        if (!scaleGiven) {
            config.intensityScale(metadata.intensityScale);
        }
        config.initialModel(init);
    }

    /** The teacher's images and what it chose, once {@link Supervision#CHOICE} has run it. */
    private ChoiceTeacher.Lesson lesson;
    /**
     * {@link Supervision#CHOICE}: the measured data once the teacher has run: the student trains through their own
     * scan (for k-space the very mask of its Info) on the teacher's images.
     */
    private MeasuredData scan;
    /** Told what the teacher did ({@link #run}'s listener). */
    private TrainingListener notes = TrainingListener.NONE;

    /** Learning rates of {@link #automaticRate}. */
    public static final double RATE_FROM_SCRATCH = 1e-3;
    public static final double RATE_FINE_TUNING = 1e-4;
    public static final double RATE_ADAPTING_SIMULATED = 1e-5;
    public static final double RATE_DISTILLING = 3e-4;

    /**
     * The learning rate when none is given ({@code config}'s rate NaN: TrainMain without {@code lr=}, Train Solver's
     * {@code rate=0}), as measured (README, "Adapting a shipped model"): {@value #RATE_FROM_SCRATCH} from scratch;
     * starting from {@code init=}, {@value #RATE_ADAPTING_SIMULATED} on measurements simulated from images (at 1e-4
     * 60 steps cost 0.3-0.5 dB on brain slices the model already handled, at 1e-5 0.01 while still gaining 1.2-1.7 dB
     * on natural crops), {@value #RATE_FINE_TUNING} on measured data (the very data to reconstruct: at 1e-4 brain
     * slices lost 0.04 dB and natural crops gained 2.9) and for supervised fine-tuning; {@value #RATE_DISTILLING}
     * distilling the choice ({@link Supervision#CHOICE}): against 1e-4, the same runs on eight sets (MRI 8x with two
     * masks, CT 30 views and 90 over 120; natural crops, atlas phantoms, brain val) ended 0.02 dB under to 0.51 above
     * on the taught slices and 0.06 under to 0.48 above on others (README, "A higher rate for distilling").
     */
    public double automaticRate() {
        if (config.initialModel == null) {
            return RATE_FROM_SCRATCH;
        }
        if (supervision == Supervision.CHOICE) {
            return RATE_DISTILLING;
        }
        return measured == null && supervision.lossOnMeasurements() ? RATE_ADAPTING_SIMULATED : RATE_FINE_TUNING;
    }

    /** Trains, writes {@link #output}, and returns the result; cancellation leaves the last epoch's checkpoint. */
    public TrainingResult run(TrainingListener listener, ProgressMonitor progress) {
        if (Double.isNaN(config.learningRate)) {
            config.learningRate(automaticRate());
        }
        if (supervision == Supervision.CHOICE) {
            checkChoice();
        } else if (measured != null) {
            checkMeasured();
        } else if (training == null || validation == null || architecture == null
            || (physics == null && !onPatches()) || output == null) {
            throw new IllegalArgumentException("A training job needs training and validation data, physics, an"
                + " architecture and an output file");
        }
        if (supervision.lossOnMeasurements()
            && (onPatches() || !NetworkCatalog.appliesOperatorInside(architecture.toLowerCase(Locale.ROOT)))) {
            throw new IllegalArgumentException("supervision=" + supervision.name().toLowerCase(Locale.ROOT)
                + " trains a solver that applies the operator itself (lgd, lpd), so the loss can reach the null"
                + " space through it; solver=" + architecture
                + " cannot learn from measurements alone here: use supervision=images");
        }
        Device target = DeepLearningRuntime.device(device);
        return DeepLearningRuntime.call(() -> {
            if (!target.isGpu()) {
                ConvolutionGradientCheck.requireExactGradients();
            }
            if (supervision == Supervision.CHOICE && lesson == null) {
                notes = listener;
                learnFromTeacher(progress);
            }
            TrainingResult result = train(target, listener, progress);
            if (lesson != null && config.initialModel != null && !checkStudent(progress)) {
                return result.withStartingWeights();
            }
            return result;
        });
    }

    /**
     * {@link Supervision#CHOICE} from an {@code init=} model: writes that model, unchanged but for notes in its
     * metadata, instead of the student when it scores better on the measured data ({@link StudentCheck}: held-out
     * lines or views, or at limited angle the mirror test); either way the metadata and the log say which was kept.
     *
     * @return whether the student was kept
     */
    private boolean checkStudent(ProgressMonitor progress) throws IOException {
        StudentCheck.Verdict verdict = StudentCheck.compare(scan, output, config.initialModel, noise, device,
            progress.part(0, 1, 1, "Check (" + StudentCheck.measure(scan) + "): "));
        notes.note("Check: " + verdict.summary());
        ModelFile.copyWithMetadata(verdict.studentKept() ? output : config.initialModel, output, m -> {
            m.training.put("supervision", "choice");
            m.training.put("teacher", lesson.summary());
            m.training.put("check", verdict.summary());
        });
        return verdict.studentKept();
    }

    private TrainingResult train(Device target, TrainingListener listener, ProgressMonitor progress)
        throws IOException {
        String name = architecture.toLowerCase(Locale.ROOT);
        if (onPatches()) {
            return trainDenoiserOnPatches(target, listener, progress);
        }
        PhysicsFactory factory = PhysicsCatalog.find(physicsName());
        // Settings given as ranges (views=20-180) train over a family: the first draw is at their low ends.
        Map<String, String> ranges = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>(physicsSettings);
        physicsSettings.forEach((key, value) -> {
            if (SettingRange.isRange(value)) {
                ranges.put(key, value.replace(" ", ""));
                first.put(key, SettingRange.number(SettingRange.parse("physics." + key, value).low()));
            }
        });
        Map<String, String> settings = new LinkedHashMap<>(measured != null ? measured.settings()
            : scan != null ? scan.settings() : factory.completeSettings(first));
        settings.remove("physics");
        chooseInitial(settings);
        // Measured k-space learns from its lines but the held-out ones, which score it.
        HeldOutLines heldOut = measured instanceof MeasuredKspace && holdout > 0
            ? HeldOutLines.choose(((MeasuredKspace) measured).mask(), holdout, config.seed).orElse(null) : null;
        MeasuredData learnFrom = heldOut != null ? ((MeasuredKspace) measured).without(heldOut) : measured;
        try (NDManager manager = NDManager.newBaseManager(target)) {
            ForwardOperator acquisition = measured != null ? learnFrom.operator(manager)
                : scan != null ? scan.operator(manager)
                : !ranges.isEmpty() ? factory.createFamily(manager, settings, ranges)
                : NetworkCatalog.appliesOperatorInside(name) ? factory.create(manager, settings)
                : factory.createMatrixFree(manager, settings);
            // Split measurements: the network holds the operator that the loss restricts to the network's part.
            ForwardOperator operator = supervision == Supervision.SPLIT ? splitting(acquisition, manager)
                : acquisition;
            Map<String, String> hyper = new LinkedHashMap<>(hyperParameters);
            Solver initial = factory.initialReconstruction(settings);
            boolean denoiser = NetworkCatalog.isDenoiser(name);
            if (!denoiser) {
                hyper.putIfAbsent("operatorNorm", Double.toString(operator.normEstimate(manager, 30)));
            }
            Block network = NetworkCatalog.create(name, hyper, operator);
            TrainingRun run;
            if (denoiser) {
                run = new TrainingRun(network, denoising(operator.domainShape(), network), training,
                    validation, config);
            } else {
                run = measurementRun(network, operator, measurementNoise(factory, acquisition), initial, settings,
                    learnFrom, heldOut == null ? null : heldOut.scoreOn(measured.measurements(),
                        learnFrom.measurements(), config.batchSize), manager);
            }
            TrainingResult result = run.run(manager, listener, progress);
            LearnedModel model = run.toModel(result, settings, denoiser ? null : initial.name(),
                operator.rangeShape().getShape());
            model.metadata().physics.put("physics", factory.name());
            model.metadata().serves.putAll(serves);
            if (!ranges.isEmpty()) {
                model.metadata().serves.putAll(factory.familyServes(settings, ranges));
                model.metadata().serves.putAll(ranges);
            }
            if (lesson != null) {
                model.metadata().training.put("supervision", "choice");
                model.metadata().training.put("teacher", lesson.summary());
            }
            if (!denoiser) {
                model.metadata().training.put("noise", Double.isNaN(noiseMax) ? Double.toString(noise)
                    : noise + "-" + noiseMax);
            }
            save(model, denoiser, target);
            return result;
        }
    }

    /**
     * Puts the initial reconstruction into {@code settings}: {@code physics.initial=} when given, else that of the
     * {@code init=} model (a model adapted or fine-tuned keeps the start it was trained from: an LGD refining TV fed
     * FBP would start from the wrong image), else none (the physics' default).
     */
    private void chooseInitial(Map<String, String> settings) throws IOException {
        String start = physicsSettings.get(PhysicsFactory.INITIAL);
        if (start == null && config.initialModel != null) {
            start = ModelFile.readMetadata(config.initialModel).physics.get(PhysicsFactory.INITIAL);
        }
        if (start != null) {
            settings.put(PhysicsFactory.INITIAL, start);
        }
    }

    /**
     * The run of a reconstruction network on measurements with {@code noise} (stateless: it serves the simulated
     * measurements and the equivariance term's alike): simulated from {@link #training}, supervised by the images or
     * not, or the {@link #measured} data.
     */
    private TrainingRun measurementRun(Block network, ForwardOperator operator, MeasurementNoise noise,
        Solver initial, Map<String, String> settings, MeasuredData learnFrom, TrainingRun.HeldOutScore heldOut,
        NDManager manager) throws IOException {
        MeasurementTask task = new MeasurementTask(operator, noise, initial);
        if (learnFrom != null) {
            checkInitFits(operator, settings);
            if (Double.isNaN(config.intensityScale)) {
                config.intensityScale(reconstructedMaximum(task, learnFrom, manager));
            }
            MeasurementLoss loss = measurementLoss(operator, noise);
            return heldOut != null
                ? TrainingRun.onMeasuredData(network, task, loss, learnFrom.measurements(), heldOut, config)
                : TrainingRun.onMeasuredData(network, task, loss, learnFrom.measurements(), validation, config);
        }
        return !supervision.lossOnMeasurements() ? new TrainingRun(network, task, training, validation, config)
            : new TrainingRun(network, task, measurementLoss(operator, noise), training, validation,
                config.keepBest(false));
    }

    /** The loss of {@link #supervision} from measurements alone. */
    private MeasurementLoss measurementLoss(ForwardOperator operator, MeasurementNoise noise) {
        if (supervision != Supervision.SPLIT) {
            return new EquivariantImagingLoss(operator, noise, eiAlpha, eiFixedTarget, eiSure, eiDihedral);
        }
        if (operator instanceof ViewSplitRayTransform) {
            if (splitSelection != SplitMeasurementLoss.Selection.LINES) {
                throw new IllegalArgumentException("split.selection=" + splitSelection.key() + " draws k-space points;"
                    + " a CT scan is split by its views (Noise2Inverse): leave split.selection at lines");
            }
            return new Noise2InverseLoss((ViewSplitRayTransform) operator);
        }
        return new SplitMeasurementLoss((SubsetOperator) operator,
            Double.isNaN(splitFraction) ? SplitMeasurementLoss.DEFAULT_FRACTION : splitFraction, splitSelection);
    }

    /**
     * The operator a split loss restricts: a CT scan's views split into interleaved subsets (Noise2Inverse), else
     * a subset of the measured entries (SSDU).
     */
    private ForwardOperator splitting(ForwardOperator acquisition, NDManager manager) {
        if (acquisition instanceof RayTransform) {
            return new ViewSplitRayTransform(manager, (RayTransform) acquisition,
                Noise2InverseLoss.splits(splitFraction));
        }
        if (ForwardingOperator.innermost(acquisition) instanceof RayTransform) {
            throw new IllegalArgumentException("supervision=split splits the views of one CT scan (Noise2Inverse),"
                + " not a family of scans: give physics.views and physics.range single values");
        }
        return new SubsetOperator(acquisition);
    }

    /**
     * {@link Supervision#CHOICE}: runs the teacher on {@link #measured} ({@link ChoiceTeacher}), then turns this job
     * into supervised training on its images through the data's own scan: random flips, quarter turns and intensity
     * windows of them for training, the images themselves for validation (the epoch that reproduces them best is
     * kept), in the data's units (the intensity scale is {@code init=}'s, else their peak); for a CT model starting
     * from TV ({@code initial=tv<lambda>}) without {@code physics.initial=}, the start at the set's TV lambda by
     * the teacher ({@link ChoiceTeacher#tvLambda}; README: at the set's own lambda the refiner ties tuned TV; the
     * shipped 0.5 left natural crops 1.7-2.0 dB under it); for an MRI model starting from TV, the TV start whose
     * images predict held-out lines best ({@link TvStartChoice}; the MRI teacher uses TV too rarely). A checkpoint
     * directory keeps the teacher's images for a resumed run.
     */
    private void learnFromTeacher(ProgressMonitor progress) throws IOException {
        java.util.List<String> models = HeldOutChoice.models(choiceModels,
            measured instanceof MeasuredSinograms ? HeldOutChoice.CT_MODELS : HeldOutChoice.MRI_MODELS);
        double level = measured instanceof MeasuredSinograms ? noise : 0;
        String data = measured.measurements().description();
        // Kept beside the checkpoints: a resumed run reads the teacher's images instead of redoing the choice.
        String key = data + "; models " + models + "; noise " + level;
        Path directory = config.checkpointDirectory;
        lesson = directory == null ? null : ChoiceTeacher.saved(directory, key).orElse(null);
        if (lesson != null) {
            notes.note("Teacher: read from " + directory.resolve(ChoiceTeacher.FILE));
        } else {
            lesson = ChoiceTeacher.teach(measured, models, level, device,
                skipped -> notes.note("Teacher: skipping " + skipped), progress.part(0, 1, 1, "Teacher (choice): "));
            if (directory != null) {
                ChoiceTeacher.save(lesson, directory, key, data);
            }
        }
        notes.note("Teacher: " + lesson.summary());
        ImageSliceDataset images = lesson.images();
        if (images.width() != images.height()) {
            throw new IllegalArgumentException("supervision=choice trains on square images; measurements="
                + measured.measurements().description() + " reconstructs to " + images.width() + "x"
                + images.height());
        }
        training = PatchCorpus.ofSlices(images, images.width(), choicePatches);
        validation = images;
        physics = measured.physics();
        if (!physicsSettings.containsKey(PhysicsFactory.INITIAL) && measured instanceof MeasuredSinograms
            && config.initialModel != null && lesson.tvLambda().isPresent()) {
            String start = ModelFile.readMetadata(config.initialModel).physics.get(PhysicsFactory.INITIAL);
            if (PhysicsFactory.tvStartLambda(start).isPresent()) {
                // The TV start runs on the data divided by the scale: lambda in those units.
                String lambda = new java.math.BigDecimal(lesson.tvLambda().getAsDouble() / config.intensityScale)
                    .round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
                physicsSettings.put(PhysicsFactory.INITIAL, "tv" + lambda);
                notes.note("Start: TV at lambda " + lambda + ", the set's TV lambda by the teacher (the model's own: "
                    + start + " in " + config.initialModel.getFileName() + ")");
            }
        }
        if (!physicsSettings.containsKey(PhysicsFactory.INITIAL) && measured instanceof MeasuredKspace
            && config.initialModel != null) {
            // The model's copies, one per start, beside the checkpoints when there are any.
            Path scratch = config.checkpointDirectory != null ? config.checkpointDirectory
                : Path.of(System.getProperty("java.io.tmpdir"));
            java.util.Optional<TvStartChoice.Start> start = TvStartChoice.choose(measured, config.initialModel,
                scratch, device, progress.part(0, 1, 1, "Start (held-out lines): "));
            if (start.isPresent()) {
                physicsSettings.put(PhysicsFactory.INITIAL, start.get().initial());
                notes.note("Start: " + start.get().summary() + ", chosen by held-out lines for "
                    + config.initialModel.getFileName());
            }
        }
        scan = measured;
        measured = null;
    }

    /** What the teacher of a {@link Supervision#CHOICE} job gave, once {@link #run} has run it. */
    public java.util.Optional<ChoiceTeacher.Lesson> lesson() {
        return java.util.Optional.ofNullable(lesson);
    }

    /** The error of a {@link Supervision#CHOICE} job without {@code measurements=}. */
    static IllegalArgumentException choiceWithoutMeasurements() {
        return new IllegalArgumentException("supervision=choice learns from the choice's reconstructions of measured"
            + " data: give measurements= (sinograms or k-space)");
    }

    /** The checks of a {@link Supervision#CHOICE} job, each naming the key at fault. */
    private void checkChoice() {
        if (measured == null) {
            throw choiceWithoutMeasurements();
        }
        if (validation != null) {
            throw new IllegalArgumentException("supervision=choice chooses the epoch on the teacher's own images, so"
                + " no clean image is used: leave out val= (" + validation.description() + ")");
        }
        if (physics != null && !measured.physics().equals(physics)) {
            throw new IllegalArgumentException("measurements=" + measured.measurements().description() + " holds "
                + measured.physics() + " data, not physics=" + physics);
        }
        if (architecture == null || output == null) {
            throw new IllegalArgumentException("A training job needs an architecture and an output file");
        }
        if (NetworkCatalog.isDenoiser(architecture.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("supervision=choice trains a reconstruction network through the"
                + " data's scan; solver=" + architecture + " is a denoiser: give lgd, lpd or postprocessing");
        }
        if (choicePatches < 1) {
            throw new IllegalArgumentException("patches=" + choicePatches + ": the teacher's images per epoch must be"
                + " at least 1");
        }
    }

    /** The checks of a training on {@link #measured} data, each naming the key at fault. */
    private void checkMeasured() {
        if (!supervision.fromMeasurementsOnly()) {
            throw new IllegalArgumentException("measurements=" + measured.measurements().description() + " holds"
                + " measured data, without clean images: give supervision=measurements, split or choice");
        }
        if (physics != null && !measured.physics().equals(physics)) {
            throw new IllegalArgumentException("measurements=" + measured.measurements().description() + " holds "
                + measured.physics() + " data, not physics=" + physics);
        }
        if (architecture == null || output == null) {
            throw new IllegalArgumentException("A training job needs an architecture and an output file");
        }
        if (measured.measurements().size() < config.batchSize) {
            throw new IllegalArgumentException("measurements=" + measured.measurements().description() + " has "
                + measured.measurements().size() + " slice(s), fewer than batch=" + config.batchSize
                + ": give a smaller batch or more slices");
        }
    }

    /** With {@link #measured} data, {@code init=}'s model must fit their scan (as it would to reconstruct them). */
    private void checkInitFits(ForwardOperator operator, Map<String, String> settings) throws IOException {
        if (config.initialModel == null) {
            return;
        }
        Map<String, String> physics = new LinkedHashMap<>(settings);
        physics.put("physics", measured.physics());
        java.util.List<String> problems = ModelFile.compatibilityProblems(ModelFile.readMetadata(config.initialModel),
            operator, physics);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("init=" + config.initialModel.getFileName() + " does not fit measurements="
                + measured.measurements().description() + ": " + String.join("; ", problems));
        }
    }

    /**
     * The intensity scale of measured data when neither {@code scale=} nor {@code init=} gives one: the largest value
     * of the initial reconstructions (FBP) of up to 16 of the measurements, as the training maximum is for images.
     */
    private double reconstructedMaximum(MeasurementTask task, MeasuredData data, NDManager manager) {
        int count = Math.min(16, data.measurements().size());
        int[] indices = java.util.stream.IntStream.range(0, count).toArray();
        try (NDManager scope = manager.newSubManager()) {
            NDArray y = data.measurements().batch(scope, indices, task.rangeShape(), 1.0, new java.util.Random(0));
            return task.networkInputs(y).get(1).max().getFloat();
        }
    }

    /** The physics' training noise at {@link #noise}, or at a level drawn per batch up to {@link #noiseMax}. */
    private MeasurementNoise measurementNoise(PhysicsFactory factory, ForwardOperator operator) {
        return Double.isNaN(noiseMax) ? factory.trainingNoise(noise, operator)
            : new RandomLevelNoise(noise, noiseMax, level -> factory.trainingNoise(level, operator));
    }

    /** The physics trained for: the measured data's, else {@link #physics}. */
    private String physicsName() {
        return measured != null ? measured.physics() : physics;
    }

    /** Whether this job trains a physics-free denoiser on {@link #patch} patches. */
    private boolean onPatches() {
        return patch > 0 && NetworkCatalog.isDenoiser(architecture.toLowerCase(Locale.ROOT));
    }

    /** The highest training noise level: {@link #sigmaMax}, or {@link #sigma} for one level. */
    private double sigmaTop() {
        return Double.isNaN(sigmaMax) ? sigma : sigmaMax;
    }

    /**
     * The denoising task for {@code network}'s images of {@code domain}, over {@link #sigma} to {@link #sigmaTop}:
     * score matching for the diffusion model.
     */
    private DenoisingTask denoising(Shape domain, Block network) {
        if (network instanceof DiffusionUNet d) {
            return DenoisingTask.scoreMatching(domain, sigma, sigmaTop(), d.sigmaData());
        }
        return new DenoisingTask(domain, sigma, sigmaTop(), ((NoiseLevelDenoiser) network).takesNoiseMap());
    }

    /** Records the denoiser's noise levels and the device in the metadata and writes {@link #output}. */
    private void save(LearnedModel model, boolean denoiser, Device target) throws IOException {
        if (denoiser) {
            model.metadata().training.put("sigma", Double.toString(sigma));
            if (sigmaTop() != sigma) {
                model.metadata().training.put("sigmaMax", Double.toString(sigmaTop()));
            }
        }
        model.metadata().training.put("device", target.toString());
        ModelFile.save(model, output);
    }

    /** A physics-free denoiser on square patches: images of {@code patch x patch}, one channel. */
    private TrainingResult trainDenoiserOnPatches(Device target, TrainingListener listener, ProgressMonitor progress)
        throws IOException {
        try (NDManager manager = NDManager.newBaseManager(target)) {
            Map<String, String> hyper = new LinkedHashMap<>(hyperParameters);
            hyper.putIfAbsent("channels", "1");
            // No operator: with the channel count given, the catalog needs none to build a denoiser.
            Block network = NetworkCatalog.create(architecture.toLowerCase(Locale.ROOT), hyper, null);
            Shape domain = new Shape(patch, patch);
            TrainingRun run = new TrainingRun(network, denoising(domain, network), training, validation, config);
            TrainingResult result = run.run(manager, listener, progress);
            LearnedModel model = run.toModel(result, Map.of(), null, domain.getShape());
            model.metadata().training.put("patch", Integer.toString(patch));
            save(model, true, target);
            return result;
        }
    }

    /** A one-line description for logs. */
    public String describe() {
        double rate = Double.isNaN(config.learningRate) ? automaticRate() : config.learningRate;
        return String.format(Locale.ROOT, "%s %s on %s, validation %s, for %s %s, learning rate %s, device %s",
            architecture, hyperParameters, measured != null ? "measured " + measured.measurements().description()
                : training.description(), validation == null ? "none" : validation.description(),
            physicsName(), measured != null ? measured.settings()
                : physicsSettings, rate + (config.decayEpochs > 0 ? " (the last " + config.decayEpochs
                + " epochs at a tenth of it)" : ""), device);
    }
}

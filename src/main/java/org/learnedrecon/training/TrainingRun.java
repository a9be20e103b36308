package org.learnedrecon.training;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.runtime.NativeArrays;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Training of a network on a {@link TrainingTask}: Adam on the mean squared error to the clean image (supervised) or
 * on a {@link MeasurementLoss} of the measurements alone (equivariant imaging, split measurements), validation PSNR
 * after every epoch, a checkpoint after every epoch, and exact resume.
 *
 * <p>Why our own loop rather than DJL's {@code Trainer}/{@code EasyTrain}: exact resume needs the optimizer state
 * (DJL's Adam hides it, see {@link AdamOptimizer}) and the data order and noise as functions of (seed, epoch, batch)
 * (DJL's samplers draw from a global generator). Everything random here is therefore derived from the seed: weights
 * by {@link SeededInitializer}, each epoch's permutation from {@code (seed, epoch)}, each batch's noise from
 * {@code (seed, epoch, batch)}, validation noise from {@code (seed, sample)} and fixed across epochs. A run resumed
 * from the checkpoint of epoch {@code e} thus repeats exactly the computation an uninterrupted run does after
 * epoch {@code e}.
 *
 * <p>Memory: the network and optimizer live in the caller's model manager; every step's temporaries live in a
 * sub-manager closed at the end of the step.
 */
public final class TrainingRun {

    private static final long VALIDATION_STREAM = -1;
    /**
     * Times a step whose loss or gradients are not finite is computed again from the same inputs. With
     * ONEDNN_MAX_CPU_ISA=SSE41 (see {@link ConvolutionGradientCheck}) a few steps of TrainingRunTest's tiny networks
     * still gave NaN here, finite on a rerun; with AVX the NaN repeated on every rerun in about half the runs.
     */
    private static final int STEP_ATTEMPTS = 4;
    /** Mixed into the batch index for the generator that draws patches, apart from the noise generator. */
    private static final long PATCH_STREAM = 0x5a7c4L << 32;

    /** Mixed into the batch index for the generator of the EI loss's transforms and noise. */
    private static final long TRANSFORM_STREAM = 0xe1L << 40;

    private final Block network;
    private final TrainingTask task;
    /** Measurement-only training: the task that simulates the measurements and the loss on them; else null. */
    private final MeasurementTask measurementTask;
    private final MeasurementLoss measurementLoss;
    /** Whether {@link #training} holds measured data (sinograms) rather than images to simulate them from. */
    private final boolean measured;
    private final TrainingImages training;
    private final TrainingImages validation;
    private final TrainingConfig config;
    /** Measured data only: the score on held-out measurements that stands in for validation PSNR; else null. */
    private final HeldOutScore heldOut;

    public TrainingRun(Block network, TrainingTask task, TrainingImages training, TrainingImages validation,
        TrainingConfig config) {
        this(network, task, null, null, false, training, validation, null, config);
    }

    /**
     * Training from measurements only: each batch of {@code training} is turned into measurements by {@code task}
     * (physics and noise as in supervised training), then the clean batch is closed, and the network learns from
     * {@code loss} on the measurements alone. Validation still reports PSNR on the clean validation images, for
     * monitoring and model selection when {@link TrainingConfig#keepBest} is set.
     */
    public TrainingRun(Block network, MeasurementTask task, MeasurementLoss loss, TrainingImages training,
        TrainingImages validation, TrainingConfig config) {
        this(network, task, task, loss, false, training, validation, null, config);
    }

    /**
     * Training from measured data: {@code measurements} holds the measurements themselves (one slice per sample, of
     * the operator's range shape, e.g. the sinograms of a user's scan), divided by the intensity scale as images
     * would be; the network learns from {@code loss} on them, and {@code task} gives the operator, the initial
     * reconstruction and the noise. {@code validation} (clean images, measurements simulated by {@code task}) may be
     * {@code null}: the epochs then report no validation PSNR (NaN) and the last epoch is kept.
     */
    public static TrainingRun onMeasuredData(Block network, MeasurementTask task, MeasurementLoss loss,
        TrainingImages measurements, TrainingImages validation, TrainingConfig config) {
        return new TrainingRun(network, task, task, loss, true, measurements, validation, null, config.keepBest(false));
    }

    /**
     * Training from measured data scored by {@code heldOut} (measurements kept out of {@code measurements}) instead of
     * clean images: each epoch reports that score where others report validation PSNR, the best epoch is kept, and
     * the starting model ({@code config}'s initial model) is kept when no epoch scores above it.
     */
    public static TrainingRun onMeasuredData(Block network, MeasurementTask task, MeasurementLoss loss,
        TrainingImages measurements, HeldOutScore heldOut, TrainingConfig config) {
        return new TrainingRun(network, task, task, loss, true, measurements, null, heldOut, config.keepBest(true));
    }

    /** A score (dB, higher is better) of a reconstruction function on measurements kept out of training. */
    public interface HeldOutScore {
        /**
         * @param reconstruct measurements of the training data's form (scaled as training scales them) -> images
         */
        double score(UnaryOperator<NDArray> reconstruct, double scale, NDManager manager);

        String description();
    }

    /** What each epoch's score is, for the log. */
    private String scoreName() {
        return heldOut == null ? "validation PSNR" : "held-out measurement score";
    }

    private TrainingRun(Block network, TrainingTask task, MeasurementTask measurementTask,
        MeasurementLoss measurementLoss, boolean measured, TrainingImages training, TrainingImages validation,
        HeldOutScore heldOut, TrainingConfig config) {
        config.validate();
        if (config.psnrLoss && measurementLoss != null) {
            throw new IllegalArgumentException("loss=psnr compares with clean images; training from measurements ("
                + measurementLoss.description() + ") has none: leave loss at mse");
        }
        this.network = network;
        this.task = task;
        this.measurementTask = measurementTask;
        this.measurementLoss = measurementLoss;
        this.measured = measured;
        this.training = training;
        this.validation = validation;
        this.heldOut = heldOut;
        this.config = config;
    }

    /**
     * Trains to {@code config.epochs}, resuming from the newest checkpoint in the checkpoint directory when there is
     * one (and it was written with the same settings).
     *
     * @throws java.util.concurrent.CancellationException when {@code progress} is cancelled; the last finished
     *     epoch's checkpoint stays usable
     */
    public TrainingResult run(NDManager modelManager, TrainingListener listener, ProgressMonitor progress)
        throws IOException {
        double scale = Double.isNaN(config.intensityScale) ? training.maximum() : config.intensityScale;
        if (!(scale > 0)) {
            throw new IllegalArgumentException("Intensity scale must be positive, got " + scale
                + " (an all-zero training set?)");
        }
        SeededInitializer.install(network, config.seed);
        network.initialize(modelManager, DataType.FLOAT32, task.inputShapes(config.batchSize));
        Engine engine = modelManager.getEngine();
        try (AdamOptimizer optimizer = new AdamOptimizer(config.learningRate, modelManager)) {
            TrainingState state = new TrainingState();
            int best = -1;
            byte[] bestParameters = null;
            state.fingerprint = fingerprint(scale);
            state.intensityScale = scale;
            Optional<Path> checkpoint = TrainingCheckpoint.latest(config.checkpointDirectory);
            int resumedFrom = 0;
            if (checkpoint.isPresent()) {
                TrainingState saved = TrainingCheckpoint.readState(checkpoint.get());
                if (!saved.fingerprint.equals(state.fingerprint)) {
                    throw new IllegalStateException("Checkpoint " + checkpoint.get() + " was written by a run with "
                        + "other settings; use another checkpoint directory. Checkpoint: " + saved.fingerprint
                        + ", this run: " + state.fingerprint);
                }
                TrainingCheckpoint.restore(checkpoint.get(), network, modelManager, optimizer);
                state = saved;
                resumedFrom = saved.epochsDone;
                best = bestEpoch(state.validationPsnr);
                bestParameters = best == state.epochsDone - 1 ? parameters()
                    : TrainingCheckpoint.readBest(config.checkpointDirectory).orElse(null);
                if (bestParameters == null) {
                    // A checkpoint from before best weights were kept: select among the epochs from here on.
                    best = -1;
                }
            } else {
                if (config.initialModel != null) {
                    ModelMetadata init = ModelFile.loadInitialWeights(config.initialModel, network, modelManager);
                    // Loaded arrays replace the initialised ones and record no gradient until told to.
                    network.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
                    if (Math.abs(init.intensityScale - scale) > 1e-9 * scale) {
                        throw new IllegalArgumentException("init=" + config.initialModel.getFileName() + " was "
                            + "trained at intensity scale " + init.intensityScale + ", this run uses " + scale
                            + ": give scale=" + init.intensityScale);
                    }
                }
                if (config.startAsInitial) {
                    if (!(network instanceof LearnedGradientDescent)) {
                        throw new IllegalArgumentException("startAsInitial=true needs solver=lgd, not "
                            + network.getClass().getSimpleName());
                    }
                    ((LearnedGradientDescent) network).startAsInitialReconstruction();
                }
                state.baselinePsnr = validate(modelManager, true, scale);
            }
            ParameterStore parameterStore = new ParameterStore(modelManager, false);
            int stepsPerEpoch = Math.max(1, training.size() / config.batchSize);
            int batch = Math.min(config.batchSize, training.size());
            long totalSteps = (long) stepsPerEpoch * config.epochs;
            for (int epoch = state.epochsDone; epoch < config.epochs; epoch++) {
                optimizer.learningRate(config.rateAt(epoch));
                int[] order = permutation(training.size(), random(config.seed, epoch, 0x0eb0c4L));
                double lossSum = 0;
                long start = System.nanoTime();
                for (int step = 0; step < stepsPerEpoch; step++) {
                    progress.checkCancelled();
                    int[] indices = new int[batch];
                    System.arraycopy(order, step * batch, indices, 0, batch);
                    double loss = step(modelManager, engine, parameterStore, optimizer, indices, epoch, step,
                        scale);
                    lossSum += loss;
                    state.stepLosses.add(loss);
                    listener.stepFinished(epoch, step, stepsPerEpoch, loss);
                    progress.progress((long) epoch * stepsPerEpoch + step + 1, totalSteps,
                        String.format("Training epoch %d/%d, step %d/%d, loss %.4g", epoch + 1, config.epochs,
                            step + 1, stepsPerEpoch, loss));
                }
                double seconds = (System.nanoTime() - start) * 1e-9;
                double psnr = validate(modelManager, false, scale);
                state.epochsDone = epoch + 1;
                state.epochLosses.add(lossSum / stepsPerEpoch);
                state.validationPsnr.add(psnr);
                state.epochSeconds.add(seconds);
                state.trainingSeconds += seconds;
                listener.epochFinished(new EpochRecord(epoch, lossSum / stepsPerEpoch, psnr, seconds, scoreName()));
                if (best < 0 || psnr > state.validationPsnr.get(best)) {
                    best = epoch;
                    bestParameters = parameters();
                    if (config.checkpointDirectory != null) {
                        TrainingCheckpoint.saveBest(config.checkpointDirectory, bestParameters);
                    }
                }
                if (config.checkpointDirectory != null) {
                    Path written = TrainingCheckpoint.save(config.checkpointDirectory, state, network, optimizer,
                        config.checkpointsKept);
                    listener.checkpointWritten(epoch + 1, written);
                }
            }
            List<EpochRecord> records = new ArrayList<>();
            for (int e = 0; e < state.epochsDone; e++) {
                records.add(new EpochRecord(e, state.epochLosses.get(e), state.validationPsnr.get(e),
                    state.epochSeconds.get(e), scoreName()));
            }
            int modelEpoch = state.epochsDone - 1;
            if (config.keepBest && best >= 0 && best != modelEpoch) {
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bestParameters))) {
                    network.loadParameters(modelManager, in);
                } catch (MalformedModelException e) {
                    throw new IOException("Cannot restore the best epoch's weights: " + e.getMessage(), e);
                }
                modelEpoch = best;
            }
            if (heldOut != null && config.initialModel != null && !(best >= 0
                && state.validationPsnr.get(best) > state.baselinePsnr)) {
                // No epoch predicts the held-out measurements better than the model training started from.
                ModelFile.loadInitialWeights(config.initialModel, network, modelManager);
                modelEpoch = -1;
            }
            return new TrainingResult(records, state.stepLosses, state.baselinePsnr, state.trainingSeconds, scale,
                resumedFrom, modelEpoch);
        }
    }

    /** The index of the highest validation PSNR (the first of equals), or -1 for none. */
    static int bestEpoch(List<Double> validationPsnr) {
        int best = -1;
        for (int e = 0; e < validationPsnr.size(); e++) {
            if (best < 0 || validationPsnr.get(e) > validationPsnr.get(best)) {
                best = e;
            }
        }
        return best;
    }

    /** The network's current weights in DJL's parameter format. */
    private byte[] parameters() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            network.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    /**
     * The trained network with its metadata.
     *
     * @param physics the physics settings the training operator was built with (recorded for compatibility checks)
     * @param initialReconstruction name of the initial solver, or {@code null} for denoisers
     */
    public LearnedModel toModel(TrainingResult result, Map<String, String> physics, String initialReconstruction,
        long[] rangeShape) {
        ModelMetadata metadata = new ModelMetadata();
        metadata.architecture = NetworkCatalog.architecture(network);
        metadata.hyperParameters = NetworkCatalog.hyperParameters(network);
        metadata.physics.putAll(physics);
        metadata.domainShape = task.domainShape().getShape();
        metadata.rangeShape = rangeShape;
        metadata.intensityScale = result.intensityScale;
        metadata.initialReconstruction = initialReconstruction;
        metadata.trainingData = (measured ? "measured data " : measurementLoss == null ? ""
            : "measurements simulated from ") + training.description() + "; validation "
            + (validation == null ? "none" : validation.description());
        metadata.training.putAll(describe());
        metadata.training.put("epochs", Integer.toString(result.epochs.size()));
        // The weights are those of this epoch (1-based): the best validation epoch, or the last one.
        metadata.training.put("modelEpoch", Integer.toString(result.modelEpoch + 1));
        metadata.training.put("task", task.description());
        if (validation != null) {
            metadata.validationMetrics.put("psnr", result.model().validationPsnr);
            metadata.validationMetrics.put("psnrBaseline", result.baselinePsnr);
            metadata.validationMetrics.put("lastEpochPsnr", result.last().validationPsnr);
        }
        if (heldOut != null) {
            // dB of the held-out measurements' energy over their prediction error (HeldOutScore), not PSNR.
            metadata.validationMetrics.put("heldOutScore", result.model().validationPsnr);
            metadata.validationMetrics.put("heldOutScoreAtStart", result.baselinePsnr);
        }
        metadata.validationMetrics.put("finalTrainingLoss", result.last().trainingLoss);
        metadata.trainingSeconds = result.trainingSeconds;
        return new LearnedModel(network, metadata);
    }

    /**
     * One optimisation step. The noise generator is a function of (seed, epoch, step), so the step can be recomputed
     * exactly: when the loss or a gradient is not finite the gradients are discarded and the step is computed once
     * more from the same inputs before giving up. We saw rare, non-reproducible NaN steps on this CPU build (the
     * same run repeated gave finite losses), and one NaN gradient would poison Adam's moments for good.
     */
    private double step(NDManager modelManager, Engine engine, ParameterStore parameterStore,
        AdamOptimizer optimizer, int[] indices, long epoch, long stepIndex, double scale) {
        for (int attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
            try (NDManager scope = modelManager.newSubManager()) {
                NDArray y = null;
                TrainingTask.Example example = null;
                if (measured) {
                    y = training.batch(scope, indices, measurementTask.rangeShape(), scale,
                        random(config.seed, epoch, stepIndex ^ PATCH_STREAM));
                } else {
                    NDArray clean = training.batch(scope, indices, task.domainShape(), scale,
                        random(config.seed, epoch, stepIndex ^ PATCH_STREAM));
                    example = task.example(clean, random(config.seed, epoch, stepIndex));
                    if (measurementLoss != null) {
                        // The clean batch (also the example's target) ends here: nothing below can read it.
                        clean.close();
                        y = example.inputs.get(0);
                    }
                }
                NDArray loss;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    if (measurementLoss == null) {
                        NDArray output = network.forward(parameterStore, example.inputs, true).singletonOrThrow();
                        NDArray error = output.sub(example.target).square();
                        error = example.weight == null ? error : error.mul(example.weight);
                        loss = config.psnrLoss ? meanLogError(error) : error.mean();
                    } else {
                        loss = measurementLoss.loss(m -> network.forward(parameterStore,
                            measurementTask.networkInputs(m), true).singletonOrThrow(), y,
                            random(config.seed, epoch, stepIndex ^ TRANSFORM_STREAM)).total;
                    }
                    collector.backward(loss);
                }
                float value = loss.getFloat();
                if (Float.isFinite(value) && gradientsFinite(scope)) {
                    optimizer.update(network.getParameters(), scope);
                    return value;
                }
                discardGradients(scope);
            }
        }
        throw new IllegalStateException("Training diverged: loss or gradients not finite at epoch " + (epoch + 1)
            + ", step " + (stepIndex + 1) + " (" + STEP_ATTEMPTS + " times); lower the learning rate or resume from the last checkpoint");
    }

    /** {@code 10 log10} of each sample's mean squared error, averaged over the batch: minus the mean PSNR. */
    static NDArray meanLogError(NDArray squaredError) {
        long batch = squaredError.getShape().get(0);
        NDArray logError = squaredError.reshape(batch, -1).mean(new int[] {1}).add(LOG_ERROR_FLOOR).log10();
        return NativeArrays.times(logError, 10).mean();
    }

    /** Keeps the logarithm finite for a sample reproduced exactly (-100 dB, far below any real error). */
    private static final float LOG_ERROR_FLOOR = 1e-10f;

    private boolean gradientsFinite(NDManager scope) {
        for (ai.djl.nn.Parameter p : network.getParameters().values()) {
            NDArray gradient = p.getArray().getGradient();
            gradient.attach(scope);
            if (!Float.isFinite(gradient.abs().sum().getFloat())) {
                return false;
            }
        }
        return true;
    }

    private void discardGradients(NDManager scope) {
        for (ai.djl.nn.Parameter p : network.getParameters().values()) {
            NDArray gradient = p.getArray().getGradient();
            gradient.attach(scope);
            // Not muli(0): NaN * 0 stays NaN.
            gradient.set(new NDIndex("..."), 0f);
        }
    }

    /** Mean validation PSNR of the network, or of the baseline when {@code baseline}; NaN without validation. */
    private double validate(NDManager modelManager, boolean baseline, double scale) {
        ParameterStore parameterStore = new ParameterStore(modelManager, false);
        if (heldOut != null) {
            // The baseline is the network training starts from (init=), scored the same way.
            return heldOut.score(y -> network.forward(parameterStore, measurementTask.networkInputs(y), false)
                .singletonOrThrow(), scale, modelManager);
        }
        if (validation == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (int[] indices : validation.inBatches(config.batchSize)) {
            int first = indices[0];
            int count = indices.length;
            try (NDManager scope = modelManager.newSubManager()) {
                NDArray clean = validation.batch(scope, indices, task.domainShape(), scale,
                    random(config.seed, VALIDATION_STREAM, first ^ PATCH_STREAM));
                TrainingTask.Example example = task.example(clean, random(config.seed, VALIDATION_STREAM, first));
                NDArray estimate = baseline ? example.baseline
                    : network.forward(parameterStore, example.inputs, false).singletonOrThrow();
                float[] x = estimate.toFloatArray();
                float[] t = example.target.toFloatArray();
                int perSample = t.length / count;
                for (int b = 0; b < count; b++) {
                    sum += psnr(x, t, b * perSample, perSample);
                }
            }
        }
        return sum / validation.size();
    }

    /**
     * PSNR in dB of one sample with data range {@code max - min} of the ground truth (scikit-image's
     * {@code peak_signal_noise_ratio} with {@code data_range} given that way).
     */
    static double psnr(float[] estimate, float[] truth, int offset, int length) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double squared = 0;
        for (int i = offset; i < offset + length; i++) {
            min = Math.min(min, truth[i]);
            max = Math.max(max, truth[i]);
            double d = estimate[i] - truth[i];
            squared += d * d;
        }
        double range = max - min;
        return 10 * Math.log10(range * range / (squared / length));
    }

    private Map<String, String> fingerprint(double scale) {
        Map<String, String> map = new java.util.LinkedHashMap<>(describe());
        map.put("architecture", NetworkCatalog.architecture(network));
        map.putAll(NetworkCatalog.hyperParameters(network));
        map.put("task", task.description());
        map.put("training", (measured ? "measured " : "") + training.description());
        map.put("intensityScale", Double.toString(scale));
        return map;
    }

    /** The settings that change the result: the config's, with the loss and what it learns from. */
    private Map<String, String> describe() {
        Map<String, String> map = config.describe();
        if (measurementLoss != null) {
            map.put("supervision", "measurements");
            map.put("loss", measurementLoss.description());
            map.put("modelSelection", heldOut != null ? "best score on " + heldOut.description()
                + (config.initialModel != null ? ", the starting model kept unless an epoch beats it" : "")
                : config.keepBest ? "best validation PSNR on clean images" : "last epoch");
        }
        return map;
    }

    /** A generator for one (seed, stream, index) triple, so random streams do not depend on what ran before. */
    static Random random(long seed, long stream, long index) {
        long h = seed;
        h = h * 0x9E3779B97F4A7C15L + stream;
        h = Long.rotateLeft(h, 31) * 0xBF58476D1CE4E5B9L + index;
        return new Random(h ^ (h >>> 29));
    }

    private static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}

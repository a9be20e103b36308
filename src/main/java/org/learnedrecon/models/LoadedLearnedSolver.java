package org.learnedrecon.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * A learned solver ready to run: the model's network and the operator it was built for, both in one manager on the
 * chosen device, closed together by {@link #close()}. {@link #reconstruct} and {@link #samples} run the slices in
 * batches of at most {@link #BATCH_PIXELS} image pixels (samples times slices times pixels per slice), so memory
 * stays bounded for long stacks and large images; progress is per batch and within it the solver's.
 */
public final class LoadedLearnedSolver implements AutoCloseable {

    /** Slices per forward pass at most. */
    public static final int DEFAULT_BATCH = 8;

    /**
     * Image pixels per batch: {@link #DEFAULT_BATCH} slices of 128 x 128, the size the shipped models run at; larger
     * slices go in fewer per batch (one from 363 x 363 on), and posterior sampling counts each sample, so the
     * network's activations, which DJL keeps until the batch's scope closes, stay at what 8 slices of 128 x 128 need.
     */
    public static final long BATCH_PIXELS = DEFAULT_BATCH * 128L * 128;

    private final String modelName;
    private final LearnedSolver solver;
    private final ForwardOperator operator;
    private final NDManager manager;
    private final Device device;
    /** Slices per batch when set by {@link #batch(int)}, else 0 (then from {@link #BATCH_PIXELS}). */
    private int batch;

    LoadedLearnedSolver(String modelName, LearnedSolver solver, ForwardOperator operator, NDManager manager,
        Device device) {
        this.modelName = modelName;
        this.solver = solver;
        this.operator = operator;
        this.manager = manager;
        this.device = device;
    }

    /**
     * This solver with its plug-and-play following {@code schedule} ({@link LearnedSolver#withSchedule}), sharing
     * the model, operator and manager: close one of the two only.
     */
    public LoadedLearnedSolver withSchedule(org.learnedrecon.learned.HalfQuadraticSplitting.Schedule schedule) {
        return new LoadedLearnedSolver(modelName, solver.withSchedule(schedule), operator, manager, device);
    }

    /**
     * As {@link #withSchedule(org.learnedrecon.learned.HalfQuadraticSplitting.Schedule)}, plug-and-play started at
     * {@code start}'s reconstruction ({@link LearnedSolver#withSchedule(
     * org.learnedrecon.learned.HalfQuadraticSplitting.Schedule, Solver)}).
     */
    public LoadedLearnedSolver withSchedule(org.learnedrecon.learned.HalfQuadraticSplitting.Schedule schedule,
            Solver start) {
        return new LoadedLearnedSolver(modelName, solver.withSchedule(schedule, start), operator, manager, device);
    }

    /**
     * This solver under another name (e.g. its model's name with the schedule's suffix, {@code diffusion-unet:finer}),
     * sharing the model, operator and manager: close one of the two only.
     */
    public LoadedLearnedSolver named(String name) {
        return new LoadedLearnedSolver(name, solver, operator, manager, device);
    }

    /** The model's name: a shipped model's name or a model file's name without {@code .zip}. */
    public String modelName() {
        return modelName;
    }

    /** E.g. {@code Learned lgd (lgd-ct30)}. */
    public String name() {
        return solver.name() + " (" + modelName + ")";
    }

    public ModelMetadata metadata() {
        return solver.model().metadata();
    }

    /** The operator the network applies (the data's physics, in this solver's manager). */
    public ForwardOperator operator() {
        return operator;
    }

    /**
     * Slices per batch when each slice is solved {@code copies} times (posterior samples): the set {@link #batch},
     * else as many as fit {@link #BATCH_PIXELS}, at least one and at most {@link #DEFAULT_BATCH}.
     */
    public int slicesPerBatch(int copies) {
        if (batch > 0) {
            return batch;
        }
        Shape domain = operator.domainShape();
        long pixels = domain.get(domain.dimension() - 2) * domain.get(domain.dimension() - 1) * copies;
        return (int) Math.max(1, Math.min(DEFAULT_BATCH, BATCH_PIXELS / pixels));
    }

    /** Sets the slices per forward pass (at least 1). */
    public LoadedLearnedSolver batch(int slices) {
        if (slices < 1) {
            throw new IllegalArgumentException("batch=" + slices + " must be at least 1");
        }
        batch = slices;
        return this;
    }

    /**
     * Reconstructs every sample of {@code measurements} (batch axis first, per-sample shape the operator's range).
     * The input is not modified; the result (float32, batch axis first) is attached to the input's manager.
     *
     * @throws java.util.concurrent.CancellationException when {@code progress} is cancelled (checked between
     *     batches and inside the solver: plug-and-play checks per iteration and within its steps)
     */
    public NDArray reconstruct(NDArray measurements, ProgressMonitor progress) {
        NDArray x = batched(measurements, 1, progress, (y, part) -> solver.reconstruct(y, operator, part));
        return x.reshape(x.getShape().slice(1));
    }

    /**
     * {@code samples} posterior samples of every slice drawn by {@code sampler} ({@link #posteriorSampler()}, or it
     * wrapped) on this solver's operator, in batches of slices ({@link #slicesPerBatch}; batch {@code k} drawn with
     * seed {@code seed + k}): {@code (samples, slices, image shape...)}, float32, attached to the input's manager.
     */
    public NDArray samples(NDArray measurements, PosteriorSampler sampler, int samples, long seed,
        ProgressMonitor progress) {
        long[] batchIndex = {0};
        return batched(measurements, samples, progress, (y, part) -> sampler.sample(y, operator, samples,
            seed + batchIndex[0]++, part));
    }

    /**
     * The model's posterior sampler ({@link LearnedSolver#posteriorSampler}).
     *
     * @throws IllegalArgumentException when the model is not a noise-level denoiser
     */
    public PosteriorSampler posteriorSampler() {
        return solver.posteriorSampler();
    }

    /** The model's chains from noise for a borrowed spread ({@link LearnedSolver#borrowedSpreadSampler}). */
    public PosteriorSampler borrowedSpreadSampler() {
        return solver.borrowedSpreadSampler();
    }

    /** The model's posterior sampler started at {@code start} ({@link LearnedSolver#posteriorSampler(Solver)}). */
    public PosteriorSampler posteriorSampler(Solver start) {
        return solver.posteriorSampler(start);
    }

    /**
     * Runs {@code solve} on batches of slices on the device (with the batch's share of the progress); each call
     * returns {@code (copies, batch, image...)}
     * (or {@code (batch, image...)} when {@code copies == 1}); the result is {@code (copies, slices, image...)}.
     */
    private NDArray batched(NDArray measurements, int copies, ProgressMonitor progress,
        java.util.function.BiFunction<NDArray, ProgressMonitor, NDArray> solve) {
        Shape shape = measurements.getShape();
        Shape range = operator.rangeShape();
        if (shape.dimension() != range.dimension() + 1 || !shape.slice(1).equals(range)) {
            throw new IllegalArgumentException("Measurements of shape " + shape + " do not fit the model's operator:"
                + " expected (slices, " + range + ")");
        }
        long n = shape.get(0);
        Shape sample = operator.domainShape();
        int perSample = Math.toIntExact(sample.size());
        float[] result = new float[Math.toIntExact(copies * n * perSample)];
        int batch = slicesPerBatch(copies);
        progress.progress(0, n, name());
        for (long first = 0; first < n; first += batch) {
            progress.checkCancelled();
            long last = Math.min(n, first + batch);
            try (NDManager scope = manager.newSubManager()) {
                NDArray part = measurements.get(new NDIndex("{}:{}", first, last));
                part.attach(scope);
                NDArray y = part.toType(DataType.FLOAT32, false).toDevice(device, false);
                y.attach(scope);
                NDArray x = solve.apply(y, progress.part(first, last, n, ""));
                float[] values = x.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
                int block = Math.toIntExact((last - first) * perSample);
                for (int c = 0; c < copies; c++) {
                    System.arraycopy(values, c * block, result, Math.toIntExact((c * n + first) * perSample), block);
                }
            }
            progress.progress(last, n, String.format("%s: slice %d/%d", name(), last, n));
        }
        return measurements.getManager().create(result, new Shape(copies, n).addAll(sample));
    }

    @Override
    public void close() {
        manager.close();
    }
}

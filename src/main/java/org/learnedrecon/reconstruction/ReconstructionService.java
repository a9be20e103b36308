package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.BatchedVectors;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;

/**
 * A stack of measurements (slice axis first) -> a stack of images, the same way for every physics and every menu:
 * the measurements are checked to be finite, then the classical solver or the learned model of the {@link Method}
 * runs on one slice at a time (learned models: small batches of slices), optionally on data scaled per slice
 * ({@link PeakNormalisedSolver}), each slice in its own memory scope with progress reported as
 * {@code slice k/n: ...}; cancellation is checked before each slice and inside the solvers (per iteration, and
 * within long steps), so a cancelled run ends by throwing and returns no partial stack. Reconstruct CT and
 * Reconstruct MRI both call {@link #reconstruct}; the metrics against a reference are
 * {@link org.learnedrecon.metrics.QualityTable}'s.
 */
public final class ReconstructionService {

    private ReconstructionService() {
    }

    /** Builds the operator for measurements (one slice, or the whole stack), in {@code scope}. */
    @FunctionalInterface
    public interface Operators {
        ForwardOperator operator(NDManager scope, NDArray measurements);
    }

    /** Loads a learned model for the data; an {@link IOException} becomes an {@link IllegalArgumentException}. */
    @FunctionalInterface
    public interface ModelLoader {
        LoadedLearnedSolver load() throws IOException;
    }

    /** The reconstructed stack ({@code (slices, image shape...)}), the solver's name, the model's (learned only). */
    public record Result(NDArray image, String solverName, String modelName) {
    }

    /**
     * How a stack is solved: a classical {@code solver} through {@code operators}, or the model of {@code loader};
     * made by {@link #classical} or {@link #learned}, then {@link #peakNormalised} and {@link #perSlice}.
     */
    public record Method(Solver solver, ModelLoader loader, Operators operators, boolean peakScaled,
            boolean operatorPerSlice) {

        /** A classical solver through one forward model, built by {@code operators} once for the whole stack. */
        public static Method classical(Solver solver, Operators operators) {
            return new Method(solver, null, operators, false, false);
        }

        /**
         * A learned model, which carries its own operator; its slices run in batches
         * ({@link LoadedLearnedSolver#slicesPerBatch}).
         */
        public static Method learned(ModelLoader loader) {
            return new Method(null, loader, null, false, false);
        }

        /**
         * Scales each slice's measurements so its zero-filled image ({@code A^H y} through {@code operators}) peaks
         * at 1 before solving and scales the result back ({@link PeakNormalisedSolver}).
         */
        public Method peakNormalised(Operators scaling) {
            return new Method(solver, loader, scaling, true, operatorPerSlice);
        }

        /** Each slice with its own operator (e.g. coil maps estimated from that slice). */
        public Method perSlice() {
            return new Method(solver, loader, operators, peakScaled, true);
        }
    }

    /**
     * Reconstructs every slice of {@code measurements}; the result is attached to their manager.
     *
     * @param what names the data in errors, e.g. {@code kspace=brain}
     * @throws IllegalArgumentException for non-finite measurements, or a model that cannot be loaded or does not fit
     * @throws java.util.concurrent.CancellationException when {@code progress} is cancelled
     */
    public static Result reconstruct(NDArray measurements, String what, Method method, ProgressMonitor progress) {
        requireFinite(measurements, what);
        if (method.loader == null) {
            return new Result(stream(method.solver, method.operators, method, 1, measurements, progress),
                method.solver.name(), null);
        }
        try (LoadedLearnedSolver network = method.loader.load()) {
            Operators operators = method.operators != null ? method.operators : (scope, y) -> network.operator();
            NDArray x = stream(asSolver(network), operators, method, network.slicesPerBatch(1),
                measurements, progress);
            return new Result(x, network.name(), network.modelName());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The posterior of every slice, the name of the sampler and of its model, and per slice the scale its spread was
     * calibrated by and the evidence behind that scale ({@link HeldOutCalibratedSampler#scales},
     * {@link HeldOutCalibratedSampler#evidence}; empty when it was not).
     */
    public record PosteriorResult(PosteriorSummary summary, String solverName, String modelName,
        List<Double> spreadScales, List<Double> spreadEvidence) {

        /** The posterior mean as the reconstruction. */
        public Result mean() {
            return new Result(summary.mean(), solverName, modelName);
        }
    }

    /**
     * Posterior samples of every slice by the denoiser model of {@code loader}
     * ({@link LoadedLearnedSolver#samples}), summarised ({@link PosteriorSummary}); attached to the measurements'
     * manager.
     *
     * @param keepSamples whether the summary keeps the samples {@code (samples, slices, image...)}
     * @param calibrate whether each slice's spread is calibrated by held-out measurements
     *     ({@link HeldOutCalibratedSampler}: the model's sampler runs once per fold more)
     * @param start where the chains start ({@link LoadedLearnedSolver#posteriorSampler(Solver)}: a reconstruction
     *     refined from a low noise level), or {@code null} for the model's sampler from noise
     * @throws IllegalArgumentException for non-finite measurements, fewer than 2 samples, or a model that cannot be
     *     loaded, does not fit or is not a noise-level denoiser; with {@code calibrate}, for an acquisition without a
     *     held-out split ({@link HeldOutSplit#of})
     */
    public static PosteriorResult posterior(NDArray measurements, String what, ModelLoader loader, int samples,
        long seed, boolean keepSamples, boolean calibrate, HeldOutChoice start, ProgressMonitor progress) {
        return posterior(measurements, what, loader, null, samples, seed, keepSamples, calibrate, start, progress);
    }

    /**
     * As above; with {@code peakScaling} (MRI) each slice is divided by the peak of its zero-filled image through
     * those operators ({@link PeakNormalisedSolver#scales}) before sampling and the samples multiplied back.
     */
    public static PosteriorResult posterior(NDArray measurements, String what, ModelLoader loader,
        Operators peakScaling, int samples, long seed, boolean keepSamples, boolean calibrate, HeldOutChoice start,
        ProgressMonitor progress) {
        requireFinite(measurements, what);
        PosteriorSummary.requireSamples(samples);
        try (LoadedLearnedSolver network = loader.load();
             HeldOutCalibratedSampler calibrated = calibrate ? calibrated(network, start) : null) {
            PosteriorSampler sampler = calibrate ? calibrated : sampler(network, start);
            NDArray drawn;
            if (peakScaling == null) {
                drawn = network.samples(measurements, sampler, samples, seed, progress);
            } else {
                NDArray scale = PeakNormalisedSolver.scales(measurements, peakScaling.operator(
                    measurements.getManager(), measurements));
                NDArray scaled = network.samples(measurements.div(BatchedVectors.perSample(scale, measurements)),
                    sampler, samples, seed, progress);
                // Samples are (S, slices, image...): each slice's scale broadcast over the sample axis.
                drawn = scaled.mul(BatchedVectors.perSample(scale, scaled.getShape().dimension() - 1).expandDims(0));
                scaled.close();
            }
            PosteriorSummary summary = PosteriorSummary.of(drawn);
            summary = keepSamples ? summary : summary.withoutSamples();
            return new PosteriorResult(summary, "Diffusion posterior mean", network.modelName(),
                calibrate ? calibrated.scales() : List.of(), calibrate ? calibrated.evidence() : List.of());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The model's sampler calibrated by held-out measurements of its acquisition; the split's checks (parallel beam,
     * enough views or outer lines) run here, before any sampling, and fail naming the key.
     */
    private static HeldOutCalibratedSampler calibrated(LoadedLearnedSolver network, HeldOutChoice start) {
        try {
            return start == null ? new HeldOutCalibratedSampler(network.posteriorSampler(), network.operator())
                : HeldOutCalibratedSampler.aroundStart(network.posteriorSampler(start),
                    network.borrowedSpreadSampler(), start, network.operator());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("calibrate=true: " + e.getMessage(), e);
        }
    }

    private static PosteriorSampler sampler(LoadedLearnedSolver network, Solver start) {
        return start == null ? network.posteriorSampler() : network.posteriorSampler(start);
    }

    private static void requireFinite(NDArray measurements, String what) {
        try (NDManager check = measurements.getManager().newSubManager()) {
            measurements.tempAttach(check); // the check's temporaries die with it
            // The sum is finite unless a value is not (or the sum overflows): one pass, 0.02 s for 32 sinograms of
            // 720 x 725, where isNaN and isInfinite take 0.5 s each; they only run to tell overflow from NaN.
            if (!Float.isFinite(measurements.sum().toType(DataType.FLOAT32, false).getFloat())
                && (measurements.isNaN().any().getBoolean() || measurements.isInfinite().any().getBoolean())) {
                throw new IllegalArgumentException(what + " contains NaN or infinite values");
            }
        }
    }

    /**
     * Solves the stack {@code batch} slices at a time (one for classical solvers), each batch in its own memory
     * scope, and gathers the results in one Java array: memory holds the input and output stacks plus one batch's
     * work however many slices there are, and progress and cancellation come per slice. The operator is built once
     * for the stack, or per slice for {@link Method#perSlice}.
     */
    private static NDArray stream(Solver solver, Operators operators, Method method, int batch, NDArray y,
        ProgressMonitor progress) {
        Solver scaled = method.peakScaled ? new PeakNormalisedSolver(solver) : solver;
        NDManager manager = y.getManager();
        int slices = (int) y.getShape().get(0);
        ForwardOperator stackOperator = method.operatorPerSlice ? null : operators.operator(manager, y);
        float[] out = null;
        Shape image = null;
        for (int first = 0; first < slices; first += batch) {
            progress.checkCancelled();
            int last = Math.min(slices, first + batch);
            try (NDManager scope = manager.newSubManager()) {
                NDArray part = y.get(new NDIndex("{}:{}", first, last));
                part.attach(scope);
                ForwardOperator operator = stackOperator != null ? stackOperator : operators.operator(scope, part);
                NDArray x = scaled.reconstruct(part, operator, progress.part(first, last, slices, String.format(
                    Locale.ROOT, last - first == 1 ? "slice %2$d/%3$d: " : "slices %d-%d/%d: ", first + 1, last,
                    slices)));
                x.attach(scope);
                if (out == null) {
                    image = x.getShape().slice(1);
                    out = new float[Math.toIntExact(slices * image.size())];
                }
                float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(values, 0, out, Math.toIntExact(first * image.size()), values.length);
            }
        }
        return manager.create(out, new Shape(slices).addAll(image));
    }

    /** The model as a {@link Solver}, so the same scaling applies to it; the operator given is not used. */
    private static Solver asSolver(LoadedLearnedSolver network) {
        return new Solver() {
            @Override
            public String name() {
                return network.name();
            }

            @Override
            public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor monitor) {
                return network.reconstruct(measurements, monitor);
            }
        };
    }
}

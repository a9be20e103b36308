package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Locale;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;

/**
 * A stack of measurements (slice axis first) -> a stack of images, the same way for every physics and every menu:
 * the measurements are checked to be finite, the classical solver or the learned model of the {@link Method} runs,
 * optionally on data scaled per slice ({@link PeakNormalisedSolver}) and optionally one slice at a time, each slice
 * in its own memory scope with progress reported as {@code slice k/n: ...}; cancellation is checked before each
 * slice (and per iteration or batch inside the solvers). Reconstruct CT and Reconstruct MRI both call
 * {@link #reconstruct}; the metrics against a reference are {@link org.learnedrecon.metrics.QualityTable}'s.
 */
public final class ReconstructionService {

    private ReconstructionService() {
    }

    /** Builds the operator for a batch of measurements (one slice, or the whole stack), in {@code scope}. */
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
            boolean sliceBySlice) {

        /** A classical solver through the operators' forward model, on the whole stack in one call. */
        public static Method classical(Solver solver, Operators operators) {
            return new Method(solver, null, operators, false, false);
        }

        /** A learned model, which carries its own operator; its slices run in batches. */
        public static Method learned(ModelLoader loader) {
            return new Method(null, loader, null, false, false);
        }

        /**
         * Scales each slice's measurements so its zero-filled image ({@code A^H y} through {@code operators}) peaks
         * at 1 before solving and scales the result back ({@link PeakNormalisedSolver}).
         */
        public Method peakNormalised(Operators scaling) {
            return new Method(solver, loader, scaling, true, sliceBySlice);
        }

        /** One solver call per slice, each with its own operator (e.g. coil maps estimated from that slice). */
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
            return new Result(solve(method.solver, measurements, method, progress), method.solver.name(), null);
        }
        try (LoadedLearnedSolver network = method.loader.load()) {
            NDArray x = method.operators == null ? network.reconstruct(measurements, progress)
                : solve(asSolver(network), measurements, method, progress);
            return new Result(x, network.name(), network.modelName());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The posterior of every slice, the name of the sampler and of its model. */
    public record PosteriorResult(PosteriorSummary summary, String solverName, String modelName) {
    }

    /**
     * Posterior samples of every slice by the denoiser model of {@code loader}
     * ({@link LoadedLearnedSolver#samples}), summarised ({@link PosteriorSummary}); attached to the measurements'
     * manager.
     *
     * @param keepSamples whether the summary keeps the samples {@code (samples, slices, image...)}
     * @throws IllegalArgumentException for non-finite measurements, fewer than 2 samples, or a model that cannot be
     *     loaded, does not fit or is not a noise-level denoiser
     */
    public static PosteriorResult posterior(NDArray measurements, String what, ModelLoader loader, int samples,
        long seed, boolean keepSamples, ProgressMonitor progress) {
        return posterior(measurements, what, loader, null, samples, seed, keepSamples, progress);
    }

    /**
     * As above; with {@code peakScaling} (MRI) each slice is divided by the peak of its zero-filled image through
     * those operators ({@link PeakNormalisedSolver#scales}) before sampling and the samples multiplied back.
     */
    public static PosteriorResult posterior(NDArray measurements, String what, ModelLoader loader,
        Operators peakScaling, int samples, long seed, boolean keepSamples, ProgressMonitor progress) {
        requireFinite(measurements, what);
        PosteriorSummary.requireSamples(samples);
        try (LoadedLearnedSolver network = loader.load()) {
            NDArray drawn;
            if (peakScaling == null) {
                drawn = network.samples(measurements, samples, seed, progress);
            } else {
                NDArray scale = PeakNormalisedSolver.scales(measurements, peakScaling.operator(
                    measurements.getManager(), measurements));
                Shape shape = measurements.getShape();
                long[] perSlice = new long[shape.dimension()];
                java.util.Arrays.fill(perSlice, 1);
                perSlice[0] = shape.get(0);
                NDArray scaled = network.samples(measurements.div(scale.reshape(new Shape(perSlice))), samples, seed,
                    progress);
                long[] perSample = new long[scaled.getShape().dimension()];
                java.util.Arrays.fill(perSample, 1);
                perSample[1] = shape.get(0);
                drawn = scaled.mul(scale.reshape(new Shape(perSample)));
                scaled.close();
            }
            PosteriorSummary summary = PosteriorSummary.of(drawn);
            summary = keepSamples ? summary : summary.withoutSamples();
            return new PosteriorResult(summary, "Diffusion posterior mean", network.modelName());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void requireFinite(NDArray measurements, String what) {
        if (measurements.isNaN().any().getBoolean() || measurements.isInfinite().any().getBoolean()) {
            throw new IllegalArgumentException(what + " contains NaN or infinite values");
        }
    }

    private static NDArray solve(Solver solver, NDArray y, Method method, ProgressMonitor progress) {
        Solver scaled = method.peakScaled ? new PeakNormalisedSolver(solver) : solver;
        if (!method.sliceBySlice) {
            return scaled.reconstruct(y, method.operators.operator(y.getManager(), y), progress);
        }
        NDManager manager = y.getManager();
        int slices = (int) y.getShape().get(0);
        float[] out = new float[0];
        Shape image = new Shape();
        for (int s = 0; s < slices; s++) {
            progress.checkCancelled();
            try (NDManager sliceScope = manager.newSubManager()) {
                NDArray ys = y.get(s).expandDims(0);
                ys.attach(sliceScope);
                NDArray x = scaled.reconstruct(ys, method.operators.operator(sliceScope, ys),
                    slice(progress, s, slices));
                x.attach(sliceScope);
                float[] values = x.toFloatArray();
                if (s == 0) {
                    image = x.getShape().slice(1);
                    out = new float[slices * values.length];
                }
                System.arraycopy(values, 0, out, s * values.length, values.length);
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

    /** Slice {@code index} of {@code count}: progress scaled into the whole stack's, messages prefixed. */
    static ProgressMonitor slice(ProgressMonitor outer, int index, int count) {
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                outer.progress(index * total + done, count * total, String.format(Locale.ROOT, "slice %d/%d: %s",
                    index + 1, count, message));
            }

            @Override
            public boolean isCancelled() {
                return outer.isCancelled();
            }
        };
    }
}

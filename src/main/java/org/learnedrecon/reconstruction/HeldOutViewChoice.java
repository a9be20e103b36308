package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Chooses per slice, among candidate reconstructions (TV, plug-and-play, an unrolled network...), the one the data
 * speak for, by cross-validation over the views: each candidate reconstructs the slice from all views but every
 * {@value #EVERY}th, and is scored by how well its image predicts the views held out,
 * {@code ||A_J x - y_J||^2 / ||y_J||^2}, summed over {@value #FOLDS} folds (held-out views {@code v mod 10 = 0}, then
 * {@code = 5}). The candidate with the smallest score reconstructs the slice from all views. No clean image is
 * needed: a reconstruction closer to the object predicts views it did not see better, whatever kind of image it is
 * (README, "Choosing by held-out views": on the held-out sets it picked TV on the phantoms and artwork and
 * plug-and-play on brain slices). Held-out views lie inside the scanned range, so the score does not see a missing
 * wedge.
 *
 * <p>Parallel-beam scans of at least {@value #MIN_VIEWS} views. Each slice costs every candidate {@code FOLDS + 1}
 * reconstructions. {@link #choices()} lists the name chosen for each slice of the last stack, {@link #scores()} the
 * candidates' scores. Learned candidates load their model once per sub-scan; {@link #close()} frees them.
 */
public final class HeldOutViewChoice implements Solver, AutoCloseable {

    /** Every {@value}th view is held out in a fold. */
    public static final int EVERY = 10;
    /** Folds: the held-out views of fold {@code f} are those with {@code v mod EVERY = f * EVERY / FOLDS}. */
    public static final int FOLDS = 2;
    /** Two views held out per fold at least. */
    public static final int MIN_VIEWS = 2 * EVERY;

    /** A reconstruction that runs on any parallel-beam scan: the data's or a sub-scan of its views. */
    public interface Candidate extends AutoCloseable {
        String name();

        /** The images of {@code sinograms} measured by {@code scan}, attached to the sinograms' manager. */
        NDArray reconstruct(NDArray sinograms, RayTransform scan, ProgressMonitor progress);

        @Override
        default void close() {
        }
    }

    /** A classical solver as a candidate. */
    public static Candidate classical(String name, Solver solver) {
        return new Candidate() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NDArray reconstruct(NDArray sinograms, RayTransform scan, ProgressMonitor progress) {
                return solver.reconstruct(sinograms, scan, progress);
            }
        };
    }

    /**
     * The learned models {@code models} (comma-separated shipped names or model files; blank or {@code auto}:
     * {@link #DEFAULT_MODELS}, those that fit the scan) as candidates, each loaded once per scan it meets and run
     * with the settings of the data's whole scan {@code g} (the sub-scans of the folds are its views).
     *
     * @param skipped told the name and reason of each default model that does not fit
     * @throws IllegalArgumentException naming the model when a model given by name does not fit the scan or does not
     *     exist
     */
    public static List<Candidate> learned(String models, ParallelBeamGeometry g,
            DeepLearningRuntime.DeviceChoice device, java.util.function.Consumer<String> skipped) {
        boolean automatic = LearnedSolverFactory.isAutomatic(models);
        List<Candidate> list = new ArrayList<>();
        for (String model : automatic ? DEFAULT_MODELS : Arrays.stream(models.split(",")).map(String::trim)
                .filter(m -> !m.isEmpty()).toList()) {
            LearnedCandidate candidate;
            try {
                String architecture = ModelFile.readMetadata(PretrainedModels.shipped().resolve(model)).architecture;
                candidate = new LearnedCandidate(LearnedSolverFactory.solverName(architecture), model,
                    CtParallelPhysics.settingsOf(g), device);
                candidate.load(g);
            } catch (IncompatibleModelException e) {
                if (!automatic) {
                    throw new IllegalArgumentException("model=" + model + ": " + e.getMessage(), e);
                }
                skipped.accept(model + ": " + e.getMessage());
                continue;
            } catch (IOException e) {
                throw new IllegalArgumentException("model=" + model + ": " + e.getMessage(), e);
            }
            list.add(candidate);
        }
        return list;
    }

    /**
     * The learned candidates of {@code model=auto}: the shipped plug-and-play denoiser and the LGD that refines TV,
     * the pair that measured best with TV fitting the noise (README, "Choosing by held-out views").
     */
    public static final List<String> DEFAULT_MODELS = List.of("dncnn-s05", "lgd-ct-tv-family");

    private final List<Candidate> candidates;
    private final List<String> choices = new ArrayList<>();
    private final List<double[]> scores = new ArrayList<>();

    public HeldOutViewChoice(List<Candidate> candidates) {
        if (candidates.size() < 2) {
            throw new IllegalArgumentException("A choice by held-out views needs at least 2 candidates, got "
                + candidates.size());
        }
        this.candidates = List.copyOf(candidates);
    }

    @Override
    public String name() {
        return "Choice by held-out views";
    }

    /** The candidates' names, in the order of {@link #scores()}. */
    public List<String> candidateNames() {
        return candidates.stream().map(Candidate::name).toList();
    }

    /** The candidate chosen for each slice of the last stack, in slice order. */
    public List<String> choices() {
        return List.copyOf(choices);
    }

    /** Per slice of the last stack, each candidate's held-out score (relative squared residual, summed over folds). */
    public List<double[]> scores() {
        return scores.stream().map(double[]::clone).toList();
    }

    /**
     * Resets {@link #choices()} and {@link #scores()}: call before a new stack (the Reconstruct commands solve one
     * slice at a time and the record accumulates over them).
     */
    public void clearRecord() {
        choices.clear();
        scores.clear();
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        if (!(operator instanceof RayTransform scan) || !(scan.geometry() instanceof ParallelBeamGeometry g)) {
            throw new IllegalArgumentException("The choice by held-out views needs a parallel-beam scan, got "
                + (operator instanceof RayTransform r ? r.geometry() : operator.getClass().getSimpleName()));
        }
        int views = g.angleCount();
        if (views < MIN_VIEWS) {
            throw new IllegalArgumentException("The choice by held-out views holds out every " + EVERY + "th view "
                + "and needs at least " + MIN_VIEWS + " views, got views=" + views);
        }
        int slices = (int) measurements.getShape().get(0);
        double[][] score = new double[slices][candidates.size()];
        int steps = candidates.size() * (FOLDS + 1);
        int step = 0;
        for (int fold = 0; fold < FOLDS; fold++) {
            int heldOut = fold * EVERY / FOLDS;
            int[] kept = IntStream.range(0, views).filter(v -> v % EVERY != heldOut).toArray();
            int[] held = IntStream.range(0, views).filter(v -> v % EVERY == heldOut).toArray();
            RayTransform keptScan = RayTransform.matrixFree(g.ofViews(kept));
            RayTransform heldScan = RayTransform.matrixFree(g.ofViews(held));
            try (NDManager scope = measurements.getManager().newSubManager()) {
                NDArray keptViews = ViewSplitRayTransform.rows(measurements, kept);
                NDArray heldViews = ViewSplitRayTransform.rows(measurements, held);
                keptViews.attach(scope);
                heldViews.attach(scope);
                float[] truth = heldViews.toFloatArray();
                for (int c = 0; c < candidates.size(); c++) {
                    progress.checkCancelled();
                    NDArray x = candidates.get(c).reconstruct(keptViews, keptScan,
                        progress.part(step, step + 1, steps, ""));
                    x.attach(scope);
                    NDArray predicted = heldScan.apply(x);
                    predicted.attach(scope);
                    addResiduals(predicted.toFloatArray(), truth, slices, score, c);
                    progress.progress(++step, steps, name() + ": " + candidates.get(c).name() + ", fold "
                        + (fold + 1) + "/" + FOLDS);
                }
            }
        }
        int[] best = new int[slices];
        for (int s = 0; s < slices; s++) {
            for (int c = 1; c < candidates.size(); c++) {
                if (score[s][c] < score[s][best[s]]) {
                    best[s] = c;
                }
            }
        }
        NDArray result = measurements.getManager().zeros(new Shape(slices).addAll(operator.domainShape()));
        for (int c = 0; c < candidates.size(); c++) {
            final int candidate = c;
            int[] chosen = IntStream.range(0, slices).filter(s -> best[s] == candidate).toArray();
            if (chosen.length > 0) {
                progress.checkCancelled();
                try (NDManager scope = measurements.getManager().newSubManager()) {
                    NDArray part = slicesOf(measurements, chosen);
                    part.attach(scope);
                    NDArray x = candidates.get(c).reconstruct(part, scan, progress.part(step, step + 1, steps, ""));
                    x.attach(scope);
                    for (int i = 0; i < chosen.length; i++) {
                        result.set(new ai.djl.ndarray.index.NDIndex(chosen[i]), x.get(i));
                    }
                }
            }
            progress.progress(++step, steps, name() + ": " + candidates.get(c).name() + ", all views");
        }
        for (int s = 0; s < slices; s++) {
            choices.add(candidates.get(best[s]).name());
            scores.add(score[s]);
        }
        return result;
    }

    private static void addResiduals(float[] predicted, float[] truth, int slices, double[][] score, int c) {
        int per = truth.length / slices;
        for (int s = 0; s < slices; s++) {
            double residual = 0;
            double norm = 0;
            for (int i = s * per; i < (s + 1) * per; i++) {
                double d = predicted[i] - truth[i];
                residual += d * d;
                norm += (double) truth[i] * truth[i];
            }
            score[s][c] += residual / Math.max(norm, Double.MIN_NORMAL);
        }
    }

    private static NDArray slicesOf(NDArray stack, int[] slices) {
        Shape s = stack.getShape();
        int per = Math.toIntExact(s.size() / s.get(0));
        float[] data = RayTransform.floats(stack);
        float[] out = new float[slices.length * per];
        for (int i = 0; i < slices.length; i++) {
            System.arraycopy(data, slices[i] * per, out, i * per, per);
        }
        return stack.getManager().create(out, new Shape(slices.length).addAll(s.slice(1)));
    }

    @Override
    public void close() {
        candidates.forEach(Candidate::close);
    }

    /** A learned model, loaded once per scan (keyed by its angles). */
    private static final class LearnedCandidate implements Candidate {
        private final String solver;
        private final String model;
        private final Map<String, String> settings;
        private final DeepLearningRuntime.DeviceChoice device;
        private final Map<List<Double>, LoadedLearnedSolver> loaded = new HashMap<>();
        private String name;

        LearnedCandidate(String solver, String model, Map<String, String> settings,
                DeepLearningRuntime.DeviceChoice device) {
            this.solver = solver;
            this.model = model;
            this.settings = Map.copyOf(settings);
            this.device = device;
            this.name = solver + " (" + model + ")";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public NDArray reconstruct(NDArray sinograms, RayTransform scan, ProgressMonitor progress) {
            try {
                return load((ParallelBeamGeometry) scan.geometry()).reconstruct(sinograms, progress);
            } catch (IOException e) {
                throw new IllegalArgumentException("model=" + model + ": " + e.getMessage(), e);
            }
        }

        LoadedLearnedSolver load(ParallelBeamGeometry g) throws IOException {
            List<Double> key = Arrays.stream(g.angles()).boxed().toList();
            LoadedLearnedSolver network = loaded.get(key);
            if (network == null) {
                boolean differentiable = LearnedSolverFactory.needsDifferentiableOperator(solver);
                network = LearnedSolverFactory.load(solver, model, settings, m -> differentiable
                    ? RayTransform.differentiable(g, m) : RayTransform.matrixFree(g), device);
                loaded.put(key, network);
                name = network.name();
            }
            return network;
        }

        @Override
        public void close() {
            loaded.values().forEach(LoadedLearnedSolver::close);
            loaded.clear();
        }
    }
}

package org.learnedrecon.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.learned.LangevinPosteriorSampler;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.LearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.reconstruction.HeldOutCalibratedSampler;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.reconstruction.PosteriorSummary;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.MriSolverFactory;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;
import org.learnedrecon.training.ImageSliceDataset;

/**
 * Is the diffusion posterior calibrated? For each scenario and test set (built as {@link SolverComparison} builds
 * them, 1 % noise): PSNR of the initial reconstruction (FBP / zero-filled), of plug-and-play HQS with the same
 * denoiser and of the posterior mean; the coverage of the nominal 90 % interval {@code mean +- 1.645 std} (fraction
 * of pixels whose true value lies inside) and of the finite-sample 90 % prediction interval of {@code S} samples
 * ({@link #finiteSampleFactor}); the Pearson correlation of {@code std} and {@code |mean - truth|} over
 * all pixels of the set; the mean std (the spread) next to the mean absolute error. MRI is scored on what
 * {@code Reconstruct MRI...} shows: the magnitude of the complex posterior mean, and as std the magnitude of the real
 * and imaginary parts' stds. A markdown table on stdout (and in {@code out=}).
 *
 * <p>Arguments: {@code model=} (a noise-level-map denoiser file, required) {@code scenarios=[ct30,ct90x120,mri4,mri8]}
 * ({@link SolverComparison#scenario}: also {@code ct<views>[x<degrees>]}, {@code mri<acceleration>})
 * {@code sets=[val]} {@code images=[8]} (per set) {@code samples=[8]} {@code seed=[1]} {@code hqs=[true]}
 * {@code out=} {@code figure=} (a PNG: per row, the first image's truth, mean, std (calibrated with
 * {@code calibrate}, as the commands show it) and |error|)
 * {@code valTiff=}, {@code naturalDir=}, {@code atlasTiff=} (other sources for the sets {@code val}, {@code natural},
 * {@code atlas}, as in {@link SolverComparison}: e.g. training images, to tune the sampler without the held-out ones)
 * {@code sampler=[diffpir]}: DiffPIR with the model's defaults ({@link LearnedSolver#posteriorSampler}, as the
 * commands build it), or {@code -Dlrecon.diffusion=steps,sigmaMax,sigmaMin,zeta,lambda,cg,noiseLevel}; or
 * {@code pnp-ula}, {@link LangevinPosteriorSampler} with the same network, its chains started at the plug-and-play
 * reconstruction ({@code -Dlrecon.langevin=iterations,sigma,alpha,stepFraction,noiseLevel}); or {@code diffpir-pnp},
 * DiffPIR whose chain starts at plug-and-play with the same network from the physics' plug-and-play start and the
 * sharp schedule (the CT choice's {@code diffusion-unet:sharp} until 2026-12-04), meant with a lower
 * {@code sigmaMax} in {@code -Dlrecon.diffusion} (README, "A warm start for the posterior sampler": a probe, not the
 * commands' sampler);
 * or {@code diffpir-choice}, DiffPIR whose chain starts at the choice by held-out measurements among TV and the
 * automatic models, with the sampler of {@code start=[Choice by held-out views]} / {@code [... lines]} of the
 * commands ({@link LearnedSolver#posteriorSampler(Solver)}: {@code WARM_START} unless {@code -Dlrecon.diffusion} is
 * set; use {@code hqs=false}); the row then ends with the start's own PSNR ({@code start ... dB}) and what the choice
 * chose; or {@code diffpir-quick}, the same from the quick choice ({@code start=[Quick choice by held-out views]} /
 * {@code [... lines]}: TV's candidates and {@link HeldOutChoice#CT_QUICK_MODELS} / {@code MRI_QUICK_MODELS}).
 * {@code calibrate=[false]}: the sampler wrapped in {@link HeldOutCalibratedSampler} (as {@code calibrate} of the
 * commands); three more columns then give the coverage with the calibrated std, the slices' spread scales and the
 * scales the truth asks for ({@link #l2Scale}, what the calibration estimates, and {@link #coverageScale}, what 90 %
 * coverage needs), the columns before them the sampler's own spread (the same samples, unscaled).
 */
public final class PosteriorCalibration {

    /** The two-sided 90 % quantile of the standard normal. */
    static final double Z90 = 1.6449;

    /** Where the test sets come from, passed on to {@link SolverComparison#testSet}. */
    private static final List<String> SOURCE_KEYS = List.of("valTiff", "naturalDir", "atlasTiff");

    private static final List<String> KEYS = List.of("model", "scenarios", "sets", "images", "samples", "seed", "hqs",
        "sampler", "calibrate", "out", "figure", "valTiff", "naturalDir", "atlasTiff");

    /**
     * The percentile of a row's |error| shown at full white in {@link #figure}, for its std as well: errors differ by
     * 30 dB between the rows (MRI 8x brain slices, CT natural crops), so one fixed range leaves rows black or white.
     */
    static final double FIGURE_SPREAD_PERCENTILE = 0.99;

    /** Per row of the table, the first image's truth, mean, std and |error|, for {@link #figure}. */
    private final List<float[][]> strips = new java.util.ArrayList<>();
    private int stripSide;
    /** The sampler's settings as used (the model decides the defaults). */
    private String samplerSettings = "";

    private final Map<String, String> options;

    public PosteriorCalibration(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown argument " + key + "=: choose from " + KEYS);
            }
        }
        if (!options.containsKey("model")) {
            throw new IllegalArgumentException("model= (a noise-level-map denoiser file) is required");
        }
        this.options = options;
    }

    public static void main(String[] args) throws IOException {
        PosteriorCalibration calibration = new PosteriorCalibration(SolverComparison.parse(args));
        String table = DeepLearningRuntime.call(calibration::run);
        System.out.print(table);
        String out = calibration.options.get("out");
        if (out != null && !out.isEmpty()) {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
        }
    }

    /** The table, one row per scenario and set. */
    public String run() throws IOException {
        int images = Integer.parseInt(options.getOrDefault("images", "8"));
        String n = Integer.toString(images);
        Map<String, String> setOptions = new LinkedHashMap<>(Map.of("valSlices", n, "natural", n, "atlas", n,
            "ellipses", n, "seed", options.getOrDefault("seed", "1")));
        for (String key : SOURCE_KEYS) {
            if (options.containsKey(key)) {
                setOptions.put(key, options.get(key));
            }
        }
        SolverComparison sets = new SolverComparison(setOptions);
        boolean calibrate = calibrate();
        StringBuilder table = new StringBuilder("| scenario | test set | FBP / zero-filled | HQS | posterior mean | "
            + "coverage of mean +- 1.645 std | coverage of the finite-sample 90 % interval | corr(std, abs error) | "
            + "mean std | mean abs error | seconds per slice |"
            + (calibrate ? " coverage of mean +- 1.645 calibrated std | spread scale, mean (min-max) | scale the truth "
            + "asks for: L2 / 90 % coverage, mean |" : "")
            + "\n|---|---|---|---|---|---|---|---|---|---|---|" + (calibrate ? "---|---|---|" : "") + "\n");
        for (String key : options.getOrDefault("scenarios", "ct30,ct90x120,mri4,mri8").split(",")) {
            SolverComparison.Scenario scenario = SolverComparison.scenario(key.trim());
            for (String set : options.getOrDefault("sets", "val").split(",")) {
                String row = row(scenario, set.trim(), sets.testSet(set.trim(), scenario.size()));
                System.err.print(row);
                table.append(row);
            }
        }
        if (options.containsKey("figure")) {
            figure(Path.of(options.get("figure")));
        }
        return table.append("\nSampler: ").append(samplerSettings).append("; ")
            .append(options.getOrDefault("samples", "8")).append(" samples, seed ")
            .append(options.getOrDefault("seed", "1")).append(".\n").toString();
    }

    /**
     * Writes a PNG with one row per table row: the first image's truth, posterior mean (both 0 to 1 as black to
     * white), posterior std and |mean - truth| (both 0 to the row's {@link #FIGURE_SPREAD_PERCENTILE} percentile of
     * |mean - truth| as black to white, printed per row).
     */
    private void figure(Path file) throws IOException {
        int n = stripSide;
        int gap = 4;
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(4 * n + 3 * gap,
            strips.size() * n + (strips.size() - 1) * gap, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.image.WritableRaster raster = image.getRaster();
        for (int r = 0; r < strips.size(); r++) {
            float[] error = strips.get(r)[3].clone();
            java.util.Arrays.sort(error);
            double white = Math.max(1e-6, error[(int) Math.floor(FIGURE_SPREAD_PERCENTILE * (error.length - 1))]);
            System.err.printf(java.util.Locale.ROOT, "Figure row %d: std and |error| white at %.4g%n", r + 1, white);
            for (int panel = 0; panel < 4; panel++) {
                double range = panel < 2 ? 1 : white;
                float[] values = strips.get(r)[panel];
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        double v = Math.max(0, Math.min(1, values[y * n + x] / range));
                        raster.setSample(panel * (n + gap) + x, r * (n + gap) + y, 0, (int) Math.round(255 * v));
                    }
                }
            }
        }
        javax.imageio.ImageIO.write(image, "png", file.toFile());
        System.err.println("Figure written to " + file.toAbsolutePath());
    }

    /** {@code calibrate=}: the sampler wrapped in {@link HeldOutCalibratedSampler}. */
    private boolean calibrate() {
        return Boolean.parseBoolean(options.getOrDefault("calibrate", "false"));
    }

    private String row(SolverComparison.Scenario scenario, String set, ImageSliceDataset images) throws IOException {
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        boolean calibrate = calibrate();
        int samples = Integer.parseInt(options.getOrDefault("samples", "8"));
        Map<String, String> physics = new LinkedHashMap<>(scenario.physics());
        boolean ct = CtParallelPhysics.NAME.equals(physics.get("physics"));
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op;
            NDArray truth;
            NDArray y;
            int[] all = java.util.stream.IntStream.range(0, images.size()).toArray();
            if (ct) {
                op = RayTransform.matrixFree(CtParallelPhysics.geometry(physics));
                truth = images.batch(m, all, op.domainShape(), 1.0);
                y = new GaussianNoise(0.01, seed).apply(op.apply(truth));
            } else {
                physics.put("maskSeed", Long.toString(SolverComparison.DEFAULT_MRI_MASK_SEED));
                SamplingMask mask = MriCartesianPhysics.mask(physics);
                op = new CartesianMriOperator(m, mask);
                truth = images.batch(m, all, op.domainShape(), 1.0);
                y = new ComplexGaussianNoise(0.01, seed).apply(op.apply(truth), mask);
            }
            PhysicsFactory physicsFactory = PhysicsCatalog.find(physics.get("physics"));
            Solver initial = physicsFactory.initialReconstruction(physics);
            LearnedModel model = ModelFile.load(Path.of(options.get("model")), m, op, physics);
            // HQS from the physics' initial reconstruction (FBP / zero filling; the commands' CT plug-and-play starts
            // from TV since 2026-12-02, so in CT this column is not the command's), and the model's posterior sampler.
            LearnedSolver solver = new LearnedSolver(model, initial);
            HeldOutChoice choice = null;
            Solver warmStart = null;
            String kind = samplerKind();
            if ("diffpir-pnp".equals(kind)) {
                // The chain starts at plug-and-play from the physics' start with the sharp schedule (CT: from TV,
                // the choice's candidate).
                Solver start = new LearnedSolver(model, initial, physicsFactory.plugAndPlayStart(physics))
                    .withSchedule(org.learnedrecon.learned.HalfQuadraticSplitting.Schedule.SHARP);
                solver = new LearnedSolver(model, start);
            } else if (List.of("diffpir-choice", "diffpir-quick").contains(kind)) {
                // The chain starts at the choice by held-out measurements, its candidates as the commands build them
                // (CT with noise= given; MRI peak-normalised), with the commands' warm-start sampler.
                choice = choiceByHeldOut(ct, physics, op, "diffpir-quick".equals(kind));
                warmStart = new LastReconstruction(ct ? choice : new PeakNormalisedSolver(choice));
                solver = new LearnedSolver(model, warmStart);
            }
            NDArray reference = magnitude(truth, ct);
            double start = psnr(reference, magnitude(initial.reconstruct(y, op, ProgressMonitor.NONE), ct));
            double hqs = Boolean.parseBoolean(options.getOrDefault("hqs", "true"))
                ? psnr(reference, magnitude(solver.reconstruct(y, op, ProgressMonitor.NONE), ct)) : Double.NaN;
            PosteriorSampler sampler = warmStart != null ? solver.posteriorSampler(warmStart) : sampler(solver, model);
            // Chains from the start borrow the spread of chains from noise (the commands' calibrate with a start).
            HeldOutCalibratedSampler calibrated = !calibrate ? null : warmStart == null
                ? new HeldOutCalibratedSampler(sampler, op)
                : HeldOutCalibratedSampler.aroundStart(sampler,
                    new LearnedSolver(model, initial).borrowedSpreadSampler(), choice, op);
            long t0 = System.nanoTime();
            NDArray drawn = (calibrate ? calibrated : sampler).sample(y, op, samples, seed, ProgressMonitor.NONE);
            double seconds = (System.nanoTime() - t0) / 1e9 / images.size();
            samplerSettings = (calibrate ? calibrated : sampler).description();
            if (calibrate) {
                calibrated.close(); // its scales stay readable
            }
            PosteriorSummary summary = PosteriorSummary.of(drawn);
            NDArray shownMean = magnitude(summary.mean(), ct);
            float[] t = reference.toFloatArray();
            float[] mean = shownMean.toFloatArray();
            float[] std = magnitude(summary.std(), ct).toFloatArray();
            // The columns before the calibrated ones score the sampler's own spread: the calibrated std over the
            // slice's scale (the scaled samples' mean is the sampler's). With a start and calibrate that spread is the
            // one borrowed from chains from noise (HeldOutCalibratedSampler.aroundStart), around the warm mean.
            float[] calibratedStd = std.clone();
            double[] scales = calibrate ? calibrated.scales().stream().mapToDouble(Double::doubleValue).toArray()
                : null;
            if (calibrate) {
                int per = std.length / images.size();
                for (int i = 0; i < std.length; i++) {
                    std[i] /= (float) scales[i / per];
                }
            }
            double predictive = Z90 * finiteSampleFactor(samples);
            double inside = 0;
            double insideCalibrated = 0;
            double insidePredictive = 0;
            double[] error = new double[t.length];
            double[] spread = new double[t.length];
            int pixels = t.length / images.size();
            float[][] strip = new float[4][];
            strip[0] = java.util.Arrays.copyOf(t, pixels);
            strip[1] = java.util.Arrays.copyOf(mean, pixels);
            strip[2] = java.util.Arrays.copyOf(calibratedStd, pixels); // the std the commands show
            strip[3] = new float[pixels];
            for (int i = 0; i < pixels; i++) {
                strip[3][i] = Math.abs(mean[i] - t[i]);
            }
            strips.add(strip);
            stripSide = (int) Math.round(Math.sqrt(pixels));
            for (int i = 0; i < t.length; i++) {
                error[i] = Math.abs(mean[i] - t[i]);
                spread[i] = std[i];
                inside += error[i] <= Z90 * std[i] ? 1 : 0;
                insideCalibrated += error[i] <= Z90 * calibratedStd[i] ? 1 : 0;
                insidePredictive += error[i] <= predictive * std[i] ? 1 : 0;
            }
            String row = String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.3f | %.3f | %.2f | %.4f | %.4f"
                + " | %.1f |", scenario.title(), set, start, hqs, psnr(reference, shownMean), inside / t.length,
                insidePredictive / t.length,
                pearson(spread, error), average(spread), average(error), seconds);
            if (calibrate) {
                double[] l2 = new double[images.size()];
                double[] covering = new double[images.size()];
                for (int s = 0; s < images.size(); s++) {
                    l2[s] = l2Scale(error, std, s * pixels, (s + 1) * pixels);
                    covering[s] = coverageScale(error, std, s * pixels, (s + 1) * pixels);
                }
                row += String.format(Locale.ROOT, " %.3f | %.2f (%.2f-%.2f) | %.2f / %.2f |",
                    insideCalibrated / t.length, average(scales),
                    java.util.Arrays.stream(scales).min().orElse(Double.NaN),
                    java.util.Arrays.stream(scales).max().orElse(Double.NaN), average(l2), average(covering));
            }
            if (warmStart instanceof LastReconstruction last) {
                row += String.format(Locale.ROOT, " start %.2f dB;", psnr(reference, magnitude(last.images(m), ct)));
            }
            if (choice != null) {
                // The last slices' choices are those of the start from all measurements (calibrate's folds come first).
                List<String> chosen = choice.choices();
                row += " chosen: " + String.join(", ", chosen.subList(chosen.size() - images.size(), chosen.size()));
                choice.close();
            }
            return row + System.lineSeparator();
        }
    }

    /**
     * The choice by held-out views / lines among TV's candidates and the shipped models, as the commands build it
     * (weighted means of two allowed since 2026-12-04); {@code quick}: with the quick choice's learned candidates.
     */
    private static HeldOutChoice choiceByHeldOut(boolean ct, Map<String, String> physics, ForwardOperator op,
            boolean quick) {
        return HeldOutChoice.among(ct ? HeldOutChoice.ctTv(100, SolverFactory.DEFAULT_CT_TV_LAMBDA, 0.01)
            : HeldOutChoice.mriTv(l -> MriSolverFactory.create(MriSolverFactory.TV, l, 100),
                MriSolverFactory.defaultLambda(MriSolverFactory.TV)),
            ct ? (quick ? HeldOutChoice.CT_QUICK_MODELS : HeldOutChoice.CT_MODELS)
                : quick ? HeldOutChoice.MRI_QUICK_MODELS : HeldOutChoice.MRI_MODELS, true,
            ct ? CtParallelPhysics.settingsOf(CtParallelPhysics.geometry(physics)) : physics, op,
            DeepLearningRuntime.DeviceChoice.CPU, skipped -> System.err.println("  (choice: skipping " + skipped
            + ")"), true);
    }

    /**
     * A solver that keeps its last reconstruction, so the table can score where the chains started (with
     * {@code calibrate} the folds' starts come first, the start from all measurements last).
     */
    private static final class LastReconstruction implements Solver {
        private final Solver solver;
        private float[] last;
        private ai.djl.ndarray.types.Shape shape;

        LastReconstruction(Solver solver) {
            this.solver = solver;
        }

        @Override
        public String name() {
            return solver.name();
        }

        @Override
        public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
            NDArray x = solver.reconstruct(measurements, operator, progress);
            last = x.toFloatArray();
            shape = x.getShape();
            return x;
        }

        NDArray images(NDManager manager) {
            return manager.create(last, shape);
        }
    }

    /**
     * The width, in sample standard deviations and relative to 1.645, of a 90 % interval for a new draw (the truth,
     * if it is distributed as the samples are) around the mean of {@code n} samples: Student's
     * {@code t_{0.95, n-1} sqrt(1 + 1/n) / 1.645}; 1.15 x 1.06 = 1.22 for 8 samples.
     */
    static double finiteSampleFactor(int n) {
        double[] t95 = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771,
            1.761, 1.753};
        int dof = n - 1;
        double t = dof <= t95.length ? t95[dof - 1] : Z90 + (Z90 * Z90 * Z90 + Z90) / (4 * dof);
        return t * Math.sqrt(1 + 1.0 / n) / Z90;
    }

    /**
     * The factor by which the sampler's std would have to be scaled for its squared sum over pixels
     * {@code [from, to)} to equal the squared error's: {@code sqrt(sum e^2 / sum std^2)}. This is what
     * {@link HeldOutCalibratedSampler} estimates from held-out measurements, without the truth.
     */
    static double l2Scale(double[] error, float[] std, int from, int to) {
        double e2 = 0;
        double v = 0;
        for (int i = from; i < to; i++) {
            e2 += error[i] * error[i];
            v += (double) std[i] * std[i];
        }
        return Math.sqrt(e2 / v);
    }

    /**
     * The smallest factor by which the sampler's std would have to be scaled for {@code mean +- 1.645 std} to hold
     * the truth at 90 % of the pixels {@code [from, to)}: the 90 % quantile of {@code |error| / std} over 1.645. It
     * equals {@link #l2Scale} when the error is Gaussian with a std proportional to the sampler's; it is smaller when
     * a few pixels carry errors far beyond their std (heavy tails), which an L2 scale follows.
     */
    static double coverageScale(double[] error, float[] std, int from, int to) {
        double[] ratio = new double[to - from];
        for (int i = from; i < to; i++) {
            ratio[i - from] = error[i] == 0 ? 0 : std[i] > 0 ? error[i] / std[i] : Double.POSITIVE_INFINITY;
        }
        java.util.Arrays.sort(ratio);
        return ratio[(int) Math.ceil(0.9 * ratio.length) - 1] / Z90;
    }

    /** {@code sampler=}, {@code diffpir} when absent: read in one place, so every branch sees the same default. */
    private String samplerKind() {
        return options.getOrDefault("sampler", "diffpir");
    }

    /**
     * The commands' sampler ({@code sampler=diffpir}, the default) or PnP-ULA with the same network, its chains
     * started at the plug-and-play reconstruction.
     */
    private PosteriorSampler sampler(LearnedSolver solver, LearnedModel model) {
        String kind = samplerKind();
        return switch (kind) {
            case "diffpir", "diffpir-pnp" -> solver.posteriorSampler();
            // Warm start at the plug-and-play reconstruction with the same network, which shortens the burn-in.
            case "pnp-ula" -> LangevinPosteriorSampler.withDefaults(model.network(), model.metadata().intensityScale,
                solver);
            default -> throw new IllegalArgumentException("sampler=" + kind
                + ": choose diffpir, diffpir-pnp, diffpir-choice, diffpir-quick or pnp-ula");
        };
    }

    /** Images {@code (..., H, W)}: real (CT) as they are; complex (MRI, {@code (..., 2, H, W)}) as magnitudes. */
    private static NDArray magnitude(NDArray x, boolean real) {
        return real ? x : ComplexArithmetic.magnitude(x);
    }

    private static double psnr(NDArray truth, NDArray test) {
        double[] values = Psnr.compute(truth, test, 1.0);
        return java.util.Arrays.stream(values).average().orElse(Double.NaN);
    }

    static double average(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double pearson(double[] a, double[] b) {
        double ma = average(a);
        double mb = average(b);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}

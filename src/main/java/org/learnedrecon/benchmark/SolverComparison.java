package org.learnedrecon.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.acquisition.SettingRange;
import org.learnedrecon.io.MeasurementFiles;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.metrics.Ssim;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.classical.DiscrepancyPrinciple;
import org.learnedrecon.solvers.mri.MriSolverFactory;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;
import org.learnedrecon.solvers.mri.RealImageSolver;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.PatchCorpus;
import org.learnedrecon.training.TrainMain;

/**
 * Which solver is best, how should it change as observations decrease, and how far does each generalise: every
 * solver of a scenario on several test sets, mean PSNR and SSIM against the ground truth and seconds per slice, as a
 * markdown table on stdout (and in {@code out=} when given).
 *
 * <p>Scenarios ({@link #SCENARIOS}, the settings of the shipped models, all 128 x 128 with 1 % noise): {@code ct60},
 * {@code ct30} (parallel beam, views over 180 degrees), {@code ct90x120} (limited angle: 90 views over 120 degrees),
 * with relative Gaussian noise ({@link GaussianNoise}, seed {@code seed}) and the classical solvers FBP (Hann),
 * SIRT and TV; {@code mri4}, {@code mri8} (single-coil Cartesian random lines, centre 8 % / 4 %, mask seed 0, the
 * mask the shipped models were trained with) with complex noise ({@link ComplexGaussianNoise}) and the classical
 * solvers zero-filled, TV and L1-wavelet (both on peak-normalised k-space, {@link PeakNormalisedSolver}). MRI
 * images are real ground truth; metrics compare the magnitude of the reconstruction. Learned solvers: every model
 * of {@code models=} (default every shipped model) whose physics fits the scenario, labelled by architecture (LGD,
 * LPD, PnP = plug-and-play with a learned denoiser, U-Net = post-processing) and model name.
 *
 * <p>Test sets: {@code val} = {@code valSlices} evenly spaced slices of {@code valTiff} (values in [0, 1], the
 * models' validation data, so in-distribution for the learned solvers); {@code shepp} = modified Shepp-Logan
 * (values in [0, 1]); {@code ellipses} = {@code ellipses} random-ellipse phantoms (paper settings, seed
 * {@code seed}) clipped to [0, 1] (intensities add and may leave [0, 1]; clipping keeps the background at 0);
 * {@code natural} = {@code natural} fixed 128 x 128 crops (seed {@code seed}) of the held-out photographs and artwork
 * in {@code naturalDir}; {@code atlas} = {@code atlas} evenly spaced slices of {@code atlasTiff} divided by 255.
 * Metrics: PSNR and SSIM (uniform 7 x 7, as scikit-image) with data range 1; reconstructions are not clipped.
 *
 * <p>TV weight: each value of {@code ctTvLambdas} / {@code mriTvLambdas} is run and the one with the best mean PSNR
 * on that test set is reported ("TV (best lambda x)"), an oracle choice that flatters TV. CT also gets a row without
 * an oracle, "TV, lambda fits the noise": lambda per slice by the discrepancy principle from the noise level alone
 * ({@code SolverFactory.tvFittingNoise}, the {@code noise=} key of Reconstruct CT). Seconds per slice: wall
 * time of the whole batch over its slice count (learned: inference only, model loading excluded); the first solver
 * of a run also pays JIT warm-up.
 *
 * <p>Arguments ({@code key=value}, defaults in brackets): {@code scenarios=[ct30,mri8]} ({@code ct}, {@code mri}
 * are accepted for ct30, mri8) {@code sets=[val,shepp,ellipses]}
 * {@code valTiff=[../shared/datasets/brain-t1-val-128.tif]} {@code valSlices=[16]} {@code ellipses=[8]}
 * {@code seed=[1]} {@code sirtIterations=[200]} {@code tvIterations=[100]} {@code ctTvLambdas=[1]} (alias
 * {@code tvLambdas}) {@code mriTvLambdas=[0.002,0.005,0.01]} {@code mriIterations=[100]} (wavelet)
 * {@code mriMaskSeed=[2026]} {@code models=[all shipped]} (a model's name may end in a plug-and-play schedule,
 * {@code :sharp}, {@code :fine} or {@code :strong}, as in the choice's {@code model=}) {@code pnpStart=} (an
 * {@code initial=} value for the plug-and-play models of {@code models=}, e.g. {@code tvfit0.01}; default the
 * physics' start)
 * {@code learned=[true]} {@code out=} (markdown file)
 * {@code noise=[0.01]} (relative noise level of every scenario; the titles say it) {@code realTv=[true]} (MRI: also
 * TV over real images, {@link RealImageSolver}: the test images are real, and the networks trained on real images
 * know it) {@code fitNoise=[true]} (CT: the row whose lambda fits the noise) {@code choice=[false]} (a last row:
 * TV and learned models chosen per slice by held-out measurements, {@code HeldOutChoice}; CT: TV at six lambdas,
 * 0.25-8, and TV fitting the noise; MRI: TV at six lambdas, 0.002-0.1, over complex and over real images,
 * peak-normalised as Reconstruct MRI) {@code choiceModels=[auto]} (its learned models:
 * {@code HeldOutChoice.CT_MODELS} / {@code MRI_MODELS}, a comma-separated list, or {@code none} for TV's candidates
 * alone; models that do not fit a scenario are skipped) {@code choiceCombine=[false]} (the choice may give a slice a
 * weighted mean of two candidates, {@code HeldOutChoice(candidates, true)}) {@code measurementsDir=} (a directory:
 * each scenario's
 * noisy measurements of each set are also written there as {@code <scenario>-<set>.tif}, sinograms with their scan
 * or single-coil k-space with its {@code mri.*} keys in the Info, as the Simulate commands write them: the data for
 * {@code TrainMain measurements=}).
 */
public final class SolverComparison {

    /** Image side of every test set and of both shipped models. */
    public static final int SIZE = 128;

    /** The validation stack, relative to the repository root (the shared data sit beside the clone). */
    public static final String DEFAULT_VAL_TIFF = "../shared/datasets/brain-t1-val-128.tif";

    /** One line of the table. */
    public record Row(String scenario, String testSet, String solver, double psnr, double ssim,
            double secondsPerSlice) {
    }

    private final Map<String, String> options;

    /** The argument keys, so a typo fails instead of silently running with a default. */
    public static final List<String> KEYS = List.of("scenarios", "sets", "valTiff", "valSlices", "ellipses", "seed",
        "sirtIterations", "tvIterations", "ctTvLambdas", "tvLambdas", "mriTvLambdas", "mriIterations", "mriMaskSeed",
        "models", "learned", "out", "naturalDir", "atlasTiff", "natural", "atlas", "noise", "realTv",
        "fitNoise", "choice", "choiceModels", "measurementsDir", "pnpStart", "choiceCombine");

    /** The held-out photographs and artwork (never trained on), relative to the repository root. */
    public static final String DEFAULT_NATURAL_DIR = "../shared/datasets/natural/val";
    /** The held-out atlas phantoms (8-bit), relative to the repository root. */
    public static final String DEFAULT_ATLAS_TIFF = "../shared/datasets/atlas-phantoms-val-128.tif";

    public SolverComparison(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown argument " + key + "=: choose from " + KEYS);
            }
        }
        this.options = new LinkedHashMap<>(options);
    }

    public static void main(String[] args) throws IOException {
        SolverComparison comparison = new SolverComparison(parse(args));
        List<Row> rows = DeepLearningRuntime.call(comparison::run);
        String table = comparison.markdown(rows);
        System.out.print(table);
        String out = comparison.options.get("out");
        if (out != null && !out.isEmpty()) {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
            System.out.println("Written to " + Path.of(out).toAbsolutePath());
        }
    }

    /** {@code key=value} arguments, as {@link TrainMain#parse}. */
    public static Map<String, String> parse(String... args) {
        return TrainMain.parse(args);
    }

    /** Runs every scenario on every test set; rows in table order. */
    public List<Row> run() throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Scenario> scenarios = list("scenarios", "ct30,mri8").stream().map(SolverComparison::scenario).toList();
        for (Scenario scenario : scenarios) {
            for (String set : list("sets", "val,shepp,ellipses")) {
                ImageSliceDataset images = testSet(set, scenario.size());
                System.err.printf(Locale.ROOT, "%s / %s: %d slices%n", scenario.key(), set, images.size());
                rows.addAll(scenario.isCt() ? ct(scenario, set, images) : mri(scenario, set, images));
            }
        }
        return rows;
    }

    /** The test set {@code name} ({@code val}, {@code shepp} or {@code ellipses}) as 128 x 128 slices. */
    public ImageSliceDataset testSet(String name) {
        return testSet(name, SIZE);
    }

    /**
     * The test set {@code name} as {@code size x size} slices: brain validation slices of {@code valTiff} (default
     * the stack of that size, {@code brain-t1-val-<size>.tif}), natural crops of that size, atlas phantoms enlarged
     * by an integer factor (nearest neighbour: they are piecewise constant), Shepp-Logan and ellipses drawn at it.
     */
    public ImageSliceDataset testSet(String name, int size) {
        switch (name) {
            case "val": {
                ImageSliceDataset all = ImageSliceDataset.fromTiff(Path.of(option("valTiff",
                    DEFAULT_VAL_TIFF.replace("-128.tif", "-" + size + ".tif"))));
                requireSize(all, size, "valTiff");
                return evenlySpaced(all, integer("valSlices", 16), 1.0, all.description());
            }
            case "natural":
                // Fixed random crops (zoom 1-3, flips, contrast window; PatchCorpus) of the held-out photographs.
                return PatchCorpus.of(List.of(option("naturalDir", DEFAULT_NATURAL_DIR)), size, 1)
                    .fixedSample(integer("natural", 16), longValue("seed", 1));
            case "atlas": {
                ImageSliceDataset all = ImageSliceDataset.fromTiff(Path.of(option("atlasTiff", DEFAULT_ATLAS_TIFF)));
                ImageSliceDataset spaced = evenlySpaced(all, integer("atlas", 16), 1.0 / 255, all.description()
                    + ", divided by 255");
                return size == all.width() ? spaced : enlarged(spaced, size);
            }
            case "shepp":
                return ImageSliceDataset.of(new float[][] {SheppLoganPhantom.render(size)}, size, size,
                    "Shepp-Logan");
            case "ellipses": {
                RandomEllipsesPhantom phantoms = new RandomEllipsesPhantom(longValue("seed", 1));
                float[][] slices = new float[integer("ellipses", 8)][];
                for (int i = 0; i < slices.length; i++) {
                    slices[i] = phantoms.nextClipped(size);
                }
                return ImageSliceDataset.of(slices, size, size, "random ellipses clipped to [0, 1]");
            }
            default:
                throw new IllegalArgumentException("sets=" + name
                    + " is not one of val, natural, atlas, shepp, ellipses");
        }
    }

    private static void requireSize(ImageSliceDataset images, int size, String key) {
        if (images.width() != size || images.height() != size) {
            throw new IllegalArgumentException(key + " holds " + images.width() + " x " + images.height()
                + " slices, but the scenario is " + size + " x " + size);
        }
    }

    /** Square slices enlarged by an integer factor to {@code size}, each pixel repeated (nearest neighbour). */
    private static ImageSliceDataset enlarged(ImageSliceDataset images, int size) {
        int n = images.width();
        if (images.height() != n || size % n != 0) {
            throw new IllegalArgumentException("atlas phantoms are " + n + " x " + images.height() + " and enlarge"
                + " by whole factors only; the scenario is " + size + " x " + size);
        }
        int factor = size / n;
        float[][] slices = new float[images.size()][size * size];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < slices.length; i++) {
                float[] small = images.batch(m, new int[] {i}, new Shape(n, n), 1.0).toFloatArray();
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        slices[i][y * size + x] = small[(y / factor) * n + x / factor];
                    }
                }
            }
        }
        return ImageSliceDataset.of(slices, size, size, images.description() + ", enlarged " + factor + "x");
    }

    /** {@code count} evenly spaced slices, centred in equal parts of the stack (avoids nearly empty end slices). */
    private static ImageSliceDataset evenlySpaced(ImageSliceDataset all, int wanted, double factor,
        String description) {
        int count = Math.min(wanted, all.size());
        float[][] slices = new float[count][];
        try (NDManager m = NDManager.newBaseManager()) {
            int[] indices = new int[count];
            for (int i = 0; i < count; i++) {
                indices[i] = (int) ((i + 0.5) * all.size() / count);
            }
            float[] data = all.batch(m, indices, new Shape(all.height(), all.width()), 1.0 / factor).toFloatArray();
            int n = all.height() * all.width();
            for (int i = 0; i < count; i++) {
                slices[i] = Arrays.copyOfRange(data, i * n, (i + 1) * n);
            }
        }
        return ImageSliceDataset.of(slices, all.height(), all.width(), description);
    }

    /** A measurement setting: the physics settings of the shipped models (see {@link #SCENARIOS}). */
    public record Scenario(String key, String title, Map<String, String> physics) {

        boolean isCt() {
            return CtParallelPhysics.NAME.equals(physics.get("physics"));
        }

        /** Image side of the scenario (its {@code size}: square images). */
        int size() {
            return Integer.parseInt(physics.get("size"));
        }
    }

    /** The scenarios by key: the settings the shipped models were trained for. */
    public static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        ct("ct60", 60, 180);
        ct("ct30", 30, 180);
        ct("ct90x120", 90, 120);
        mri("mri4", 4, 0.08);
        mri("mri8", 8, 0.04);
    }

    private static void ct(String key, int views, int range) {
        SCENARIOS.put(key, ctScenario(key, views, range));
    }

    private static Scenario ctScenario(String key, int views, int range) {
        return ctScenario(key, views, range, SIZE);
    }

    private static Scenario ctScenario(String key, int views, int range, int size) {
        // As a sinogram's settings read: detectors included (models are compared with them).
        Map<String, String> physics = CtParallelPhysics.settingsOf(ParallelBeamGeometry.uniform(size, views, range));
        String title = "CT " + views + " views" + (range == 180 ? "" : " over " + range + " deg")
            + (size == SIZE ? "" : ", " + size + "^2") + ", 1% noise";
        return new Scenario(key, title, physics);
    }

    /**
     * The MRI mask's seed: a draw no shipped model was trained on (the first MRI models were trained on seed 0 only;
     * the shipped ones on a new draw per batch). The same mask for every solver.
     */
    public static final long DEFAULT_MRI_MASK_SEED = 2026;

    private static void mri(String key, int acceleration, double center) {
        SCENARIOS.put(key, mriScenario(key, acceleration, center));
    }

    private static Scenario mriScenario(String key, int acceleration, double center) {
        return mriScenario(key, acceleration, center, SIZE);
    }

    private static Scenario mriScenario(String key, int acceleration, double center, int size) {
        return mriScenario(key, "random", acceleration, center, size);
    }

    private static Scenario mriScenario(String key, String mask, int acceleration, double center, int size) {
        Map<String, String> physics = new LinkedHashMap<>(MriCartesianPhysics.settingsOf(mask, acceleration,
            center, size, size, 1));
        physics = new MriCartesianPhysics().completeSettings(physics);
        return new Scenario(key, "MRI " + acceleration + "x " + mask + " lines" + (size == SIZE ? "" : ", " + size
            + "^2") + ", 1% noise", physics);
    }

    private static final java.util.regex.Pattern CT_KEY =
        java.util.regex.Pattern.compile("ct(\\d+)(?:x(\\d+))?(?:@(\\d+))?");
    private static final java.util.regex.Pattern MRI_KEY =
        java.util.regex.Pattern.compile("mri(\\d+)(eq)?(?:@(\\d+))?");

    /**
     * The scenario of a {@code scenarios=} value: one of {@link #SCENARIOS} ({@code ct} and {@code mri} are the
     * older names of ct30, mri8), or any {@code ct<views>[x<degrees>][@<size>]} (parallel beam, 180 degrees and
     * 128 x 128 unless given; e.g. {@code ct60@256}) or
     * {@code mri<acceleration>[eq][@<size>]} (random lines, or equispaced ones with {@code eq}, with a fully sampled
     * centre of {@code 32 % / acceleration}, which gives the shipped 8 % at 4x and 4 % at 8x; 128 x 128 unless
     * given).
     */
    public static Scenario scenario(String key) {
        String k = "ct".equals(key) ? "ct30" : "mri".equals(key) ? "mri8" : key;
        Scenario s = SCENARIOS.get(k);
        if (s != null) {
            return s;
        }
        java.util.regex.Matcher ct = CT_KEY.matcher(k);
        if (ct.matches()) {
            return ctScenario(k, Integer.parseInt(ct.group(1)), ct.group(2) == null ? 180
                : Integer.parseInt(ct.group(2)), ct.group(3) == null ? SIZE : Integer.parseInt(ct.group(3)));
        }
        java.util.regex.Matcher mri = MRI_KEY.matcher(k);
        if (mri.matches()) {
            int acceleration = Integer.parseInt(mri.group(1));
            return mriScenario(k, mri.group(2) == null ? "random" : "equispaced", acceleration, 0.32 / acceleration,
                mri.group(3) == null ? SIZE : Integer.parseInt(mri.group(3)));
        }
        throw new IllegalArgumentException("scenarios=" + key + " is not one of " + SCENARIOS.keySet()
            + " nor ct<views>[x<degrees>][@<size>] or mri<acceleration>[eq][@<size>]");
    }

    /** The relative noise level of the simulated measurements ({@code noise=}, default 1 %). */
    private double noise() {
        String text = option("noise", "0.01");
        double noise;
        try {
            noise = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            noise = Double.NaN;
        }
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("noise=" + text + " must be a relative level in [0, 1)");
        }
        return noise;
    }

    /** The scenario's title with the noise level of this run. */
    private String titled(Scenario scenario) {
        String percent = SettingRange.number(Math.round(noise() * 1000) / 10.0);
        return scenario.title().replace("1% noise", percent + "% noise");
    }

    private List<Row> ct(Scenario scenario, String set, ImageSliceDataset images) throws IOException {
        ParallelBeamGeometry g = CtParallelPhysics.geometry(scenario.physics());
        RayTransform op = RayTransform.matrixFree(g);
        List<Row> rows = new ArrayList<>();
        String title = titled(scenario);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray truth = images.batch(m, allIndices(images), op.domainShape(), 1.0);
            NDArray y = new GaussianNoise(noise(), longValue("seed", 1)).apply(op.apply(truth));
            if (options.containsKey("measurementsDir")) {
                MeasurementFiles.writeSinograms(Path.of(options.get("measurementsDir")), scenario.key() + "-" + set
                    + ".tif", y, g);
            }
            rows.add(score(title, set, "FBP (Hann)", truth, y, op,
                SolverFactory.create(SolverFactory.FBP, "Hann", 1, 0)));
            int sirt = integer("sirtIterations", 200);
            rows.add(score(title, set, "SIRT " + sirt, truth, y, op,
                SolverFactory.create(SolverFactory.SIRT, "", sirt, 0)));
            int tv = integer("tvIterations", 100);
            rows.add(bestTv(title, set, "TV " + tv, truth, y, op, doubles(option("ctTvLambdas",
                option("tvLambdas", Double.toString(SolverFactory.DEFAULT_CT_TV_LAMBDA)))),
                lambda -> SolverFactory.create(SolverFactory.TV, "", tv, lambda)));
            if (Boolean.parseBoolean(option("fitNoise", "true")) && noise() > 0) {
                // Not an oracle: lambda per slice from the noise level alone (the discrepancy principle).
                double[] chosen = new double[1];
                Row fit = timed(title, set, "TV " + tv + ", lambda fits the noise", truth, () -> {
                    DiscrepancyPrinciple fitting = SolverFactory.tvFittingNoise(tv, SolverFactory
                        .DEFAULT_CT_TV_LAMBDA, noise());
                    NDArray x = fitting.reconstruct(y, op, ProgressMonitor.NONE);
                    chosen[0] = Math.exp(fitting.chosenLambdas().stream().mapToDouble(Math::log).average()
                        .orElse(Double.NaN));
                    return x;
                });
                rows.add(new Row(fit.scenario(), fit.testSet(), String.format(Locale.ROOT,
                    "%s (geometric mean lambda %.2g)", fit.solver(), chosen[0]), fit.psnr(), fit.ssim(),
                    fit.secondsPerSlice()));
            }
            rows.addAll(learned(scenario, set, truth, y, (solver, manager) ->
                LearnedSolverFactory.needsDifferentiableOperator(solver) ? RayTransform.differentiable(g, manager)
                    : RayTransform.matrixFree(g)));
            if (Boolean.parseBoolean(option("choice", "false")) && noise() > 0) {
                // As Reconstruct CT with noise= given: TV at six lambdas and TV fitting the noise.
                rows.add(heldOutChoice(title, set, truth, y, op, HeldOutChoice.ctTv(tv,
                    SolverFactory.DEFAULT_CT_TV_LAMBDA, noise()), HeldOutChoice.CT_MODELS,
                    CtParallelPhysics.settingsOf(g), false));
            }
        }
        return rows;
    }

    /**
     * TV ({@code classical}) against the learned models of {@code choiceModels=} (default: {@code defaults} that fit),
     * chosen per slice by held-out measurements ({@link HeldOutChoice}; MRI peak-normalised per slice as Reconstruct
     * MRI does); the label counts how often each was chosen.
     */
    private Row heldOutChoice(String title, String set, NDArray truth, NDArray y, ForwardOperator op,
            List<HeldOutChoice.Candidate> classical, List<String> defaults, Map<String, String> settings,
            boolean peakNormalised) {
        // As with models=, a model that does not fit the scenario is skipped.
        String models = option("choiceModels", LearnedSolverFactory.AUTOMATIC);
        try (HeldOutChoice choice = HeldOutChoice.among(classical,
            "none".equals(models) ? List.of() : HeldOutChoice.models(models, defaults), true, settings, op,
            DeepLearningRuntime.DeviceChoice.CPU, skipped -> System.err.println("  (choice: skipping " + skipped
            + ")"), Boolean.parseBoolean(option("choiceCombine", "false")))) {
            Solver solver = peakNormalised ? new PeakNormalisedSolver(choice) : choice;
            Row row = score(title, set, choice.name(), truth, y, op, solver);
            // Counted by the candidate of the largest weight, with how many slices got a weighted mean.
            Map<String, Long> counts = new LinkedHashMap<>();
            List<String> names = choice.candidateNames();
            names.forEach(name -> counts.put(name, 0L));
            long combined = 0;
            for (double[] w : choice.weights()) {
                int top = 0;
                for (int c = 1; c < w.length; c++) {
                    top = w[c] > w[top] ? c : top;
                }
                counts.merge(names.get(top), 1L, Long::sum);
                combined += w[top] < 1 ? 1 : 0;
            }
            String label = counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", ", choice.name() + " (chosen: ", "; weighted means "
                + "on " + combined + " of " + choice.weights().size() + " slices)"));
            choice.choices().forEach(c -> System.err.println("  (" + set + ": " + c + ")"));
            return new Row(row.scenario(), row.testSet(), label, row.psnr(), row.ssim(), row.secondsPerSlice());
        }
    }

    /** The k-space {@code y} of {@code set} in {@code measurementsDir}, its mask given by its Info's keys. */
    private void writeKspace(Scenario scenario, String set, NDArray y, SamplingMask mask) throws IOException {
        Map<String, String> physics = scenario.physics();
        MriAcquisitionSettings settings = new MriAcquisitionSettings("equispaced".equals(physics.get("mask"))
            ? MriAcquisitionSettings.EQUISPACED_LINES : MriAcquisitionSettings.RANDOM_LINES,
            Double.parseDouble(physics.get("acceleration")), Double.parseDouble(physics.get("center")), 1, noise(),
            Long.parseLong(physics.get("maskSeed")));
        if (!Arrays.equals(settings.samplingMask(mask.height(), mask.width()).values(), mask.values())) {
            throw new IllegalStateException("The k-space's mri.* keys would not regenerate the mask it was sampled"
                + " with (" + settings + ")");
        }
        MeasurementFiles.writeKspace(Path.of(options.get("measurementsDir")), scenario.key() + "-" + set + ".tif", y,
            settings, mask);
    }

    private List<Row> mri(Scenario scenario, String set, ImageSliceDataset images) throws IOException {
        Map<String, String> physics = new LinkedHashMap<>(scenario.physics());
        physics.put("maskSeed", Long.toString(longValue("mriMaskSeed", DEFAULT_MRI_MASK_SEED)));
        scenario = new Scenario(scenario.key(), scenario.title(), physics);
        SamplingMask mask = MriCartesianPhysics.mask(physics);
        List<Row> rows = new ArrayList<>();
        String title = titled(scenario);
        try (NDManager m = NDManager.newBaseManager()) {
            CartesianMriOperator op = new CartesianMriOperator(m, mask);
            NDArray truth = images.batch(m, allIndices(images), op.domainShape(), 1.0);
            NDArray y = new ComplexGaussianNoise(noise(), longValue("seed", 1)).apply(op.apply(truth), mask);
            if (options.containsKey("measurementsDir")) {
                writeKspace(scenario, set, y, mask);
            }
            rows.add(score(title, set, "Zero-filled", truth, y, op,
                MriSolverFactory.create(MriSolverFactory.ZERO_FILLED, 0, 1)));
            int tv = integer("tvIterations", 100);
            double[] lambdas = doubles(option("mriTvLambdas", "0.002,0.005,0.01"));
            rows.add(bestTv(title, set, "TV " + tv, truth, y, op, lambdas,
                lambda -> new PeakNormalisedSolver(MriSolverFactory.create(MriSolverFactory.TV, lambda, tv))));
            if (Boolean.parseBoolean(option("realTv", "true"))) {
                // The test images are real, so their k-space is Hermitian symmetric; networks trained on real images
                // learn that, complex TV does not. This row knows it too.
                rows.add(bestTv(title, set, "TV " + tv + ", real image", truth, y, op, lambdas,
                    lambda -> new PeakNormalisedSolver(new RealImageSolver(
                        MriSolverFactory.create(MriSolverFactory.TV, lambda, tv)))));
            }
            int iterations = integer("mriIterations", 100);
            double waveletLambda = MriSolverFactory.defaultLambda(MriSolverFactory.WAVELET);
            rows.add(score(title, set, String.format(Locale.ROOT, "Wavelet %d (lambda %s)", iterations,
                SettingRange.number(waveletLambda)), truth, y, op, new PeakNormalisedSolver(
                MriSolverFactory.create(MriSolverFactory.WAVELET, waveletLambda, iterations))));
            rows.addAll(learned(scenario, set, truth, y, (solver, manager) -> new CartesianMriOperator(manager, mask)));
            if (Boolean.parseBoolean(option("choice", "false"))) {
                rows.add(heldOutChoice(title, set, truth, y, op, HeldOutChoice.mriTv(l -> MriSolverFactory.create(
                    MriSolverFactory.TV, l, tv), MriSolverFactory.defaultLambda(MriSolverFactory.TV)),
                    HeldOutChoice.MRI_MODELS, scenario.physics(), true));
            }
        }
        return rows;
    }

    /**
     * One row per model of {@code models=} (default: every shipped model) that fits the scenario's physics, in the
     * order given; models that do not fit are skipped (a CT model in an MRI scenario, a 30-view model at 60 views).
     */
    private List<Row> learned(Scenario scenario, String set, NDArray truth, NDArray y,
            BiFunction<String, NDManager, ForwardOperator> operator) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Boolean.parseBoolean(option("learned", "true"))) {
            return rows;
        }
        for (String spec : list("models", String.join(",", PretrainedModels.shipped().names()))) {
            HeldOutChoice.ModelSpec parsed = HeldOutChoice.ModelSpec.parse(spec);
            String model = parsed.model();
            String architecture = ModelFile.readMetadata(PretrainedModels.shipped().resolve(model)).architecture;
            String solver = LearnedSolverFactory.reconstructionSolver(architecture);
            Map<String, String> physics = new LinkedHashMap<>(scenario.physics());
            // pnpStart= applies to the denoisers (plug-and-play) alone.
            String start = NetworkCatalog.isDenoiser(architecture) ? options.get("pnpStart") : null;
            if (start != null) {
                physics.put(PhysicsFactory.INITIAL, start);
            }
            LoadedLearnedSolver loaded;
            try {
                loaded = LearnedSolverFactory.load(solver, model, physics,
                    manager -> operator.apply(solver, manager), DeepLearningRuntime.DeviceChoice.CPU);
            } catch (IncompatibleModelException e) {
                System.err.println("  (" + model + " does not fit " + scenario.key() + ")");
                continue;
            }
            String label = SHORT_NAMES.getOrDefault(solver, solver) + " " + PretrainedModels.displayName(model)
                + parsed.suffix() + (start != null ? " from " + start : "");
            try (LoadedLearnedSolver run = parsed.scheduled(loaded)) {
                rows.add(timed(titled(scenario), set, label, truth, () -> run.reconstruct(y, ProgressMonitor.NONE)));
            }
        }
        return rows;
    }

    /** Short solver names for the table. */
    private static final Map<String, String> SHORT_NAMES = Map.of(SolverFactory.LGD, "LGD", SolverFactory.LPD,
        "LPD", SolverFactory.PNP, "PnP", SolverFactory.POST_PROCESSING, "U-Net");

    private interface Reconstruction {
        NDArray run();
    }

    private interface TvSolver {
        Solver create(double lambda);
    }

    private Row score(String scenario, String set, String label, NDArray truth, NDArray y, ForwardOperator op,
            Solver solver) {
        return timed(scenario, set, label, truth, () -> solver.reconstruct(y, op, ProgressMonitor.NONE));
    }

    /** Runs TV for every lambda and keeps the best mean PSNR, labelled with its lambda. */
    private Row bestTv(String scenario, String set, String label, NDArray truth, NDArray y, ForwardOperator op,
            double[] lambdas, TvSolver tv) {
        Row best = null;
        for (double lambda : lambdas) {
            Row row = score(scenario, set, label, truth, y, op, tv.create(lambda));
            System.err.printf(Locale.ROOT, "  %s lambda %s: %.2f dB%n", label, SettingRange.number(lambda), row.psnr());
            if (best == null || row.psnr() > best.psnr()) {
                String name = String.format(Locale.ROOT, lambdas.length > 1 ? "%s (best lambda %s)"
                    : "%s (lambda %s)", label, SettingRange.number(lambda));
                best = new Row(row.scenario(), row.testSet(), name, row.psnr(), row.ssim(), row.secondsPerSlice());
            }
        }
        return best;
    }

    /**
     * Times {@code work} and scores its result against {@code truth}: magnitudes when the images are complex
     * ({@code (B, 2, H, W)}), data range 1.
     */
    private static Row timed(String scenario, String set, String label, NDArray truth, Reconstruction work) {
        try (NDManager scope = truth.getManager().newSubManager()) {
            long start = System.nanoTime();
            NDArray x = work.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            x.attach(scope);
            NDArray reference = image(truth);
            NDArray test = image(x.toType(DataType.FLOAT32, false));
            reference.attach(scope);
            test.attach(scope);
            double[] psnr = Psnr.compute(reference, test, 1.0);
            double[] ssim = Ssim.uniform().compute(reference, test, 1.0);
            long n = truth.getShape().get(0);
            Row row = new Row(scenario, set, label, mean(psnr), mean(ssim), seconds / n);
            System.err.printf(Locale.ROOT, "  %s: PSNR %.2f dB, SSIM %.4f, %.3f s/slice%n", label, row.psnr(),
                row.ssim(), row.secondsPerSlice());
            return row;
        }
    }

    /** {@code (B, H, W)} images: as they are for CT, the magnitude over the real/imaginary axis for MRI. */
    private static NDArray image(NDArray x) {
        return x.getShape().dimension() == 4 ? ComplexArithmetic.magnitude(x) : x.duplicate();
    }

    /**
     * The markdown table, with the settings that produced it, then the same rows per set ({@link PerSetSummary}: each
     * solver's margin over tuned TV on its worst set).
     */
    public String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| scenario | test set | solver | mean PSNR (dB) | mean SSIM | seconds per slice |\n");
        s.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.4f | %.3f |%n", r.scenario(), r.testSet(),
                r.solver(), r.psnr(), r.ssim(), r.secondsPerSlice()));
        }
        s.append('\n').append("Settings: ").append(options.isEmpty() ? "defaults" : options.toString())
            .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" cores, PyTorch threads ")
            .append(System.getProperty("ai.djl.pytorch.num_threads", "default")).append(".\n");
        s.append(PerSetSummary.markdown(rows));
        return s.toString();
    }

    private static int[] allIndices(ImageSliceDataset images) {
        int[] indices = new int[images.size()];
        Arrays.setAll(indices, i -> i);
        return indices;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    private String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    private List<String> list(String key, String fallback) {
        return Arrays.stream(option(key, fallback).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static double[] doubles(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty())
            .mapToDouble(Double::parseDouble).toArray();
    }

    private int integer(String key, int fallback) {
        int v = Integer.parseInt(option(key, Integer.toString(fallback)));
        if (v < 1) {
            throw new IllegalArgumentException(key + "=" + v + " must be at least 1");
        }
        return v;
    }

    private long longValue(String key, long fallback) {
        return Long.parseLong(option(key, Long.toString(fallback)));
    }
}

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
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.metrics.Ssim;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.LearnedSolverFactory;
import org.learnedrecon.solvers.LoadedLearnedSolver;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.MriSolverFactory;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;
import org.learnedrecon.training.CtParallelPhysics;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.MriCartesianPhysics;

/**
 * Which solver is best, and how far does each generalise: every solver of a scenario (physics + noise, the
 * physics of a shipped learned model) on several test sets, mean PSNR and SSIM against the ground truth and seconds
 * per slice, as a markdown table on stdout (and in {@code out=} when given).
 *
 * <p>Scenarios: {@code ct} = parallel beam, 30 views over 180 degrees, 128 x 128, 1 % relative Gaussian noise
 * ({@link GaussianNoise}, seed {@code seed}); solvers FBP (Hann), SIRT, TV, learned gradient descent
 * {@code lgd-ct30}. {@code mri} = single-coil Cartesian, random lines 8x with 4 % centre, mask seed 0 (the mask
 * {@code lgd-mri8} was trained with), 1 % complex noise ({@link ComplexGaussianNoise}, seed {@code seed}); solvers
 * zero-filled, TV, L1-wavelet (both on peak-normalised k-space, {@link PeakNormalisedSolver}), unrolled LGD
 * {@code lgd-mri8}. MRI images are real ground truth; metrics compare the magnitude of the reconstruction.
 *
 * <p>Test sets: {@code val} = {@code valSlices} evenly spaced slices of {@code valTiff} (values in [0, 1], the
 * models' validation data, so in-distribution for the learned solvers); {@code shepp} = modified Shepp-Logan
 * (values in [0, 1]); {@code ellipses} = {@code ellipses} random-ellipse phantoms (paper settings, seed
 * {@code seed}) clipped to [0, 1] (intensities add and may leave [0, 1]; clipping keeps the background at 0).
 * Metrics: PSNR and SSIM (uniform 7 x 7, as scikit-image) with data range 1; reconstructions are not clipped.
 *
 * <p>TV weight: each value of {@code ctTvLambdas} / {@code mriTvLambdas} is run and the one with the best mean PSNR
 * on that test set is reported ("TV (best lambda x)"), an oracle choice that flatters TV. Seconds per slice: wall
 * time of the whole batch over its slice count (learned: inference only, model loading excluded); the first solver
 * of a run also pays JIT warm-up.
 *
 * <p>Arguments ({@code key=value}, defaults in brackets): {@code scenarios=[ct,mri]} {@code sets=[val,shepp,ellipses]}
 * {@code valTiff=[/work/shared/datasets/brain-t1-val-128.tif]} {@code valSlices=[16]} {@code ellipses=[8]}
 * {@code seed=[1]} {@code sirtIterations=[200]} {@code tvIterations=[100]} {@code ctTvLambdas=[1]} (alias
 * {@code tvLambdas}) {@code mriTvLambdas=[0.002,0.005,0.01]} {@code mriIterations=[100]} (wavelet)
 * {@code ctModel=[lgd-ct30]} {@code mriModel=[lgd-mri8]} {@code learned=[true]} {@code out=} (markdown file).
 */
public final class SolverComparison {

    /** Image side of every test set and of both shipped models. */
    public static final int SIZE = 128;

    /** One line of the table. */
    public record Row(String scenario, String testSet, String solver, double psnr, double ssim,
            double secondsPerSlice) {
    }

    private final Map<String, String> options;

    /** The argument keys, so a typo fails instead of silently running with a default. */
    public static final List<String> KEYS = List.of("scenarios", "sets", "valTiff", "valSlices", "ellipses", "seed",
        "sirtIterations", "tvIterations", "ctTvLambdas", "tvLambdas", "mriTvLambdas", "mriIterations", "ctModel",
        "mriModel", "learned", "out");

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

    /** {@code key=value} arguments; anything else fails naming the argument. */
    public static Map<String, String> parse(String... args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Argument '" + a + "' is not key=value");
            }
            map.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return map;
    }

    /** Runs every scenario on every test set; rows in table order. */
    public List<Row> run() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String scenario : list("scenarios", "ct,mri")) {
            for (String set : list("sets", "val,shepp,ellipses")) {
                ImageSliceDataset images = testSet(set);
                System.err.printf(Locale.ROOT, "%s / %s: %d slices%n", scenario, set, images.size());
                switch (scenario) {
                    case "ct":
                        rows.addAll(ct(set, images));
                        break;
                    case "mri":
                        rows.addAll(mri(set, images));
                        break;
                    default:
                        throw new IllegalArgumentException("scenarios=" + scenario + " is not ct or mri");
                }
            }
        }
        return rows;
    }

    /** The test set {@code name} ({@code val}, {@code shepp} or {@code ellipses}) as 128 x 128 slices. */
    public ImageSliceDataset testSet(String name) {
        switch (name) {
            case "val": {
                ImageSliceDataset all = ImageSliceDataset.fromTiff(Path.of(option("valTiff",
                    "/work/shared/datasets/brain-t1-val-128.tif")));
                int count = Math.min(integer("valSlices", 16), all.size());
                float[][] slices = new float[count][];
                try (NDManager m = NDManager.newBaseManager()) {
                    // Evenly spaced, centred in equal parts of the volume (avoids the nearly empty end slices).
                    int[] indices = new int[count];
                    for (int i = 0; i < count; i++) {
                        indices[i] = (int) ((i + 0.5) * all.size() / count);
                    }
                    float[] data = all.batch(m, indices, new Shape(all.height(), all.width()), 1.0).toFloatArray();
                    for (int i = 0; i < count; i++) {
                        slices[i] = Arrays.copyOfRange(data, i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
                    }
                }
                return ImageSliceDataset.of(slices, all.height(), all.width(), all.description());
            }
            case "shepp":
                return ImageSliceDataset.of(new float[][] {SheppLoganPhantom.render(SIZE)}, SIZE, SIZE,
                    "Shepp-Logan");
            case "ellipses": {
                RandomEllipsesPhantom phantoms = new RandomEllipsesPhantom(longValue("seed", 1));
                float[][] slices = new float[integer("ellipses", 8)][];
                for (int i = 0; i < slices.length; i++) {
                    slices[i] = phantoms.next(SIZE);
                    for (int p = 0; p < slices[i].length; p++) {
                        slices[i][p] = Math.min(1f, Math.max(0f, slices[i][p]));
                    }
                }
                return ImageSliceDataset.of(slices, SIZE, SIZE, "random ellipses clipped to [0, 1]");
            }
            default:
                throw new IllegalArgumentException("sets=" + name + " is not one of val, shepp, ellipses");
        }
    }

    private List<Row> ct(String set, ImageSliceDataset images) throws IOException {
        ParallelBeamGeometry g = ParallelBeamGeometry.uniform(SIZE, 30, 180);
        RayTransform op = RayTransform.matrixFree(g);
        List<Row> rows = new ArrayList<>();
        String scenario = "CT 30 views, 1% noise";
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray truth = images.batch(m, allIndices(images), op.domainShape(), 1.0);
            NDArray y = new GaussianNoise(0.01, longValue("seed", 1)).apply(op.apply(truth));
            rows.add(score(scenario, set, "FBP (Hann)", truth, y, op,
                SolverFactory.create(SolverFactory.FBP, "Hann", 1, 0)));
            int sirt = integer("sirtIterations", 200);
            rows.add(score(scenario, set, "SIRT " + sirt, truth, y, op,
                SolverFactory.create(SolverFactory.SIRT, "", sirt, 0)));
            int tv = integer("tvIterations", 100);
            rows.add(bestTv(scenario, set, "TV " + tv, truth, y, op, doubles(option("ctTvLambdas",
                option("tvLambdas", Double.toString(SolverFactory.DEFAULT_CT_TV_LAMBDA)))),
                lambda -> SolverFactory.create(SolverFactory.TV, "", tv, lambda)));
            if (Boolean.parseBoolean(option("learned", "true"))) {
                String model = option("ctModel", "lgd-ct30");
                try (LoadedLearnedSolver lgd = LearnedSolverFactory.load(LearnedSolverFactory.LGD, model,
                    CtParallelPhysics.settingsOf(g), manager -> RayTransform.differentiable(g, manager),
                    DeepLearningRuntime.DeviceChoice.CPU)) {
                    rows.add(timed(scenario, set, "LGD " + model, truth,
                        () -> lgd.reconstruct(y, ProgressMonitor.NONE)));
                }
            }
        }
        return rows;
    }

    private List<Row> mri(String set, ImageSliceDataset images) throws IOException {
        // The settings lgd-mri8 was trained with; the same mask for every solver.
        Map<String, String> physics = new LinkedHashMap<>();
        physics.put("physics", MriCartesianPhysics.NAME);
        physics.put("size", Integer.toString(SIZE));
        physics.put("mask", "random");
        physics.put("acceleration", "8");
        physics.put("center", "0.04");
        physics.put("maskSeed", "0");
        physics = new MriCartesianPhysics().completeSettings(physics);
        SamplingMask mask = MriCartesianPhysics.mask(physics);
        List<Row> rows = new ArrayList<>();
        String scenario = "MRI 8x random lines, 1% noise";
        try (NDManager m = NDManager.newBaseManager()) {
            CartesianMriOperator op = new CartesianMriOperator(m, mask);
            NDArray truth = images.batch(m, allIndices(images), op.domainShape(), 1.0);
            NDArray y = new ComplexGaussianNoise(0.01, longValue("seed", 1)).apply(op.apply(truth), mask);
            rows.add(score(scenario, set, "Zero-filled", truth, y, op,
                MriSolverFactory.create(MriSolverFactory.ZERO_FILLED, 0, 1)));
            int tv = integer("tvIterations", 100);
            rows.add(bestTv(scenario, set, "TV " + tv, truth, y, op,
                doubles(option("mriTvLambdas", "0.002,0.005,0.01")),
                lambda -> new PeakNormalisedSolver(MriSolverFactory.create(MriSolverFactory.TV, lambda, tv))));
            int iterations = integer("mriIterations", 100);
            double waveletLambda = MriSolverFactory.defaultLambda(MriSolverFactory.WAVELET);
            rows.add(score(scenario, set, String.format(Locale.ROOT, "Wavelet %d (lambda %s)", iterations,
                number(waveletLambda)), truth, y, op, new PeakNormalisedSolver(
                MriSolverFactory.create(MriSolverFactory.WAVELET, waveletLambda, iterations))));
            if (Boolean.parseBoolean(option("learned", "true"))) {
                String model = option("mriModel", "lgd-mri8");
                try (LoadedLearnedSolver lgd = LearnedSolverFactory.load(LearnedSolverFactory.LGD, model, physics,
                    manager -> new CartesianMriOperator(manager, mask), DeepLearningRuntime.DeviceChoice.CPU)) {
                    rows.add(timed(scenario, set, "Unrolled LGD " + model, truth,
                        () -> lgd.reconstruct(y, ProgressMonitor.NONE)));
                }
            }
        }
        return rows;
    }

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
            System.err.printf(Locale.ROOT, "  %s lambda %s: %.2f dB%n", label, number(lambda), row.psnr());
            if (best == null || row.psnr() > best.psnr()) {
                String name = String.format(Locale.ROOT, lambdas.length > 1 ? "%s (best lambda %s)"
                    : "%s (lambda %s)", label, number(lambda));
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
        return x.getShape().dimension() == 4 ? x.square().sum(new int[] {1}).sqrt() : x.duplicate();
    }

    /** The markdown table, with the settings that produced it. */
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

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
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

package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.io.ImageInfoMetadata;
import org.learnedrecon.io.MeasurementFiles;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.MriSolverFactory;

/**
 * The teacher of {@link Supervision#CHOICE}: the choice by held-out measurements ({@link HeldOutChoice}) run on
 * measured data as Reconstruct CT's "Choice by held-out views" and Reconstruct MRI's "Choice by held-out lines" run
 * it: CT, TV at 0.25 to 8 times lambda 1 (100 iterations) and TV fitting the noise; MRI, TV at 0.4 to 20 times the
 * peak-normalised 0.005 over complex and over real images, each slice scaled so its zero-filled image peaks at 1; then
 * the learned {@code models}, those that do not fit the scan left out; weighted means of two allowed. Its images (for
 * MRI their magnitudes) are what a fast solver then learns to reproduce (README, "Adapting by distilling the
 * choice"). No clean image is used.
 */
public final class ChoiceTeacher {

    private static final String TV_PREFIX = "TV lambda ";
    /** The file in a checkpoint directory that keeps the teacher's images, so a resumed run does not redo them. */
    public static final String FILE = "teacher.tif";
    private static final String KEY = "teacher.of";
    private static final String CHOICES = "teacher.choices";
    private static final String LAMBDA = "teacher.tvLambda";
    private static final String SEPARATOR = " | ";
    private static final String DESCRIPTION = "the choice by held-out measurements of ";

    /**
     * What the teacher gave.
     *
     * @param images its reconstructions, one per measured slice, in the data's units
     * @param choices per slice, what it chose ({@link HeldOutChoice#choices})
     * @param tvLambda the set's TV lambda ({@link #tvLambda}: the median of those the choice used, or where fewer
     *     than half the slices used TV, of each slice's best by held-out score; CT: in the data's units); empty
     *     without TV candidates
     */
    public record Lesson(ImageSliceDataset images, List<String> choices, OptionalDouble tvLambda) {

        /** One line for the model's metadata and the log. */
        public String summary() {
            Map<String, Long> counts = new LinkedHashMap<>();
            choices.forEach(c -> counts.merge(c, 1L, Long::sum));
            List<String> chosen = new ArrayList<>();
            counts.forEach((c, n) -> chosen.add(c + " (" + n + (n == 1 ? " slice)" : " slices)")));
            return images.size() + " slices; chose " + String.join("; ", chosen) + (tvLambda.isPresent()
                ? String.format(Locale.ROOT, "; TV lambda %.4g", tvLambda.getAsDouble()) : "");
        }
    }

    private ChoiceTeacher() {
    }

    /**
     * Reconstructs every slice of {@code data} by the choice.
     *
     * @param models the learned candidates (shipped names or model files; {@link HeldOutChoice#models} of
     *     {@code auto}: {@link HeldOutChoice#CT_MODELS} or {@link HeldOutChoice#MRI_MODELS})
     * @param noiseLevel CT: the relative noise level of the data, for TV fitting the noise (0: no such candidate)
     * @param skipped told each model left out and why
     * @throws IllegalArgumentException naming {@code choice.models=} for a model that does not exist
     * @throws java.util.concurrent.CancellationException when {@code progress} is cancelled
     */
    public static Lesson teach(MeasuredData data, List<String> models, double noiseLevel,
            DeepLearningRuntime.DeviceChoice device, Consumer<String> skipped, ProgressMonitor progress) {
        boolean ct = CtParallelPhysics.NAME.equals(data.physics());
        return choose(data, true, (settings, acquisition) -> {
            List<HeldOutChoice.Candidate> candidates = new ArrayList<>(ct
                ? HeldOutChoice.ctTv(100, SolverFactory.DEFAULT_CT_TV_LAMBDA, noiseLevel)
                : HeldOutChoice.mriTv(l -> MriSolverFactory.create(MriSolverFactory.TV, l, 100),
                    MriSolverFactory.defaultLambda(MriSolverFactory.TV)));
            try {
                candidates.addAll(HeldOutChoice.learned(models, true, settings, acquisition, device, skipped));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replaceFirst("^model=", "choice.models="), e);
            }
            return candidates;
        }, (choice, x) -> new Lesson(slices(ct ? x : ComplexArithmetic.magnitude(x),
            data.measurements().description()), choice.choices(),
            tvLambda(choice.candidateNames(), choice.weights(), choice.scores())), progress);
    }

    /** The candidates of a choice, built for the data's settings (with {@code physics}) and acquisition. */
    interface Candidates {
        List<HeldOutChoice.Candidate> of(Map<String, String> settings, ForwardOperator acquisition);
    }

    /**
     * Runs the choice among {@code candidates} on every slice of {@code data} as the Reconstruct commands run it (MRI:
     * each slice scaled so its zero-filled image peaks at 1, the images scaled back) and gives the choice, once it
     * has run, and its images (MRI: complex) to {@code result}.
     *
     * @param combining whether weighted means of two candidates are allowed ({@link HeldOutChoice#HeldOutChoice(List,
     *     boolean)})
     */
    static <T> T choose(MeasuredData data, boolean combining, Candidates candidates,
            java.util.function.BiFunction<HeldOutChoice, NDArray, T> result, ProgressMonitor progress) {
        boolean ct = CtParallelPhysics.NAME.equals(data.physics());
        try (NDManager manager = NDManager.newBaseManager()) {
            ForwardOperator acquisition = data.operator(manager);
            NDArray y = data.allSlices(manager, acquisition);
            try (HeldOutChoice choice = new HeldOutChoice(candidates.of(data.settingsWithPhysics(), acquisition),
                    combining)) {
                Method method = ct ? Method.classical(choice, (scope, measurements) -> acquisition)
                    : Method.classical(choice, null).peakNormalised((scope, measurements) -> acquisition);
                NDArray x = ReconstructionService.reconstruct(y, "measurements=" + data.measurements().description(),
                    method, progress).image();
                return result.apply(choice, x);
            }
        }
    }

    /**
     * Each of the learned {@code models}' held-out score on {@code data} (in the folds of {@link HeldOutChoice}, run as
     * {@link #choose} runs it), summed over the slices: the relative squared residual of the measurements each fold
     * holds out, smaller is better.
     *
     * @throws IllegalArgumentException naming the model when one does not fit the data
     */
    static double[] heldOutScores(MeasuredData data, List<String> models, DeepLearningRuntime.DeviceChoice device,
            ProgressMonitor progress) {
        return choose(data, false, (settings, acquisition) -> HeldOutChoice.learned(models, false, settings,
            acquisition, device, skipped -> { }), (choice, x) -> summedScores(choice), progress);
    }

    private static double[] summedScores(HeldOutChoice choice) {
        double[] sum = new double[choice.candidateNames().size()];
        for (double[] slice : choice.scores()) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += slice[i];
            }
        }
        return sum;
    }

    /**
     * The lesson {@link #save} wrote into {@code directory} for the teacher described by {@code key}, or empty when
     * there is none, or one of another teacher or data.
     */
    static Optional<Lesson> saved(Path directory, String key) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        ImagePlus image = ImageSliceDataset.open(file);
        Map<String, String> info = ImageInfoMetadata.read(image);
        if (!key.equals(info.get(KEY))) {
            return Optional.empty();
        }
        ImageSliceDataset read = ImageSliceDataset.fromImagePlus(image, FILE);
        List<float[]> pixels = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            pixels.add(read.slice(i));
        }
        ImageSliceDataset slices = new ImageSliceDataset(pixels, read.height(), read.width(), DESCRIPTION
            + info.get("teacher.data"));
        String lambda = info.get(LAMBDA);
        return Optional.of(new Lesson(slices, List.of(info.get(CHOICES).split(
            Pattern.quote(SEPARATOR))), lambda == null || lambda.isEmpty() ? OptionalDouble.empty()
            : OptionalDouble.of(Double.parseDouble(lambda))));
    }

    /** Writes {@code lesson} into {@code directory} as {@link #FILE}, its Info naming the teacher by {@code key}. */
    static void save(Lesson lesson, Path directory, String key, String data)
        throws IOException {
        ImageSliceDataset images = lesson.images();
        ImageStack stack = new ImageStack(images.width(), images.height());
        for (int s = 0; s < images.size(); s++) {
            stack.addSlice(new FloatProcessor(images.width(), images.height(), images.slice(s)));
        }
        ImagePlus image = new ImagePlus(FILE, stack);
        Map<String, String> info = new LinkedHashMap<>();
        info.put(KEY, key);
        info.put("teacher.data", data);
        info.put(CHOICES, String.join(SEPARATOR, lesson.choices()));
        info.put(LAMBDA, lesson.tvLambda().isPresent() ? Double.toString(lesson.tvLambda().getAsDouble()) : "");
        ImageInfoMetadata.write(image, info);
        Path partial = MeasurementFiles.save(directory, FILE + ".partial", image);
        Files.move(partial, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
    }

    /** The reconstructions {@code (S, H, W)} as slices named for the data they reconstruct. */
    private static ImageSliceDataset slices(NDArray x, String data) {
        int count = (int) x.getShape().get(0);
        int height = (int) x.getShape().get(1);
        int width = (int) x.getShape().get(2);
        float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
        List<float[]> slices = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            slices.add(Arrays.copyOfRange(values, s * height * width, (s + 1) * height * width));
        }
        return new ImageSliceDataset(slices, height, width, DESCRIPTION + data);
    }

    /**
     * The TV lambda of the set, from the choice's weights and held-out scores: when at least half the slices gave a
     * TV candidate weight, the median over those slices of the TV lambda weighted most in each (the lambdas the choice
     * used); otherwise the median over all slices of the TV lambda with the best held-out score in each, whatever the
     * choice kept (of an even count, the geometric mean of the middle two). Measured on four held-out CT sets (README,
     * "Adapting by distilling the choice"): the lambdas used found the oracle's on natural crops at 30 views (4),
     * where the best held-out scores, nearly flat from 2 to 4, gave 2; on atlas phantoms at 30 views only 2 slices of
     * 8 used TV and their lambdas gave 0.71, where the best held-out scores gave 0.5 (oracle 0.3, the refiner 0.6 dB
     * better from 0.5); both gave the oracle's at 90 views over 120 degrees.
     *
     * @param scores per slice, each candidate's held-out score (smaller is better), as {@code weights}
     */
    static OptionalDouble tvLambda(List<String> names, List<double[]> weights, List<double[]> scores) {
        List<Double> used = new ArrayList<>();
        for (double[] w : weights) {
            int most = best(names, c -> w[c] > 0, c -> -w[c]);
            if (most >= 0) {
                used.add(lambdaOf(names.get(most)));
            }
        }
        if (2 * used.size() >= weights.size()) {
            return median(used);
        }
        List<Double> bestScored = new ArrayList<>();
        for (double[] score : scores) {
            int smallest = best(names, c -> true, c -> score[c]);
            if (smallest >= 0) {
                bestScored.add(lambdaOf(names.get(smallest)));
            }
        }
        return median(bestScored);
    }

    /** The TV-lambda candidate that {@code allowed} lets in with the smallest {@code cost}; -1 if none. */
    private static int best(List<String> names, java.util.function.IntPredicate allowed,
            java.util.function.IntToDoubleFunction cost) {
        int best = -1;
        for (int c = 0; c < names.size(); c++) {
            if (names.get(c).startsWith(TV_PREFIX) && allowed.test(c)
                && (best < 0 || cost.applyAsDouble(c) < cost.applyAsDouble(best))) {
                best = c;
            }
        }
        return best;
    }

    private static double lambdaOf(String name) {
        return Double.parseDouble(name.substring(TV_PREFIX.length()).split(" ")[0]);
    }

    private static OptionalDouble median(List<Double> lambdas) {
        if (lambdas.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = new ArrayList<>(lambdas);
        sorted.sort(null);
        int n = sorted.size();
        return OptionalDouble.of(n % 2 == 1 ? sorted.get(n / 2) : Math.sqrt(sorted.get(n / 2 - 1) * sorted.get(n / 2)));
    }
}

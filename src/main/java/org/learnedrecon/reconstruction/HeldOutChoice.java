package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.stream.IntStream;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.learned.HalfQuadraticSplitting;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.LoadedLearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.RealImageSolver;

/**
 * Chooses per slice, among candidate reconstructions (TV, plug-and-play, unrolled networks...), the one the data
 * speak for, by cross-validation over the measurements ({@link HeldOutSplit}: held-out views in CT, held-out k-space
 * lines in MRI): in each fold every candidate reconstructs the slice from the measurements the fold keeps and is
 * scored by how well its image predicts those it holds out, {@code ||A_J x - y_J||^2 / ||y_J||^2}, summed over the
 * folds. The candidate with the smallest score then reconstructs the slice from all measurements; a choice that
 * combines ({@link #HeldOutChoice(List, boolean)}) may instead give the slice the weighted mean of two candidates'
 * reconstructions whose held-out residual is smaller still (README, "Weighted means of two candidates"). No clean
 * image is needed: a reconstruction closer to the object predicts measurements it did not see better, whatever kind
 * of image it is (README, "Choosing by held-out measurements"). Held-out views lie inside the scanned range and
 * held-out lines among the sampled ones, so the score sees neither a missing wedge nor the unsampled band.
 *
 * <p>Each slice costs every candidate {@code folds + 1} reconstructions. {@link #choices()} lists the name chosen for
 * each slice this solver has reconstructed, {@link #scores()} the candidates' scores. Learned candidates load their
 * model once per acquisition they meet (the whole one and each fold's); {@link #close()} frees them.
 */
public final class HeldOutChoice implements Solver, AutoCloseable {

    /** A reconstruction that runs on the acquisition it is given: the data's or a fold's part of it. */
    public interface Candidate extends AutoCloseable {
        String name();

        /** The images of {@code measurements} of {@code acquisition}, attached to the measurements' manager. */
        NDArray reconstruct(NDArray measurements, ForwardOperator acquisition, ProgressMonitor progress);

        /**
         * Per slice of {@code measurements} of the data's whole {@code acquisition}, whether the candidate takes part
         * in the choice for it; asked once per batch, before the folds. All do but a start model's plug-and-play at
         * limited angle, which must first pass the mirror test on the slice ({@link #MIRROR_REFERENCE}).
         */
        default boolean[] admitted(NDArray measurements, ForwardOperator acquisition, ProgressMonitor progress) {
            boolean[] all = new boolean[(int) measurements.getShape().get(0)];
            Arrays.fill(all, true);
            return all;
        }

        /** Frees what the candidate loaded; it loads again when used. */
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
            public NDArray reconstruct(NDArray measurements, ForwardOperator acquisition, ProgressMonitor progress) {
                return solver.reconstruct(measurements, acquisition, progress);
            }
        };
    }

    /**
     * Factors on {@code lambda=} of CT's TV candidates: 0.25-8 for the command's lambda 1, the span over which the
     * best lambda per set of the README's held-out sets moves (0.3-4 at 30 and 60 views, 1 % noise). Held-out views
     * choose among them per slice, which no fixed lambda can (README, "TV's lambda chosen by held-out measurements").
     */
    public static final double[] CT_TV_LAMBDA_FACTORS = {0.25, 0.5, 1, 2, 4, 8};

    /**
     * Factors on {@code lambda=} of MRI's TV candidates: 0.002-0.1 for the command's peak-normalised 0.005, the
     * span of the README's per-set best lambdas (0.005-0.05 at 4x and 8x).
     */
    public static final double[] MRI_TV_LAMBDA_FACTORS = {0.4, 1, 2, 4, 10, 20};

    /** CT's TV candidates: {@code tvAt} at {@code lambda} times each of {@link #CT_TV_LAMBDA_FACTORS}. */
    public static List<Candidate> ctTv(DoubleFunction<Solver> tvAt, double lambda) {
        requirePositive(lambda, "0.25 to 8");
        List<Candidate> list = new ArrayList<>();
        for (double factor : CT_TV_LAMBDA_FACTORS) {
            list.add(classical(tvName(lambda * factor), tvAt.apply(lambda * factor)));
        }
        return list;
    }

    /**
     * The CT choice's TV candidates, as Reconstruct CT builds them: TV (non-negative, {@code iterations}) at
     * {@code lambda} times each of {@link #CT_TV_LAMBDA_FACTORS}, and with {@code noiseLevel > 0} also TV whose lambda
     * fits that noise ({@link SolverFactory#tvFittingNoise}).
     */
    public static List<Candidate> ctTv(int iterations, double lambda, double noiseLevel) {
        List<Candidate> list = new ArrayList<>(ctTv(l -> SolverFactory.create(SolverFactory.TV, "", iterations, l),
            lambda));
        if (noiseLevel > 0) {
            list.add(classical(SolverFactory.TV_FITTING_NOISE, SolverFactory.tvFittingNoise(iterations, lambda,
                noiseLevel)));
        }
        return list;
    }

    /**
     * MRI's TV candidates: at {@code lambda} times each of {@link #MRI_TV_LAMBDA_FACTORS}, {@code tvAt} over complex
     * images and the same over real ones ({@link RealImageSolver}). Which holds is the held-out lines' to say: an
     * image with phase is predicted badly by a real one, and a real object is predicted better by the reconstruction
     * that uses its k-space's symmetry (README, "Choosing by held-out measurements").
     */
    public static List<Candidate> mriTv(DoubleFunction<Solver> tvAt, double lambda) {
        requirePositive(lambda, "0.4 to 20");
        List<Candidate> list = new ArrayList<>();
        for (double factor : MRI_TV_LAMBDA_FACTORS) {
            Solver tv = tvAt.apply(lambda * factor);
            String name = tvName(lambda * factor);
            list.add(classical(name, tv));
            list.add(classical(name + " over real images", new RealImageSolver(tv)));
        }
        return list;
    }

    private static void requirePositive(double lambda, String factors) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda=" + lambda + ": the choice by held-out measurements tries TV at"
                + " lambda times " + factors + ", so lambda must be finite and > 0");
        }
    }

    /** "TV lambda 0.25": a candidate's name, lambda to three significant digits. */
    private static String tvName(double lambda) {
        return "TV lambda " + new java.math.BigDecimal(lambda).round(new java.math.MathContext(3))
            .stripTrailingZeros().toPlainString();
    }

    /**
     * A learned candidate's name followed by this (e.g. {@code diffusion-unet:sharp}) runs its plug-and-play with
     * {@link HalfQuadraticSplitting.Schedule#SHARP} instead of the defaults.
     */
    public static final String SHARP = ":sharp";

    /** As {@link #SHARP}, with {@link HalfQuadraticSplitting.Schedule#FINE}. */
    public static final String FINE = ":fine";

    /** As {@link #SHARP}, with {@link HalfQuadraticSplitting.Schedule#STRONG}. */
    public static final String STRONG = ":strong";

    /** As {@link #SHARP}, with {@link HalfQuadraticSplitting.Schedule#SOFT}. */
    public static final String SOFT = ":soft";

    /** As {@link #SHARP}, with {@link HalfQuadraticSplitting.Schedule#FINER}. */
    public static final String FINER = ":finer";

    /**
     * Between a denoiser's entry and a model's name (e.g. {@code diffusion-unet:strong@unet-ct90x120}): that
     * denoiser's plug-and-play started at that model's reconstruction instead of TV (the default schedule when the
     * entry names none). At limited angle the brain U-Net's image, which held-out views cannot judge (its gain lies
     * in the missing wedge, which no view sees), is then refined by the data and the denoiser, and the result
     * predicts held-out views as well as the plug-and-play runs from TV, so the choice can take it (README, "A brain
     * U-Net as a start in the limited-angle choice"); what it puts into the wedge the held-out views cannot check, so
     * at limited angle the mirror test gates it ({@link #MIRROR_REFERENCE}).
     */
    public static final String STARTED_AT = "@";

    /**
     * At limited angle (CT views over less than 180 degrees) a candidate started at a model ({@link #STARTED_AT})
     * takes part in the choice for a slice only when that model passes the mirror test against this one, the TV
     * refiner trained on the diverse corpus ({@link MirrorScores}: each reconstructs the slice, each image mirrored
     * left to right is measured again and reconstructed by both, the lower summed error passes). Held-out views, all
     * inside the scanned range, cannot see what the start model puts into the missing wedge; the mirror moves the
     * wedge into measured directions. At 90 views over 120 degrees it passed the brain U-Net on 7 of 8 brain val
     * slices and on none of the five reserved independent images, the macaque slice the ungated entry cost 1.1 dB
     * among them (README, "The mirror test as a gate for the brain U-Net's start").
     */
    public static final String MIRROR_REFERENCE = "lgd-ct-tv-family";

    /** Relative noise level of the mirror test's measurements: the level it was measured at. */
    static final double MIRROR_NOISE = 0.01;

    /**
     * A {@code model=} entry: a model's name and, after a suffix, plug-and-play's schedule, and after
     * {@link #STARTED_AT} the model whose reconstruction that plug-and-play starts at ({@code start}, else null).
     */
    public record ModelSpec(String model, String suffix, HalfQuadraticSplitting.Schedule schedule, String start) {

        /** An entry without a start model. */
        public ModelSpec(String model, String suffix, HalfQuadraticSplitting.Schedule schedule) {
            this(model, suffix, schedule, null);
        }

        /** The suffixes and their schedules. */
        private static final Map<String, HalfQuadraticSplitting.Schedule> SCHEDULES = Map.of(
            SHARP, HalfQuadraticSplitting.Schedule.SHARP, FINE, HalfQuadraticSplitting.Schedule.FINE,
            STRONG, HalfQuadraticSplitting.Schedule.STRONG, SOFT, HalfQuadraticSplitting.Schedule.SOFT,
            FINER, HalfQuadraticSplitting.Schedule.FINER);

        /** {@code diffusion-unet:sharp} -> diffusion-unet with the sharp schedule; a name alone -> no schedule. */
        public static ModelSpec parse(String spec) {
            int at = spec.indexOf(STARTED_AT);
            if (at >= 0) {
                ModelSpec denoiser = parse(spec.substring(0, at));
                String start = spec.substring(at + STARTED_AT.length()).trim();
                if (start.isEmpty() || start.contains(STARTED_AT)) {
                    throw new IllegalArgumentException("model=" + spec + ": after " + STARTED_AT + " give one model "
                        + "to start plug-and-play at, e.g. diffusion-unet:strong@unet-ct90x120");
                }
                return new ModelSpec(denoiser.model(), denoiser.suffix() + STARTED_AT + start,
                    denoiser.schedule() != null ? denoiser.schedule() : HalfQuadraticSplitting.Schedule.DEFAULT,
                    start);
            }
            for (var e : SCHEDULES.entrySet()) {
                if (spec.endsWith(e.getKey())) {
                    return new ModelSpec(spec.substring(0, spec.length() - e.getKey().length()), e.getKey(),
                        e.getValue());
                }
            }
            return new ModelSpec(spec, "", null);
        }

        /** {@link #scheduled(LoadedLearnedSolver, Solver)} for an entry without a start model. */
        public LoadedLearnedSolver scheduled(LoadedLearnedSolver network) {
            if (start != null) {
                network.close();
                throw new IllegalArgumentException("model=" + model + suffix + ": a start model (" + STARTED_AT
                    + ") is taken by the choice by held-out measurements only");
            }
            return scheduled(network, null);
        }

        /**
         * {@code network} (this entry's model, loaded) running plug-and-play with this entry's schedule, from
         * {@code from} when given, or as it is when the entry names no schedule.
         *
         * @param from the reconstruction of this entry's start model ({@link #start()}), or null for the model's own
         *     start
         * @throws IllegalArgumentException naming the entry, with {@code network} closed, when the model takes no
         *     plug-and-play schedule
         */
        public LoadedLearnedSolver scheduled(LoadedLearnedSolver network, Solver from) {
            if (schedule == null) {
                return network;
            }
            try {
                return from != null ? network.withSchedule(schedule, from) : network.withSchedule(schedule);
            } catch (IllegalArgumentException e) {
                network.close();
                throw new IllegalArgumentException("model=" + model + suffix + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The learned candidates of CT's {@code model=auto}: the brain denoiser, the LGD that refines TV and the diffusion
     * model's denoiser (from TV in CT) with the fine schedule, which is above per-set tuned TV on the atlas phantoms,
     * Shepp-Logan and random ellipses (README, "A finer schedule for the CT choice"; the sharp schedule before
     * 2026-12-04), and with the strongly coupled one, better on the atlas phantoms and brain slices and worse on the
     * ellipses (README, "A strongly coupled schedule beside the fine one"; since 2026-12-04), and the fast denoiser
     * with the soft schedule, for textured images (README, "A softer schedule for dncnn-fast"; since 2026-12-04), and
     * the diffusion model's denoiser with the finer schedule, for images TV is nearly exact on (README, "A finer
     * schedule beside the fine one"; since 2026-12-05), and since 2026-12-07 the diffusion model's denoiser with the
     * strong schedule started at the brain U-Net, for 90 views over 120 degrees only (where it fits; skipped
     * elsewhere): it leads on human brain slices at that scan, and the mirror test ({@link #MIRROR_REFERENCE}) leaves
     * it out of the slices where the U-Net fills the wedge worse than the TV refiner. Ungated it cost a macaque slice
     * of the independent check 1.1 dB and was not a default; gated, the independent check is as without it, and brain
     * val gains 2.5 dB (README, "The mirror test as a gate for the brain U-Net's start").
     */
    public static final List<String> CT_MODELS = List.of("dncnn-s05", "lgd-ct-tv-family", "diffusion-unet" + FINE,
        "diffusion-unet" + STRONG, "dncnn-fast" + SOFT, "diffusion-unet" + FINER,
        "diffusion-unet" + STRONG + STARTED_AT + "unet-ct90x120");

    /**
     * The learned candidates of MRI's {@code model=auto}: the LGD refining TV, the two family LGDs, the diffusion
     * model's denoiser (from TV over real images) with the finer schedule (the sharp one before 2026-12-07; on the
     * training images the finer one was 0.1-0.5 dB better on the mean at 8x with two masks and 3.5 dB at 4x, README
     * "The finer schedule in the MRI choice") and, since 2026-12-06, the LGDs trained on brain slices at exactly 4x
     * and 8x (where they fit the mask), which lead on brain slices and which the held-out lines leave out elsewhere
     * (README, "The brain models among the MRI choice's candidates"), and, since 2026-12-07, the same plug-and-play
     * started at the random-line family LGD's reconstruction instead of TV (where that LGD fits): on the held-out
     * atlas phantoms at 8x it lifted the choice by 0.66 and 0.55 dB with the two masks measured, and the mean of five
     * sets by 0.13 and 0.17, at about twice the choice's cost (README, "Plug-and-play started at the family LGD in
     * the MRI choice").
     */
    public static final List<String> MRI_MODELS = List.of("lgd-mri-tv-family", "lgd-mri-family",
        "lgd-mri-eq-family", "diffusion-unet" + FINER, "lgd-mri4", "lgd-mri8",
        "diffusion-unet" + FINER + STARTED_AT + "lgd-mri-family");

    /**
     * The learned candidates of CT's quick choice, the start {@code [Quick choice by held-out views]} of the
     * diffusion posterior: of {@link #CT_MODELS}, the two that cost about as much as TV (the fast denoiser with the
     * soft schedule and the LGD refining TV): the start and the chains together took 14-19 s per 128^2 slice at 30
     * views on 2 cores, from the full choice 26-32 s (README, "A quick start for the warm chain").
     */
    public static final List<String> CT_QUICK_MODELS = List.of("dncnn-fast" + SOFT, "lgd-ct-tv-family");

    /**
     * The learned candidates of MRI's quick choice: the three LGDs of {@link #MRI_MODELS} that serve families of
     * masks (the diffusion posterior's default start was measured with these; README, "Eight images per set").
     */
    public static final List<String> MRI_QUICK_MODELS = List.of("lgd-mri-tv-family", "lgd-mri-family",
        "lgd-mri-eq-family");

    /**
     * The models of a {@code model=} key: comma-separated shipped names or model files; blank or {@code auto}:
     * {@code defaults}.
     */
    public static List<String> models(String key, List<String> defaults) {
        return LearnedSolverFactory.isAutomatic(key) ? defaults
            : Arrays.stream(key.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
    }

    /**
     * The choice among the {@code classical} candidates (TV's, {@link #ctTv} / {@link #mriTv}) and the learned
     * {@code models} ({@link #learned}, with the same arguments): how the commands and the benchmarks build it.
     */
    public static HeldOutChoice among(List<Candidate> classical, List<String> models, boolean skipMisfits,
            Map<String, String> settings, ForwardOperator acquisition, DeepLearningRuntime.DeviceChoice device,
            Consumer<String> skipped) {
        return among(classical, models, skipMisfits, settings, acquisition, device, skipped, false);
    }

    /**
     * As {@link #among(List, List, boolean, Map, ForwardOperator, DeepLearningRuntime.DeviceChoice, Consumer)}, with
     * weighted means of two candidates allowed when {@code combining} ({@link #HeldOutChoice(List, boolean)}).
     */
    public static HeldOutChoice among(List<Candidate> classical, List<String> models, boolean skipMisfits,
            Map<String, String> settings, ForwardOperator acquisition, DeepLearningRuntime.DeviceChoice device,
            Consumer<String> skipped, boolean combining) {
        List<Candidate> candidates = new ArrayList<>(classical);
        candidates.addAll(learned(models, skipMisfits, settings, acquisition, device, skipped));
        return new HeldOutChoice(candidates, combining);
    }

    /**
     * The learned {@code models} as candidates, each run with the data's settings {@code settings} (a fold's part of
     * the acquisition is a sub-acquisition of the data's).
     *
     * @param acquisition the data's whole acquisition, for the check that a model fits
     * @param skipMisfits whether a model that does not fit the data is skipped (told to {@code skipped} with the
     *     reason) rather than refused
     * @throws IllegalArgumentException naming the model when it does not exist, or does not fit and is not skipped
     */
    public static List<Candidate> learned(List<String> models, boolean skipMisfits, Map<String, String> settings,
            ForwardOperator acquisition, DeepLearningRuntime.DeviceChoice device, Consumer<String> skipped) {
        List<Candidate> list = new ArrayList<>();
        for (String spec : models) {
            ModelSpec parsed = ModelSpec.parse(spec);
            try {
                LearnedCandidate start = parsed.start() == null ? null
                    : candidate(ModelSpec.parse(parsed.start()), null, settings, acquisition, device);
                LearnedCandidate candidate = candidate(parsed, start, settings, acquisition, device);
                if (start != null && limitedAngle(settings)) {
                    candidate.gateBy(candidate(ModelSpec.parse(MIRROR_REFERENCE), null, settings, acquisition,
                        device));
                }
                list.add(candidate);
            } catch (IncompatibleModelException e) {
                if (!skipMisfits) {
                    throw new IllegalArgumentException("model=" + spec + ": " + e.getMessage(), e);
                }
                skipped.accept(spec + ": " + e.getMessage());
            } catch (IOException e) {
                throw new IllegalArgumentException("model=" + spec + ": " + e.getMessage(), e);
            }
        }
        return list;
    }

    /**
     * Whether {@code settings} (with {@code physics}) are a CT scan whose views span less than 180 degrees, where
     * held-out views, all inside the scanned range, cannot judge the missing wedge.
     */
    public static boolean limitedAngle(Map<String, String> settings) {
        return CtParallelPhysics.NAME.equals(settings.get("physics"))
            && Double.parseDouble(settings.getOrDefault("range", "180")) < 180 - 1e-6;
    }

    /** The candidate of {@code spec}, checked to fit {@code acquisition} (its plug-and-play from {@code start}). */
    private static LearnedCandidate candidate(ModelSpec spec, LearnedCandidate start, Map<String, String> settings,
            ForwardOperator acquisition, DeepLearningRuntime.DeviceChoice device) throws IOException {
        String architecture = ModelFile.readMetadata(PretrainedModels.shipped().resolve(spec.model())).architecture;
        LearnedCandidate candidate = new LearnedCandidate(LearnedSolverFactory.reconstructionSolver(architecture),
            spec, start, settings, acquisition, device);
        candidate.load(acquisition).close();
        return candidate;
    }

    private final List<Candidate> candidates;
    private final boolean combining;
    private final List<String> choices = new ArrayList<>();
    private final List<double[]> scores = new ArrayList<>();
    private final List<double[]> weights = new ArrayList<>();
    private final List<double[]> misses = new ArrayList<>();
    private HeldOutSplit split;

    /** The choice of one candidate per slice. */
    public HeldOutChoice(List<Candidate> candidates) {
        this(candidates, false);
    }

    /**
     * @param combining whether a slice may get a weighted mean of two candidates, {@code w x_i + (1 - w) x_j}, when
     *     some pair and weight predict the held-out measurements better than any candidate alone (the weight that
     *     does so best is found in closed form from the folds' residuals; stacking, Breiman 1996); otherwise one
     *     candidate per slice
     */
    public HeldOutChoice(List<Candidate> candidates, boolean combining) {
        if (candidates.size() < 2) {
            throw new IllegalArgumentException("A choice by held-out measurements needs at least 2 candidates, got "
                + candidates.size());
        }
        this.candidates = List.copyOf(candidates);
        this.combining = combining;
    }

    @Override
    public String name() {
        return split != null ? "Choice by held-out " + split.heldOut() : "Choice by held-out measurements";
    }

    /** Whether a slice may get a weighted mean of two candidates ({@link #HeldOutChoice(List, boolean)}). */
    public boolean combining() {
        return combining;
    }

    /** The candidates' names, in the order of {@link #scores()}. */
    public List<String> candidateNames() {
        return candidates.stream().map(Candidate::name).toList();
    }

    /**
     * What each slice this solver has reconstructed got, in order: the chosen candidate's name, or for a weighted
     * mean {@code "0.62 A + 0.38 B"}.
     */
    public List<String> choices() {
        return List.copyOf(choices);
    }

    /** Per slice reconstructed, each candidate's held-out score (relative squared residual, summed over folds). */
    public List<double[]> scores() {
        return scores.stream().map(double[]::clone).toList();
    }

    /** Per slice reconstructed, each candidate's weight in its image (one 1 and zeros for a choice). */
    public List<double[]> weights() {
        return weights.stream().map(double[]::clone).toList();
    }

    /**
     * Per slice reconstructed, per fold of {@link HeldOutSplit#of} its acquisition, how far the choice made without
     * that fold misses the measurements it holds out: {@code ||y_J - A_J x_J||^2 / ||y_J||^2}, where {@code x_J} is
     * the candidate (or weighted mean) the other folds' residuals choose, reconstructed from the measurements fold
     * {@code J} keeps. Cross-validation of the choice itself, from the reconstructions the choice made anyway: the
     * choice's own residuals, which it was made to minimise, are optimistic (README, "The choice's own misses and
     * shorter borrowed chains").
     */
    public List<double[]> heldOutMisses() {
        return misses.stream().map(double[]::clone).toList();
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        if (split == null || !split.fits(operator)) {
            HeldOutSplit next = HeldOutSplit.of(operator);
            if (split != null) {
                split.close();
                candidates.forEach(Candidate::close);
            }
            split = next;
        }
        int slices = (int) measurements.getShape().get(0);
        int count = candidates.size();
        // folds[f][s][c][d]: the inner product of candidates c's and d's held-out residuals in fold f on slice s,
        // relative to the held-out measurements' squared norm; gram, its sum over the folds, has each candidate's
        // score on its diagonal.
        double[][][][] folds = new double[split.folds()][slices][count][count];
        double[][][] gram = new double[slices][count][count];
        int steps = count * (split.folds() + 2);
        int step = 0;
        boolean[][] admitted = new boolean[count][];
        boolean[] runs = new boolean[count];
        for (int c = 0; c < count; c++) {
            admitted[c] = candidates.get(c).admitted(measurements, split.whole(),
                progress.part(step, step + 1, steps, ""));
            for (boolean a : admitted[c]) {
                runs[c] |= a;
            }
            progress.progress(++step, steps, name() + ": " + candidates.get(c).name() + (runs[c] ? ""
                : ", left out by the mirror test"));
        }
        for (int fold = 0; fold < split.folds(); fold++) {
            try (NDManager scope = measurements.getManager().newSubManager()) {
                NDArray kept = split.keptMeasurements(measurements, fold);
                NDArray held = split.heldOutMeasurements(measurements, fold);
                kept.attach(scope);
                held.attach(scope);
                float[] truth = held.toFloatArray();
                double[] norms = squaredNorms(truth, slices);
                float[][] residuals = new float[count][];
                for (int c = 0; c < count; c++) {
                    progress.checkCancelled();
                    if (!runs[c]) {
                        residuals[c] = new float[truth.length];
                        progress.progress(++step, steps, "");
                        continue;
                    }
                    NDArray x = candidates.get(c).reconstruct(kept, split.kept(fold),
                        progress.part(step, step + 1, steps, ""));
                    x.attach(scope);
                    NDArray predicted = split.heldOut(fold).apply(x);
                    predicted.attach(scope);
                    residuals[c] = predicted.toFloatArray();
                    for (int i = 0; i < truth.length; i++) {
                        residuals[c][i] -= truth[i];
                    }
                    addInnerProducts(residuals, c, norms, folds[fold]);
                    progress.progress(++step, steps, name() + ": " + candidates.get(c).name() + ", fold "
                        + (fold + 1) + "/" + split.folds());
                }
            }
        }
        for (double[][][] fold : folds) {
            for (int s = 0; s < slices; s++) {
                for (int c = 0; c < count; c++) {
                    for (int d = 0; d < count; d++) {
                        gram[s][c][d] += fold[s][c][d];
                    }
                }
            }
        }
        for (int c = 0; c < count; c++) {
            for (int s = 0; s < slices; s++) {
                if (!admitted[c][s]) {
                    // Neither chosen nor in a weighted mean (weightsOf skips pairs whose weight is not finite).
                    gram[s][c][c] = Double.POSITIVE_INFINITY;
                }
            }
        }
        double[][] weight = new double[slices][];
        for (int s = 0; s < slices; s++) {
            weight[s] = weightsOf(gram[s], combining);
        }
        float[] result = null;
        Shape imageShape = null;
        for (int c = 0; c < count; c++) {
            final int candidate = c;
            int[] chosen = IntStream.range(0, slices).filter(s -> weight[s][candidate] > 0).toArray();
            if (chosen.length > 0) {
                progress.checkCancelled();
                try (NDManager scope = measurements.getManager().newSubManager()) {
                    NDArray part = slicesOf(measurements, chosen);
                    part.attach(scope);
                    NDArray x = candidates.get(c).reconstruct(part, split.whole(),
                        progress.part(step, step + 1, steps, ""));
                    x.attach(scope);
                    float[] images = RayTransform.floats(x);
                    int per = images.length / chosen.length;
                    if (result == null) {
                        imageShape = x.getShape().slice(1);
                        result = new float[slices * per];
                    }
                    for (int i = 0; i < chosen.length; i++) {
                        float w = (float) weight[chosen[i]][c];
                        for (int k = 0; k < per; k++) {
                            result[chosen[i] * per + k] += w * images[i * per + k];
                        }
                    }
                }
            }
            progress.progress(++step, steps, name() + ": " + candidates.get(c).name() + ", all " + split.heldOut());
        }
        for (int s = 0; s < slices; s++) {
            choices.add(describe(weight[s]));
            weights.add(weight[s]);
            double[] miss = new double[split.folds()];
            for (int f = 0; f < miss.length; f++) {
                double[][] others = new double[count][count];
                for (int c = 0; c < count; c++) {
                    for (int d = 0; d < count; d++) {
                        others[c][d] = gram[s][c][d] - folds[f][s][c][d];
                    }
                }
                miss[f] = quadraticForm(folds[f][s], weightsOf(others, combining));
            }
            misses.add(miss);
            double[] score = new double[count];
            for (int c = 0; c < count; c++) {
                score[c] = gram[s][c][c];
            }
            scores.add(score);
        }
        return measurements.getManager().create(result, new Shape(slices).addAll(imageShape));
    }

    /** Each slice's squared norm of the held-out measurements {@code truth} (at least the smallest double). */
    private static double[] squaredNorms(float[] truth, int slices) {
        int per = truth.length / slices;
        double[] norms = new double[slices];
        for (int s = 0; s < slices; s++) {
            double norm = 0;
            for (int i = s * per; i < (s + 1) * per; i++) {
                norm += (double) truth[i] * truth[i];
            }
            norms[s] = Math.max(norm, Double.MIN_NORMAL);
        }
        return norms;
    }

    /**
     * Adds candidate {@code c}'s inner products with itself and the candidates before it, per slice, relative to the
     * slice's {@code norms}.
     */
    private static void addInnerProducts(float[][] residuals, int c, double[] norms, double[][][] gram) {
        int slices = gram.length;
        int per = residuals[c].length / slices;
        for (int s = 0; s < slices; s++) {
            double norm = norms[s];
            for (int d = 0; d <= c; d++) {
                double product = 0;
                for (int i = s * per; i < (s + 1) * per; i++) {
                    product += (double) residuals[c][i] * residuals[d][i];
                }
                gram[s][c][d] += product / norm;
                if (d != c) {
                    gram[s][d][c] += product / norm;
                }
            }
        }
    }

    /** {@code w^T g w}: the squared residual of the weighted mean {@code sum_c w_c x_c}. */
    private static double quadraticForm(double[][] g, double[] w) {
        double sum = 0;
        for (int c = 0; c < w.length; c++) {
            for (int d = 0; d < w.length; d++) {
                sum += w[c] * g[c][d] * w[d];
            }
        }
        return sum;
    }

    /**
     * A slice's weights from its residuals' inner products {@code g}: 1 on the candidate of the smallest score
     * {@code g[c][c]}; when {@code combining}, a pair and {@code w} in (0, 1) instead if their mean's held-out
     * residual, {@code w^2 g_ii + 2 w (1 - w) g_ij + (1 - w)^2 g_jj}, is smaller still (its minimiser is
     * {@code w = (g_jj - g_ij) / (g_ii - 2 g_ij + g_jj)}).
     */
    static double[] weightsOf(double[][] g, boolean combining) {
        int count = g.length;
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (g[c][c] < g[best][best]) {
                best = c;
            }
        }
        double[] w = new double[count];
        w[best] = 1;
        if (!combining) {
            return w;
        }
        double smallest = g[best][best];
        for (int i = 0; i < count; i++) {
            for (int j = i + 1; j < count; j++) {
                double curvature = g[i][i] - 2 * g[i][j] + g[j][j];
                if (!(curvature > 0)) {
                    continue;
                }
                double wi = (g[j][j] - g[i][j]) / curvature;
                if (!(wi > 0 && wi < 1)) {
                    continue;
                }
                double residual = wi * wi * g[i][i] + 2 * wi * (1 - wi) * g[i][j] + (1 - wi) * (1 - wi) * g[j][j];
                if (residual < smallest) {
                    smallest = residual;
                    java.util.Arrays.fill(w, 0);
                    w[i] = wi;
                    w[j] = 1 - wi;
                }
            }
        }
        return w;
    }

    /** "TV lambda 2" for a choice, "0.62 TV lambda 2 + 0.38 Learned ..." for a weighted mean (larger weight first). */
    private String describe(double[] w) {
        List<Integer> used = IntStream.range(0, w.length).filter(c -> w[c] > 0).boxed()
            .sorted((a, b) -> Double.compare(w[b], w[a])).toList();
        if (used.size() == 1) {
            return candidates.get(used.get(0)).name();
        }
        return used.stream().map(c -> String.format(java.util.Locale.ROOT, "%.2f %s", w[c], candidates.get(c).name()))
            .collect(java.util.stream.Collectors.joining(" + "));
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
        if (split != null) {
            split.close();
        }
    }

    /** A learned model, loaded once per acquisition it meets (the split's operators, by identity). */
    private static final class LearnedCandidate implements Candidate {
        private final String solver;
        /** The model and plug-and-play's schedule (none: the model's own solver as it is). */
        private final ModelSpec spec;
        /** The candidate whose reconstruction plug-and-play starts at, or null for the model's own start. */
        private final LearnedCandidate start;
        private final Map<String, String> settings;
        /** The data's acquisition, which the model must fit; it runs on the folds' parts of it too. */
        private final ForwardOperator whole;
        private final DeepLearningRuntime.DeviceChoice device;
        private final Map<ForwardOperator, LoadedLearnedSolver> loaded = new IdentityHashMap<>();
        private String name;
        /** The model {@link #start} must beat in the mirror test for this candidate to run, or null: no gate. */
        private LearnedCandidate reference;

        LearnedCandidate(String solver, ModelSpec spec, LearnedCandidate start, Map<String, String> settings,
                ForwardOperator whole, DeepLearningRuntime.DeviceChoice device) {
            this.solver = solver;
            this.spec = spec;
            this.start = start;
            this.settings = Map.copyOf(settings);
            this.whole = whole;
            this.device = device;
            this.name = solver + " (" + spec.model() + spec.suffix() + ")";
        }

        @Override
        public String name() {
            return name;
        }

        /** Gates this candidate by the mirror test of its start model against {@code model}. */
        void gateBy(LearnedCandidate model) {
            reference = model;
        }

        /** Without a gate, every slice; with one, those where the start model scores at most the reference. */
        @Override
        public boolean[] admitted(NDArray measurements, ForwardOperator acquisition, ProgressMonitor progress) {
            if (reference == null) {
                return Candidate.super.admitted(measurements, acquisition, progress);
            }
            double[][] scores = MirrorScores.of(List.of(start, reference), measurements, acquisition, MIRROR_NOISE, 0,
                progress);
            boolean[] passed = new boolean[scores.length];
            for (int s = 0; s < scores.length; s++) {
                passed[s] = scores[s][0] <= scores[s][1];
            }
            return passed;
        }

        @Override
        public NDArray reconstruct(NDArray measurements, ForwardOperator acquisition, ProgressMonitor progress) {
            LoadedLearnedSolver network = loaded.get(acquisition);
            if (network == null) {
                try {
                    network = load(acquisition);
                } catch (IOException e) {
                    throw new IllegalArgumentException("model=" + spec.model() + ": " + e.getMessage(), e);
                }
                loaded.put(acquisition, network);
            }
            return network.reconstruct(measurements, progress);
        }

        LoadedLearnedSolver load(ForwardOperator acquisition) throws IOException {
            boolean differentiable = LearnedSolverFactory.needsDifferentiableOperator(solver);
            LoadedLearnedSolver network = spec.scheduled(LearnedSolverFactory.loadForPart(solver, spec.model(),
                settings, m -> HeldOutSplit.copy(acquisition, m, differentiable), whole, device),
                start == null ? null : startOn(acquisition));
            name = network.name().replaceFirst("\\)$", spec.suffix() + ")");
            return network;
        }

        /** The start candidate's reconstruction from {@code acquisition} (a fold's or the data's), as a solver. */
        private Solver startOn(ForwardOperator acquisition) {
            return new Solver() {
                @Override
                public String name() {
                    return start.name();
                }

                @Override
                public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
                    return start.reconstruct(measurements, acquisition, progress);
                }
            };
        }

        @Override
        public void close() {
            loaded.values().forEach(LoadedLearnedSolver::close);
            loaded.clear();
            if (start != null) {
                start.close();
            }
            if (reference != null) {
                reference.close();
            }
        }
    }
}

package org.learnedrecon.commands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.learnedrecon.acquisition.PhysicsFactory;

import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.scijava.ItemIO;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * Base of Reconstruct CT and Reconstruct MRI: the outputs they share (the reconstruction, for
 * {@code solver=[Diffusion posterior]} the posterior std and the kept samples, and the metrics against a reference)
 * and their getters for callers holding the instance.
 */
public abstract class ReconstructionCommand extends MonitoredCommand {

    /** {@code start=} of {@code [Diffusion posterior]}: the chains start in noise. */
    public static final String NOISE_START = "Noise";

    /**
     * {@code start=} of {@code [Diffusion posterior]}, the default: the quick choice by held-out measurements with a
     * calibrated std where the data allow the held-out split (the configuration measured best: posterior mean above
     * per-set tuned TV at CT 30 views and MRI 8x, 19 of 20 held-out cells' 90 % intervals inside 0.80-0.97; README,
     * "Eight images per set"), else {@link #NOISE_START}.
     */
    public static final String AUTO_START = "Auto";

    /**
     * {@code initial=} of plug-and-play: the start its physics measured best ({@link
     * PhysicsFactory#plugAndPlayStartSetting}: TV in CT, TV over real images in MRI), the default.
     */
    public static final String AUTOMATIC_INITIAL = "auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Reconstruction")
    private MetadataImage reconstruction;

    @Parameter(type = ItemIO.OUTPUT, label = "Posterior std", required = false)
    private MetadataImage uncertainty;

    @Parameter(type = ItemIO.OUTPUT, label = "Posterior samples", required = false)
    private MetadataImage posteriorSamples;

    @Parameter(type = ItemIO.OUTPUT, label = "Metrics", required = false)
    private MeasurementTable metrics;

    /** The reconstruction. */
    public MetadataImage reconstruction() {
        return reconstruction;
    }

    /** The posterior standard deviation (solver=[Diffusion posterior]), else null. */
    public MetadataImage uncertainty() {
        return uncertainty;
    }

    /** PSNR/SSIM per slice, or null without a reference. */
    public MeasurementTable metrics() {
        return metrics;
    }

    protected void setReconstruction(MetadataImage image) {
        reconstruction = image;
    }

    protected void setMetrics(MeasurementTable table) {
        metrics = table;
    }

    /** Shows the posterior's std and, when kept, its samples. */
    protected void setPosterior(PosteriorImages images) {
        uncertainty = images.std();
        posteriorSamples = images.samples();
    }

    /**
     * Where {@code start=} asks the chains to start: {@link #AUTO_START}, {@link #NOISE_START}, the choice by held-out
     * measurements ({@code choiceName}) or its quick form ({@code quickName}), as that name.
     *
     * @throws IllegalArgumentException naming the key for any other value
     */
    protected static String chainStart(String start, String choiceName, String quickName) {
        String given = start == null ? AUTO_START : start.trim();
        for (String name : List.of(AUTO_START, NOISE_START, choiceName, quickName)) {
            if (given.equalsIgnoreCase(name)) {
                return name;
            }
        }
        throw new IllegalArgumentException("start=" + start + ": choose " + AUTO_START + ", " + NOISE_START + ", "
            + choiceName + " or " + quickName);
    }

    /**
     * Whether the posterior's std is calibrated: as {@code calibrate} asks, and always for the warm start that
     * {@link #AUTO_START} ({@code asked}) resolved to.
     */
    protected static boolean calibrates(boolean calibrate, String asked, boolean warm) {
        return calibrate || warm && AUTO_START.equals(asked);
    }

    /**
     * {@code chains} with {@link #AUTO_START} resolved: {@code quickName} where {@code splits} (the data allow the
     * held-out split the warm start and its calibration need), else {@link #NOISE_START}.
     */
    protected static String resolvedStart(String chains, String quickName, java.util.function.BooleanSupplier splits) {
        if (!AUTO_START.equals(chains)) {
            return chains;
        }
        return splits.getAsBoolean() ? quickName : NOISE_START;
    }

    /**
     * The settings plug-and-play is loaded with: {@code settings} and, when {@code initial=} names a start
     * ({@code PhysicsFactory.INITIAL}: CT {@code fbp}, {@code sirtN}, {@code tv<lambda>}, {@code tvfit<level>}; MRI
     * {@code zerofilled}, {@code tv<lambda>}, {@code tvreal<lambda>}), that start. FBP or zero filling trade quality
     * for time: plug-and-play's TV start is most of its time with the fast denoiser (README, "A fast denoiser for
     * plug-and-play").
     *
     * @param plugAndPlay whether {@code solver=} is plug-and-play: the other solvers start from what their model was
     *     trained on, or are classical
     * @throws IllegalArgumentException naming {@code initial=} for a start {@code physics} does not know, or for
     *     another solver
     */
    protected static Map<String, String> withInitial(Map<String, String> settings, String initial, String solver,
            boolean plugAndPlay, PhysicsFactory physics) {
        if (initial == null || initial.isBlank() || initial.trim().equalsIgnoreCase(AUTOMATIC_INITIAL)) {
            return settings;
        }
        if (!plugAndPlay) {
            throw new IllegalArgumentException("initial=" + initial + " sets where plug-and-play starts, but solver="
                + solver + " starts from what its model was trained on or needs no start: leave initial="
                + AUTOMATIC_INITIAL);
        }
        physics.initialReconstruction(Map.of(PhysicsFactory.INITIAL, initial.trim())); // names initial= if unknown
        Map<String, String> with = new LinkedHashMap<>(settings);
        with.put(PhysicsFactory.INITIAL, initial.trim());
        return with;
    }

    /**
     * Where plug-and-play started, for the Info ({@code pnp.start}): the start {@link #withInitial} put into
     * {@code settings}, else {@code physics}' own.
     */
    protected static String plugAndPlayStart(Map<String, String> settings, PhysicsFactory physics) {
        return settings.getOrDefault(PhysicsFactory.INITIAL, physics.plugAndPlayStartSetting());
    }

    /** Lines for {@code log} as information, or for nowhere without a log service. */
    protected static java.util.function.Consumer<String> infoTo(LogService log) {
        return line -> {
            if (log != null) {
                log.info(line);
            }
        };
    }

    /** Lines for {@code log} as warnings, or for nowhere without a log service. */
    protected static java.util.function.Consumer<String> warningTo(LogService log) {
        return line -> {
            if (log != null) {
                log.warn(line);
            }
        };
    }

    /**
     * Records in {@code metadata} which candidate each slice of a choice by held-out measurements got
     * ({@code <prefix>.choice}: a name, or a weighted mean {@code "0.62 A + 0.38 B"}), the candidates
     * ({@code .candidates}), their held-out scores per slice ({@code .scores}: space-separated in candidate order,
     * slices separated by commas) and, for a choice that combines, their weights per slice ({@code .weights}, the
     * same layout), for the user to check.
     */
    protected static void recordChoice(Map<String, String> metadata, String prefix,
            org.learnedrecon.reconstruction.HeldOutChoice chooser) {
        metadata.put(prefix + ".choice", String.join(",", chooser.choices()));
        metadata.put(prefix + ".choice.candidates", String.join(",", chooser.candidateNames()));
        metadata.put(prefix + ".choice.scores", perCandidate(chooser.scores()));
        if (chooser.combining()) {
            metadata.put(prefix + ".choice.weights", perCandidate(chooser.weights()));
        }
    }

    /** Per slice, one value per candidate: space-separated, 4 significant digits; slices separated by commas. */
    private static String perCandidate(List<double[]> values) {
        return values.stream().map(s -> java.util.Arrays.stream(s).mapToObj(ReconstructionCommand::infoNumber)
            .collect(java.util.stream.Collectors.joining(" "))).collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * With {@code calibrate}, each slice's spread scale ({@code posterior.spread_scale}, comma-separated): the std
     * image is the sampler's std times it, or for chains from a start ({@code posterior.start} recorded before, not
     * {@link #NOISE_START}) the std of chains from noise times it
     * ({@link org.learnedrecon.reconstruction.HeldOutCalibratedSampler}); and the evidence behind each scale
     * ({@code posterior.spread_evidence}: the held-out residual's excess over the noise, in standard deviations of the
     * noise). Slices under {@link org.learnedrecon.reconstruction.HeldOutCalibratedSampler#WEAK_EVIDENCE} are named
     * to {@code warn}.
     */
    protected static void recordCalibration(Map<String, String> metadata,
            org.learnedrecon.reconstruction.ReconstructionService.PosteriorResult posterior,
            java.util.function.Consumer<String> warn) {
        if (!posterior.spreadScales().isEmpty()) {
            metadata.put("posterior.spread_scale", perSlice(posterior.spreadScales()));
            metadata.put("posterior.spread_evidence", perSlice(posterior.spreadEvidence()));
            boolean fromNoise = NOISE_START.equals(metadata.getOrDefault("posterior.start", NOISE_START));
            metadata.put("posterior.calibration", fromNoise ? "std widened per slice (never narrowed) so that samples "
                + "drawn without held-out measurements spread as far as their mean misses those measurements"
                : "std of chains started in noise (drawn without each fold's held-out measurements, pooled), "
                + "scaled per slice so that it matches how far the start "
                + "reconstructed without held-out measurements misses them (never under the chains' own std)");
            List<String> weak = new java.util.ArrayList<>();
            for (int s = 0; s < posterior.spreadEvidence().size(); s++) {
                if (posterior.spreadEvidence().get(s)
                        < org.learnedrecon.reconstruction.HeldOutCalibratedSampler.WEAK_EVIDENCE) {
                    weak.add(Integer.toString(s + 1));
                }
            }
            if (!weak.isEmpty()) {
                warn.accept("Calibrated std, slice " + String.join(", ", weak) + ": the reconstruction misses the "
                    + "held-out measurements by little more than their noise (posterior.spread_evidence under "
                    + infoNumber(org.learnedrecon.reconstruction.HeldOutCalibratedSampler.WEAK_EVIDENCE)
                    + "), so the std's scale there is uncertain (on single near-exact images 0.1-1.8 times the "
                    + "right one); over many such slices it evens out");
            }
        }
    }

    /** One number per slice for the Info: 4 significant digits, comma-separated. */
    protected static String perSlice(java.util.List<Double> values) {
        return values.stream().map(ReconstructionCommand::infoNumber).collect(java.util.stream.Collectors.joining(","));
    }

    /** A number for the Info: 4 significant digits. */
    private static String infoNumber(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}

package org.learnedrecon.acquisition;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;
import org.learnedrecon.physics.mri.AccelerationRangeSampling;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.EquispacedLineSampling;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.physics.mri.RandomMaskMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.mri.SamplingPattern;
import org.learnedrecon.physics.noise.KspaceRelativeNoise;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.mri.ZeroFilledSolver;

/**
 * {@code physics=mri-cartesian}: single-coil Cartesian MRI with a line mask, as a differentiable
 * {@link CartesianMriOperator}. Settings: {@code size} (default 128), {@code mask} ({@code random} or
 * {@code equispaced}, default random), {@code acceleration} (default 8), {@code center} (fully sampled centre
 * fraction, default 0.04), {@code maskSeed} (default 0; {@code perBatch}: training draws a new mask of the pattern
 * for every batch, see {@link RandomMaskMriOperator}), {@code coils} (always 1: this operator is single-coil).
 * The learned solvers start from the zero-filled adjoint.
 *
 * <p>Model compatibility: a model fits data with the same mask kind, nominal acceleration, centre fraction, image
 * size and coil count; the mask seed does not constrain it ({@link #constrainsModel}), because the unrolled networks
 * apply the data's own mask and were trained on one draw of a random pattern, not on its particular lines.
 */
public final class MriCartesianPhysics implements PhysicsFactory {

    public static final String NAME = "mri-cartesian";

    @Override
    public String name() {
        return NAME;
    }

    /** {@code maskSeed=} value for training on a new mask of the pattern for each batch. */
    public static final String MASK_PER_BATCH = "perBatch";

    /**
     * The sampling mask these settings describe ({@code maskSeed=perBatch}: the first draw, seed 0).
     */
    public static SamplingMask mask(Map<String, String> settings) {
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        return pattern(settings).generate(size, size, firstSeed(settings));
    }

    private static long firstSeed(Map<String, String> settings) {
        String seed = settings.getOrDefault("maskSeed", "0");
        return MASK_PER_BATCH.equalsIgnoreCase(seed) ? 0 : Long.parseLong(seed);
    }

    /** The line pattern ({@code mask}, {@code acceleration}, {@code center}) these settings describe. */
    public static SamplingPattern pattern(Map<String, String> settings) {
        double acceleration = Double.parseDouble(settings.getOrDefault("acceleration", "8"));
        double center = Double.parseDouble(settings.getOrDefault("center", "0.04"));
        String kind = settings.getOrDefault("mask", "random");
        SamplingPattern pattern;
        if ("random".equalsIgnoreCase(kind)) {
            pattern = new RandomLineSampling(acceleration, center);
        } else if ("equispaced".equalsIgnoreCase(kind)) {
            pattern = new EquispacedLineSampling(acceleration, center);
        } else {
            throw new IllegalArgumentException("Unknown mask '" + kind + "': choose random or equispaced");
        }
        return pattern;
    }

    /**
     * The settings (with {@code physics=}) of data acquired with a line mask, the form recorded in model files:
     * {@code size} ({@code H} for square images, else {@code WxH}), {@code mask} (lower case, e.g. {@code random}),
     * {@code acceleration} (nominal, not achieved), {@code center}, {@code coils}.
     */
    public static Map<String, String> settingsOf(String mask, double acceleration, double center, int height,
        int width, int coils) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("physics", NAME);
        map.put("size", height == width ? Integer.toString(height) : width + "x" + height);
        map.put("mask", mask.toLowerCase(Locale.ROOT));
        map.put("acceleration", SettingRange.number(acceleration));
        map.put("center", SettingRange.number(center));
        map.put("coils", Integer.toString(coils));
        return map;
    }

    /**
     * {@link #settingsOf} with this physics' defaults for absent keys; {@code maskSeed} is kept when given (training
     * must draw the same mask) and otherwise left out, so it is never required of the data.
     */
    @Override
    public Map<String, String> completeSettings(Map<String, String> settings) {
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        Map<String, String> map = settingsOf(settings.getOrDefault("mask", "random"),
            Double.parseDouble(settings.getOrDefault("acceleration", "8")),
            Double.parseDouble(settings.getOrDefault("center", "0.04")), size, size, 1);
        if (settings.containsKey("maskSeed")) {
            map.put("maskSeed", settings.get("maskSeed"));
        }
        if (settings.containsKey(INITIAL)) {
            map.put(INITIAL, settings.get(INITIAL));
        }
        return map;
    }

    /** Not {@code maskSeed} either: a model applies the data's own mask, whichever seed drew it. */
    @Override
    public boolean constrainsModel(String key) {
        return !"maskSeed".equals(key) && PhysicsFactory.super.constrainsModel(key);
    }

    @Override
    public ForwardOperator create(NDManager manager, Map<String, String> settings) {
        if (MASK_PER_BATCH.equalsIgnoreCase(settings.getOrDefault("maskSeed", "0"))) {
            int size = Integer.parseInt(settings.getOrDefault("size", "128"));
            return new RandomMaskMriOperator(manager, pattern(settings), size, size, 0);
        }
        return new CartesianMriOperator(manager, mask(settings));
    }

    /**
     * Training over a family of accelerations ({@code acceleration=4-12}): each batch draws an acceleration
     * log-uniform in the range and a new mask of {@code mask}'s line pattern for it, with the centre fraction that
     * keeps {@code center x acceleration} at its value for the low end ({@link AccelerationRangeSampling}; 0.04 at 8x
     * gives 0.08 at 4x and 0.027 at 12x). The model then serves those accelerations and centre fractions
     * ({@link #familyServes}).
     */
    @Override
    public RandomAcquisitionOperator createFamily(NDManager manager, Map<String, String> settings,
        Map<String, String> ranges) {
        AccelerationRangeSampling family = family(settings, ranges);
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        return new RandomMaskMriOperator(manager, family, size, size, 0);
    }

    /** The centre fractions a family of accelerations serves, beside the accelerations themselves. */
    @Override
    public Map<String, String> familyServes(Map<String, String> settings, Map<String, String> ranges) {
        return Map.of("center", family(settings, ranges).centreRange());
    }

    private static AccelerationRangeSampling family(Map<String, String> settings, Map<String, String> ranges) {
        for (Map.Entry<String, String> e : ranges.entrySet()) {
            if (!e.getKey().equals("acceleration")) {
                throw new IllegalArgumentException("physics." + e.getKey() + "=" + e.getValue() + ": " + NAME
                    + " draws the acceleration from a range, not " + e.getKey() + "; give one value");
            }
        }
        SettingRange acceleration = SettingRange.parse("physics.acceleration", ranges.get("acceleration"));
        double center = Double.parseDouble(settings.getOrDefault("center", "0.04"));
        String kind = settings.getOrDefault("mask", "random");
        return new AccelerationRangeSampling(acceleration.low(), acceleration.high(), center * acceleration.low(),
            (a, c) -> pattern(Map.of("mask", kind, "acceleration", Double.toString(a), "center", Double.toString(c))));
    }

    /** The noise of Simulate MRI Acquisition ({@link KspaceRelativeNoise}) with the operator's current mask. */
    @Override
    public MeasurementNoise trainingNoise(double level, ForwardOperator operator) {
        if (operator instanceof RandomMaskMriOperator) {
            return new KspaceRelativeNoise(level, ((RandomMaskMriOperator) operator)::mask);
        }
        SamplingMask mask = ((CartesianMriOperator) operator).mask();
        return new KspaceRelativeNoise(level, () -> mask);
    }

    /**
     * Zero filling ({@code initial=zerofilled}, the default), complex TV ({@code initial=tv<lambda>}) or non-negative
     * TV over real images ({@code initial=tvreal<lambda>}).
     */
    @Override
    public Solver initialReconstruction(Map<String, String> settings) {
        String initial = settings.getOrDefault(INITIAL, "zerofilled");
        if (initial.trim().equalsIgnoreCase("zerofilled")) {
            return new ZeroFilledSolver(ZeroFilledSolver.Combination.ADJOINT);
        }
        return TvStart.parse(initial, false).orElseThrow(() -> new IllegalArgumentException(INITIAL + "=" + initial
            + ": choose zerofilled, tv<lambda> (e.g. tv0.01) or tvreal<lambda> (e.g. tvreal0.01)"));
    }

    /** Plug-and-play's start in MRI when {@code initial=} is not given: TV over real images at lambda 0.01. */
    public static final String PLUG_AND_PLAY_START = "tvreal0.01";

    /**
     * Plug-and-play starts from {@value #PLUG_AND_PLAY_START} (100 iterations of non-negative TV over real images),
     * or from what {@code initial=} names (e.g. {@code zerofilled}). Measured on training images of four kinds at 8x
     * (README, "Plug-and-play in MRI from TV over real images"), against the zero-filled start: {@code dncnn-s05}
     * gains 0.3-2.7 dB on every kind, the diffusion model's denoiser 1.8 dB on the mean; on a phantom with a smooth
     * phase, where the start's assumption is wrong, they lose nothing.
     */
    @Override
    public String plugAndPlayStartSetting() {
        return PLUG_AND_PLAY_START;
    }
}

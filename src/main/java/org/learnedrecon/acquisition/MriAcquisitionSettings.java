package org.learnedrecon.acquisition;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.physics.mri.EquispacedLineSampling;
import org.learnedrecon.physics.mri.PoissonDiscSampling;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.mri.SamplingPattern;

/**
 * The settings of a simulated Cartesian MRI acquisition (Simulate MRI's choices: line or Poisson-disc mask, coils,
 * noise, seed), as they travel in an image's Info metadata ({@code mri.*} keys) from Simulate MRI to Reconstruct MRI,
 * so a saved k-space reconstructs without re-entering them: the mask is regenerated from its pattern, acceleration,
 * centre and seed (same inputs, same mask). {@link #physicsSettings} gives them in the form learned models record
 * ({@link MriCartesianPhysics}).
 *
 * <p>{@code center}: for line masks the fully sampled fraction of the columns (0, 1]; for Poisson disc the side of
 * the fully sampled calibration square in pixels, or, when below 1, that side as a fraction of {@code min(H, W)}.
 */
public record MriAcquisitionSettings(String mask, double acceleration, double center, int coils, double noise,
        long seed) {

    public static final String RANDOM_LINES = "Random lines";
    public static final String EQUISPACED_LINES = "Equispaced lines";
    public static final String POISSON_DISC = "Poisson disc";

    /** The sampling pattern these settings describe, failing with the offending key on bad values. */
    public SamplingPattern pattern(int height, int width) {
        switch (mask) {
            case RANDOM_LINES:
                return new RandomLineSampling(acceleration, center);
            case EQUISPACED_LINES:
                return new EquispacedLineSampling(acceleration, center);
            case POISSON_DISC:
                int calibration = (int) Math.round(center < 1 ? center * Math.min(height, width) : center);
                return new PoissonDiscSampling(acceleration, calibration);
            default:
                throw new IllegalArgumentException("mask=" + mask + " is not one of [" + RANDOM_LINES + ", "
                    + EQUISPACED_LINES + ", " + POISSON_DISC + "]");
        }
    }

    /** The mask of a {@code height x width} acquisition. */
    public SamplingMask samplingMask(int height, int width) {
        return pattern(height, width).generate(height, width, seed);
    }

    /**
     * These settings in the form of {@link MriCartesianPhysics#settingsOf} (the form learned models record):
     * {@code mask} random, equispaced or poisson-disc, the nominal acceleration, the centre, the image size.
     */
    public Map<String, String> physicsSettings(int height, int width) {
        String kind = switch (mask) {
            case RANDOM_LINES -> "random";
            case EQUISPACED_LINES -> "equispaced";
            case POISSON_DISC -> "poisson-disc";
            default -> mask;
        };
        return MriCartesianPhysics.settingsOf(kind, acceleration, center, height, width, coils);
    }

    /** {@code mri.*} metadata, including the achieved acceleration of {@code achieved}. */
    public Map<String, String> toMetadata(SamplingMask achieved) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mri.mask", mask);
        m.put("mri.acceleration", SettingRange.number(acceleration));
        m.put("mri.center", SettingRange.number(center));
        m.put("mri.coils", Integer.toString(coils));
        m.put("mri.noise", SettingRange.number(noise));
        m.put("mri.seed", Long.toString(seed));
        m.put("mri.height", Integer.toString(achieved.height()));
        m.put("mri.width", Integer.toString(achieved.width()));
        m.put("mri.achieved_acceleration", String.format(Locale.ROOT, "%.4f", achieved.achievedAcceleration()));
        m.put("mri.fft", "centred, unitary (BART fft -u 3); DC at (H/2, W/2)");
        m.put("mri.layout", "channels (coil 0 real, coil 0 imaginary, coil 1 real, ...), one slice per image");
        return m;
    }

    /** Settings read back from {@code mri.*} metadata; {@code null} when the image has no {@code mri.mask}. */
    public static MriAcquisitionSettings fromMetadata(Map<String, String> metadata) {
        if (!metadata.containsKey("mri.mask")) {
            return null;
        }
        try {
            return new MriAcquisitionSettings(metadata.get("mri.mask"),
                Double.parseDouble(metadata.get("mri.acceleration")), Double.parseDouble(metadata.get("mri.center")),
                Integer.parseInt(metadata.get("mri.coils")), Double.parseDouble(metadata.get("mri.noise")),
                Long.parseLong(metadata.get("mri.seed")));
        } catch (NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException("Incomplete or malformed mri.* metadata (mri.acceleration, "
                + "mri.center, mri.coils, mri.noise, mri.seed): " + e.getMessage(), e);
        }
    }
}

package org.learnedrecon.acquisition;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RandomScanRayTransform;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/**
 * {@code physics=ct-parallel}: a parallel-beam CT scan with uniformly spaced angles, as a differentiable
 * {@link RayTransform}. Settings: {@code size} (image side, default 128), {@code views} (angle count, default 30),
 * {@code range} (degrees, default 180), {@code detectors} (default ceil(size*sqrt 2)). The learned solvers start
 * from a Hann-filtered FBP, which suppresses the streaks of sparse-view data better than the ramp filter.
 */
public final class CtParallelPhysics implements PhysicsFactory {

    public static final String NAME = "ct-parallel";

    @Override
    public String name() {
        return NAME;
    }

    /** The scan these settings describe. */
    public static ParallelBeamGeometry geometry(Map<String, String> settings) {
        int size = Integer.parseInt(settings.getOrDefault("size", "128"));
        int views = Integer.parseInt(settings.getOrDefault("views", "30"));
        double range = Double.parseDouble(settings.getOrDefault("range", "180"));
        ParallelBeamGeometry uniform = ParallelBeamGeometry.uniform(size, views, range);
        String detectors = settings.get("detectors");
        if (detectors == null || Integer.parseInt(detectors) == uniform.detectorCount()) {
            return uniform;
        }
        return new ParallelBeamGeometry(size, uniform.angles(), Integer.parseInt(detectors), 1.0, 0.0);
    }

    /**
     * The settings (with {@code physics=}) that describe {@code geometry}, the form recorded in model files, so a
     * model's recorded settings can be compared with a sinogram's: {@code size}, {@code views}, {@code range}
     * (degrees, from the angle step), {@code detectors}. A geometry these settings cannot reproduce exactly (fan
     * beam, angles not {@code i * range / views} from 0, detector spacing other than 1 pixel, shifted rotation
     * axis) gets a {@code physics} value other than {@value #NAME} that says why, so no parallel-beam model fits it.
     */
    public static Map<String, String> settingsOf(CtGeometry geometry) {
        Map<String, String> map = new LinkedHashMap<>();
        double[] angles = geometry.angles();
        double step = angles.length > 1 ? angles[1] - angles[0] : Math.PI;
        double range = Math.round(Math.toDegrees(step) * angles.length * 1e6) / 1e6;
        map.put("physics", NAME);
        map.put("size", Integer.toString(geometry.imageSize()));
        map.put("views", Integer.toString(geometry.angleCount()));
        map.put("range", SettingRange.number(range));
        map.put("detectors", Integer.toString(geometry.detectorCount()));
        if (!(geometry instanceof ParallelBeamGeometry)) {
            map.put("physics", "ct-" + geometry.getClass().getSimpleName().replace("Geometry", "")
                .replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
        } else if (!((ParallelBeamGeometry) geometry).sameScan(geometry(map), 1e-9)) {
            map.put("physics", NAME + " with non-uniform angles, detector spacing or rotation axis offset");
        }
        return map;
    }

    /** {@link #settingsOf} the geometry these settings describe, and {@value #INITIAL} when given. */
    @Override
    public Map<String, String> completeSettings(Map<String, String> settings) {
        Map<String, String> map = settingsOf(geometry(settings));
        if (settings.containsKey(INITIAL)) {
            map.put(INITIAL, settings.get(INITIAL));
        }
        return map;
    }

    @Override
    public ForwardOperator create(NDManager manager, Map<String, String> settings) {
        return RayTransform.differentiable(geometry(settings), manager);
    }

    /**
     * Training over a family of scans ({@link RandomScanRayTransform}): {@code views} (e.g. {@code 20-180}) and
     * {@code range} (degrees, e.g. {@code 90-180}) may be ranges; the size and detector stay fixed.
     */
    @Override
    public RandomAcquisitionOperator createFamily(NDManager manager, Map<String, String> settings,
        Map<String, String> ranges) {
        for (Map.Entry<String, String> e : ranges.entrySet()) {
            if (!e.getKey().equals("views") && !e.getKey().equals("range")) {
                throw new IllegalArgumentException("physics." + e.getKey() + "=" + e.getValue() + ": " + NAME
                    + " draws views and range from ranges, not " + e.getKey() + "; give one number");
            }
        }
        ParallelBeamGeometry first = geometry(settings);
        if (first.detectorCount() != ParallelBeamGeometry.defaultDetectorCount(first.imageSize())) {
            throw new IllegalArgumentException("physics.detectors=" + first.detectorCount() + ": a family of scans"
                + " uses the default detector of the image size (" + ParallelBeamGeometry.defaultDetectorCount(
                first.imageSize()) + ")");
        }
        SettingRange views = SettingRange.parse("physics.views",
            ranges.getOrDefault("views", Integer.toString(first.angleCount())));
        SettingRange range = SettingRange.parse("physics.range",
            ranges.getOrDefault("range", settings.getOrDefault("range", "180")));
        return new RandomScanRayTransform(manager, first.imageSize(), (int) views.low(), (int) views.high(),
            range.low(), range.high(), first.angleCount(), Double.parseDouble(settings.getOrDefault("range", "180")));
    }

    /** The multi-threaded Java ray transform: no sparse matrix to build, and faster on the CPU. */
    @Override
    public ForwardOperator createMatrixFree(NDManager manager, Map<String, String> settings) {
        return RayTransform.matrixFree(geometry(settings));
    }

    /**
     * Hann-filtered FBP; with {@code initial=sirtN} N iterations of non-negative SIRT (for limited-angle data,
     * where FBP's missing-wedge streaks leave a post-processing network little to work from); with
     * {@code initial=tv<lambda>} (e.g. {@code tv0.5}) non-negative TV at that lambda, with {@code tvfit<level>}
     * (e.g. {@code tvfit0.01}) at the lambda that fits that noise level ({@link TvStart}).
     */
    @Override
    public Solver initialReconstruction(Map<String, String> settings) {
        String initial = settings.getOrDefault(INITIAL, "fbp").trim().toLowerCase(Locale.ROOT);
        if (initial.equals("fbp")) {
            return new FilteredBackProjection(FilteredBackProjection.Filter.HANN);
        }
        if (initial.matches("sirt[0-9]+")) {
            return SolverFactory.create(SolverFactory.SIRT, "", Integer.parseInt(initial.substring(4)), 0);
        }
        Optional<Solver> tv = TvStart.parse(initial, true);
        if (tv.isPresent()) {
            return tv.get();
        }
        throw new IllegalArgumentException("initial=" + initial
            + ": choose fbp, sirtN (e.g. sirt50), tv<lambda> (e.g. tv0.5) or tvfit<level> (e.g. tvfit0.01)");
    }

    /** Plug-and-play's start in CT when {@code initial=} is not given: TV at lambda 0.5. */
    public static final String PLUG_AND_PLAY_START = "tv0.5";

    /**
     * Plug-and-play starts from {@value #PLUG_AND_PLAY_START} (100 non-negative TV iterations), or from what
     * {@code initial=} names. Measured at 30 views, 1 % noise, on five held-out sets (README, "Plug-and-play with the
     * diffusion model's denoiser"): against FBP, the diffusion model's denoiser gains up to 6.9 dB on the
     * piecewise-constant sets and loses at most 0.1 dB elsewhere; the brain denoiser {@code dncnn-s05} gains 0.0 to
     * 0.3 dB on every set. The TV costs about 0.3 s per 128^2 slice, plug-and-play itself 1.4-2.7 s.
     */
    @Override
    public String plugAndPlayStartSetting() {
        return PLUG_AND_PLAY_START;
    }
}

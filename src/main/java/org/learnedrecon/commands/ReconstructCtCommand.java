package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.io.ImageRequirements;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.metrics.QualityTable;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.reconstruction.ReconstructionService.Result;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.classical.ParkerWeights;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Reconstruct CT...: sinogram stack (angles rows x detectors columns per slice) ->
 * image stack, with the geometry read from the sinogram's metadata (written by Simulate CT Acquisition).
 *
 * <p>Macro keys: {@code sinogram=} (image title) {@code solver=[FBP|SIRT|CGLS|TV|Learned gradient descent|
 * Learned primal-dual|Plug-and-play|U-Net post-processing]} {@code model=} (learned: {@code auto}, the default, takes
 * the first shipped model of the solver that fits the sinogram; or a pretrained model name such as {@code lgd-ct30},
 * or a model file path) {@code device=[Auto|CPU|GPU]} {@code filter=} (FBP window)
 * {@code iterations=} (SIRT, CGLS, TV) {@code lambda=} (TV weight) {@code angles= range= size=} (0 = from the
 * metadata; needed when it has none) {@code reference=} (optional image title: adds a PSNR/SSIM table).
 * A learned model must have been trained for the sinogram's geometry (parallel beam, same views, range, detectors
 * and image size); otherwise the command fails naming each difference. Fan-beam sinograms may cover 360 degrees or a
 * short scan (FBP applies Parker weights); below 180 degrees plus the fan angle the data are incomplete and the
 * command logs a warning.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Reconstruct CT...")
public class ReconstructCtCommand extends MonitoredCommand {

    @Parameter(label = "Sinogram (angles x detectors)")
    private MetadataImage sinogram;

    @Parameter(label = "Solver", choices = {SolverFactory.FBP, SolverFactory.SIRT, SolverFactory.CGLS,
        SolverFactory.TV, SolverFactory.LGD, SolverFactory.LPD, SolverFactory.PNP,
        SolverFactory.POST_PROCESSING})
    private String solver = SolverFactory.FBP;

    @Parameter(label = "Model (learned solvers: auto = the shipped one that fits, a pretrained name, or a model file)", required = false)
    private String model = LearnedSolverFactory.AUTOMATIC;

    @Parameter(label = "Device (learned solvers)", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(label = "Filter (FBP)", choices = {"Ramp", "Shepp-Logan", "Cosine", "Hann"})
    private String filter = "Ramp";

    @Parameter(label = "Iterations (SIRT, CGLS, TV)", min = "1", max = "100000")
    private int iterations = 100;

    @Parameter(label = "Lambda (TV weight)", min = "0")
    private double lambda = SolverFactory.DEFAULT_CT_TV_LAMBDA;

    @Parameter(label = "Angles (0 = from metadata)", min = "0", max = "100000")
    private int angles = 0;

    @Parameter(label = "Range (degrees, 0 = from metadata)", min = "0", max = "360")
    private double range = 0;

    @Parameter(label = "Size of image (0 = from metadata)", min = "0", max = "100000")
    private int size = 0;

    @Parameter(label = "Reference image (optional)", required = false)
    private MetadataImage reference;

    @Parameter(required = false)
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT, label = "Reconstruction")
    private MetadataImage reconstruction;

    @Parameter(type = ItemIO.OUTPUT, label = "Metrics", required = false)
    private MeasurementTable metrics;

    @Override
    public void run() {
        ImageRequirements.requireSize(sinogram, 2, 2, "CT reconstruction");
        ImageRequirements.requireFinite(sinogram);
        int columns = (int) sinogram.image().dimension(0);
        int rows = (int) sinogram.image().dimension(1);
        int slices = ImageRequirements.slices(sinogram);
        CtGeometry g = CtGeometryKeys.ofSinogram(sinogram.title(), sinogram.metadata(), rows, columns, angles, range,
            size);
        String assumed = assumedGeometryNote(sinogram.title(), sinogram.metadata(), g);
        if (assumed != null && log != null) {
            log.info(assumed);
        }
        warnIfIncomplete(g);
        if (reference != null) {
            ImageRequirements.requireFinite(reference);
            long[] expected = {g.imageSize(), g.imageSize(), slices};
            long[] got = reference.image().dimensionsAsLongArray();
            if (got[0] != expected[0] || got[1] != expected[1] || ImageRequirements.slices(reference) != slices) {
                throw new IllegalArgumentException("Reference '" + reference.title() + "' is "
                    + Arrays.toString(got) + " but the reconstruction is " + g.imageSize() + " x "
                    + g.imageSize() + " x " + slices + " (x, y, slices)");
            }
        }
        Method method = !SolverFactory.isLearned(solver) ? Method.classical(SolverFactory.create(solver,
            filter, iterations, lambda), (m, y) -> RayTransform.matrixFree(g)) : Method.learned(() ->
            LearnedSolverFactory.load(solver, model, CtParallelPhysics.settingsOf(g), m ->
                LearnedSolverFactory.needsDifferentiableOperator(solver) ? RayTransform.differentiable(g, m)
                    : RayTransform.matrixFree(g), DeepLearningRuntime.DeviceChoice.parse(device)));
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray y = TensorAdapter.toTensor(manager, sinogram.image());
                Result x = ReconstructionService.reconstruct(y, "sinogram=" + sinogram.title(), method, progress());
                Map<String, String> metadata = new LinkedHashMap<>(sinogram.metadata());
                metadata.put("source", sinogram.title());
                if (x.modelName() != null) {
                    metadata.put("model", x.modelName());
                }
                metadata.put("solver", x.solverName());
                reconstruction = new MetadataImage(sinogram.title() + " " + x.solverName(),
                    TensorAdapter.toImg(x.image()), metadata);
                if (reference != null) {
                    metrics = QualityTable.compare("Metrics " + solver, x.solverName(), TensorAdapter.toTensor(
                        manager, reference.image()).toFloatArray(), x.image().toType(DataType.FLOAT32, false)
                        .toFloatArray(), slices, g.imageSize(), g.imageSize());
                }
            }
        });
    }

    /** The reconstruction, for callers holding the instance. */
    public MetadataImage reconstruction() {
        return reconstruction;
    }

    /** PSNR/SSIM per slice, or null without a reference. */
    public MeasurementTable metrics() {
        return metrics;
    }

    private void warnIfIncomplete(CtGeometry g) {
        String warning = ParkerWeights.incompleteDataWarning(sinogram.title(), g);
        if (warning != null && log != null) {
            log.warn(warning);
        }
    }

    /**
     * The line logged when the sinogram's Info holds no {@code ct.geometry} and {@link CtGeometryKeys#ofSinogram}
     * assumed a parallel beam, naming that geometry; {@code null} when the geometry came from the metadata.
     */
    static String assumedGeometryNote(String title, Map<String, String> metadata, CtGeometry g) {
        if (metadata.containsKey(CtGeometry.KEY_GEOMETRY)) {
            return null;
        }
        String stored = g.toProperties().get(CtGeometry.KEY_ANGLE_RANGE);
        String range = stored == null ? "?" : new java.math.BigDecimal(Double.parseDouble(stored))
            .setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return String.format(java.util.Locale.ROOT, "Reconstruct CT: no ct.* geometry in the Info of sinogram '%s';"
            + " assumed parallel beam, %d angles over %s degrees, %d detectors, image %d x %d", title,
            g.angleCount(), range, g.detectorCount(), g.imageSize(), g.imageSize());
    }
}

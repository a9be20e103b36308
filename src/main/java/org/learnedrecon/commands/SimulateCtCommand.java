package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.io.ImageRequirements;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.physics.noise.NoiseModel;
import org.learnedrecon.physics.noise.PoissonNoise;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Simulate CT Acquisition...: square image (or stack) -> sinogram stack, one
 * sinogram of {@code angles} rows by {@code detectors} columns per slice, in line-integral units (pixel length
 * times image value). The geometry ({@code ct.*} keys of {@link CtGeometry#toProperties()}) and the noise
 * ({@code ct.noise.*}) go into the output's metadata, so Reconstruct CT needs no keys for a saved sinogram.
 *
 * <p>Macro keys: {@code geometry=[Parallel beam|Fan beam] angles= range=} (degrees) {@code detectors=} (0 = cover
 * the image) {@code source= detector=} (fan: source-axis and axis-detector distances in pixels)
 * {@code shape=[Flat|Equiangular]} {@code noise=[None|Gaussian|Poisson] level=} (Gaussian: standard deviation as
 * a fraction of each sinogram's RMS, 0.01 = 1%) {@code photons=} (Poisson: incident photons per detector element,
 * attenuation as in {@link PoissonNoise#forImageSize}) {@code seed=}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Simulate CT Acquisition...")
public class SimulateCtCommand extends MonitoredCommand {

    public static final String PARALLEL = "Parallel beam";
    public static final String FAN = "Fan beam";

    @Parameter(label = "Image (square, or stack)")
    private MetadataImage image;

    @Parameter(label = "Geometry", choices = {PARALLEL, FAN})
    private String geometry = PARALLEL;

    @Parameter(label = "Angles (number of projections)", min = "1", max = "100000")
    private int angles = 180;

    @Parameter(label = "Range (degrees)", min = "0.001", max = "360")
    private double range = 180;

    @Parameter(label = "Detectors (0 = cover the image)", min = "0", max = "100000")
    private int detectors = 0;

    @Parameter(label = "Source distance (fan, pixels)", min = "1")
    private double source = 500;

    @Parameter(label = "Detector distance (fan, pixels)", min = "0")
    private double detector = 500;

    @Parameter(label = "Shape of fan detector", choices = {"Flat", "Equiangular"})
    private String shape = "Flat";

    @Parameter(label = "Noise", choices = {"None", "Gaussian", "Poisson"})
    private String noise = "None";

    @Parameter(label = "Level (Gaussian, fraction of RMS)", min = "0")
    private double level = 0.01;

    @Parameter(label = "Photons (Poisson, per detector element)", min = "1")
    private double photons = 1e4;

    @Parameter(label = "Seed (noise)")
    private long seed = 42;

    @Parameter(type = ItemIO.OUTPUT, label = "Sinogram")
    private MetadataImage sinogram;

    @Override
    public void run() {
        ImageRequirements.requireSize(image, 2, 2, "CT simulation");
        long n = image.image().dimension(0);
        if (image.image().dimension(1) != n) {
            throw new IllegalArgumentException("Image '" + image.title() + "' is " + n + " x "
                + image.image().dimension(1) + ": CT simulation needs a square image (crop or pad it first)");
        }
        ImageRequirements.requireFinite(image);
        int size = (int) n;
        CtGeometry g = FAN.equals(geometry)
            ? CtGeometryKeys.fan(size, angles, range, detectors, source, detector, shape)
            : CtGeometryKeys.parallel(size, angles, range, detectors);
        NoiseModel model = "Gaussian".equals(noise) ? new GaussianNoise(level, seed)
            : "Poisson".equals(noise) ? PoissonNoise.forImageSize(photons, size, seed) : null;
        int slices = ImageRequirements.slices(image);
        sinogram = DeepLearningRuntime.call(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray x = TensorAdapter.toTensor(manager, image.image());
                RayTransform op = RayTransform.matrixFree(g);
                NDArray[] parts = new NDArray[slices];
                for (int s = 0; s < slices; s++) {
                    progress().checkCancelled();
                    parts[s] = op.apply(x.get(s + ":" + (s + 1)));
                    progress().progress(s + 1, slices, "Projecting slice " + (s + 1) + "/" + slices);
                }
                NDArray y = slices == 1 ? parts[0] : NDArrays.concat(new NDList(parts), 0);
                // Noise on the whole stack at once: the models draw the slices in order from one seeded stream.
                NDArray noisy = model == null ? y : model.apply(y);
                Map<String, String> metadata = new LinkedHashMap<>(g.toProperties());
                metadata.put("ct.noise", model == null ? "none" : model.describe());
                metadata.put("ct.noise.model", noise.toLowerCase(Locale.ROOT));
                if (model instanceof GaussianNoise) {
                    metadata.put("ct.noise.level", Double.toString(level));
                } else if (model instanceof PoissonNoise p) {
                    metadata.put("ct.noise.photons", Double.toString(photons));
                    metadata.put("ct.noise.mu", Double.toString(p.mu()));
                }
                if (model != null) {
                    metadata.put("ct.noise.seed", Long.toString(seed));
                }
                metadata.put("source", image.title());
                return new MetadataImage(image.title() + " sinogram", TensorAdapter.toImg(noisy), metadata);
            }
        });
    }

    /** The result, for callers holding the instance. */
    public MetadataImage sinogram() {
        return sinogram;
    }
}

package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.physics.mri.BirdcageCoilMaps;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Simulate MRI Acquisition...: an image or stack (taken as real-valued, zero phase)
 * -> undersampled, noisy Cartesian k-space ({@link CartesianMriOperator}: centred unitary FFT, one mask for every
 * slice) as a 2-channel complex hyperstack (2 x coils channels with simulated {@link BirdcageCoilMaps}), plus the
 * mask as a 0/1 image. Macro keys: {@code image=}, {@code mask=}, {@code acceleration=}, {@code center=},
 * {@code coils=}, {@code noise=}, {@code seed=}. The settings and the achieved acceleration go to the Info
 * metadata ({@link MriAcquisitionSettings}) and the log.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Simulate MRI Acquisition...")
public class SimulateMriCommand extends MonitoredCommand {

    @Parameter(label = "Image (real-valued image or stack)")
    private MetadataImage image;

    @Parameter(label = "Mask pattern", choices = {MriAcquisitionSettings.RANDOM_LINES,
        MriAcquisitionSettings.EQUISPACED_LINES, MriAcquisitionSettings.POISSON_DISC})
    private String mask = MriAcquisitionSettings.RANDOM_LINES;

    @Parameter(label = "Acceleration (target)", min = "1")
    private double acceleration = 4;

    @Parameter(label = "Center (line fraction; Poisson: calibration pixels, or fraction if < 1)", min = "0")
    private double center = 0.08;

    @Parameter(label = "Coils (1 = single coil)", min = "1", max = "64")
    private int coils = 1;

    @Parameter(label = "Noise (relative RMS, 0.01 = 1 %)", min = "0")
    private double noise = 0.01;

    @Parameter(label = "Seed (mask, noise, coil maps)")
    private long seed = 42;

    @Parameter(required = false)
    private LogService log;

    @Parameter(type = ItemIO.OUTPUT, label = "K-space")
    private MetadataImage kspace;

    @Parameter(type = ItemIO.OUTPUT, label = "Mask")
    private MetadataImage maskImage;

    @Override
    public void run() {
        RandomAccessibleInterval<?> img = image.image();
        if (img.numDimensions() > 3) {
            throw new IllegalArgumentException("image=" + image.title() + " has channels; give a real-valued "
                + "single-channel image or stack");
        }
        int width = (int) img.dimension(0);
        int height = (int) img.dimension(1);
        if (width < 2 || height < 2) {
            throw new IllegalArgumentException("image=" + image.title() + " is " + width + "x" + height
                + "; MRI simulation needs at least 2x2 pixels");
        }
        MriAcquisitionSettings settings = new MriAcquisitionSettings(mask, acceleration, center, coils, noise, seed);
        SamplingMask samplingMask = settings.samplingMask(height, width);
        Map<String, String> metadata = new LinkedHashMap<>(image.metadata());
        metadata.putAll(settings.toMetadata(samplingMask));
        metadata.put("mri.source", image.title());
        kspace = DeepLearningRuntime.call(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray real = TensorAdapter.toTensor(manager, image.image());
                if (real.isNaN().any().getBoolean() || real.isInfinite().any().getBoolean()) {
                    throw new IllegalArgumentException("image=" + image.title() + " contains NaN or infinite "
                        + "values");
                }
                NDArray x = ComplexArithmetic.fromReal(real);
                NDArray maps = coils == 1 ? null : manager.create(BirdcageCoilMaps.generate(coils, height, width,
                    seed), new Shape(coils, 2, height, width));
                CartesianMriOperator operator = new CartesianMriOperator(manager, samplingMask, maps);
                progress().checkCancelled();
                NDArray y = new ComplexGaussianNoise(noise, seed).apply(operator.apply(x), samplingMask);
                progress().progress(1, 1, "Simulated k-space");
                return new MetadataImage(image.title() + " k-space", ComplexHyperstack.toImg(y), metadata);
            }
        });
        float[] values = samplingMask.values();
        PlanarImg<FloatType, FloatArray> maskImg = PlanarImgs.floats(width, height);
        System.arraycopy(values, 0, maskImg.getPlane(0).getCurrentStorageArray(), 0, values.length);
        maskImage = new MetadataImage(image.title() + " mask", maskImg, settings.toMetadata(samplingMask));
        String message = String.format(Locale.ROOT, "Simulate MRI: %s, target acceleration %.2f, achieved %.3f "
            + "(%d of %d k-space points), %d coil(s), noise %.3g", mask, acceleration,
            samplingMask.achievedAcceleration(), samplingMask.sampledCount(), (long) height * width, coils, noise);
        if (log != null) {
            log.info(message);
        }
    }

    /** The k-space, for callers holding the instance. */
    public MetadataImage kspace() {
        return kspace;
    }

    /** The mask image, for callers holding the instance. */
    public MetadataImage maskImage() {
        return maskImage;
    }
}

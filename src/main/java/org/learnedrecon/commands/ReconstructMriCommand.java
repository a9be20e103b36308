package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.metrics.Ssim;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.LowResolutionCoilMaps;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.LearnedSolverFactory;
import org.learnedrecon.solvers.LoadedLearnedSolver;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.mri.MriSolverFactory;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Reconstruct MRI...: Cartesian k-space (a complex hyperstack with 2 x coils
 * channels, one slice per image) -> magnitude image stack (optionally also the complex images), with PSNR/SSIM
 * against a reference. The mask comes from a mask image or, when none is given, from the k-space's {@code mri.*}
 * metadata written by Simulate MRI; multi-coil data use given coil maps or maps estimated from the fully sampled
 * centre ({@link LowResolutionCoilMaps}). Macro keys: {@code kspace=}, {@code mask=}, {@code maps=},
 * {@code solver=}, {@code lambda=}, {@code iterations=}, {@code reference=}, {@code complex}, {@code model=},
 * {@code device=}.
 *
 * <p>Scaling: each slice's k-space is divided by the peak magnitude of its zero-filled image before solving and the
 * result multiplied back, so {@code lambda} means the same for any intensity scale (a negative lambda picks
 * {@link MriSolverFactory#defaultLambda}). Metrics are on magnitudes, with data range max - min of the reference.
 *
 * <p>Learned solvers ({@code solver=Unrolled} with an lgd or lpd model, {@code Plug-and-play}, {@code U-Net
 * post-processing}; {@code model=} {@code auto} (default: the first shipped model of the solver that fits the data, e.g.
 * {@code lgd-mri8} for 8x), a pretrained name, or a model file) run through
 * {@link LearnedSolverFactory} with {@code new CartesianMriOperator(manager, mask)} built from the k-space's own
 * mask. The model must have been trained for the same mask kind, nominal acceleration ({@code mri.acceleration},
 * not the achieved one), centre fraction and image size (the mask seed may differ), single coil; otherwise the
 * command fails naming each difference. Intensity: the models were trained on images in [0, 1], so each slice is
 * scaled by the peak of its zero-filled magnitude ({@link PeakNormalisedSolver}) before the network and scaled back after.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Reconstruct MRI...")
public class ReconstructMriCommand extends MonitoredCommand {

    @Parameter(label = "Kspace (complex hyperstack, 2 x coils channels)")
    private MetadataImage kspace;

    @Parameter(label = "Mask (0/1 image; none = from the k-space metadata)", required = false)
    private MetadataImage mask;

    @Parameter(label = "Maps (coil sensitivities, 2 x coils channels; none = estimate)", required = false)
    private MetadataImage maps;

    @Parameter(label = "Solver", choices = {MriSolverFactory.ZERO_FILLED, MriSolverFactory.CG_SENSE,
        MriSolverFactory.WAVELET, MriSolverFactory.TV, MriSolverFactory.UNROLLED, MriSolverFactory.PLUG_AND_PLAY,
        MriSolverFactory.UNET})
    private String solver = MriSolverFactory.TV;

    @Parameter(label = "Lambda (regularisation; negative = solver default)")
    private double lambda = -1;

    @Parameter(label = "Iterations", min = "1", max = "100000")
    private int iterations = 100;

    @Parameter(label = "Reference (image for PSNR/SSIM; none = no metrics)", required = false)
    private MetadataImage reference;

    @Parameter(label = "Complex output (also the complex images)")
    private boolean complex;

    @Parameter(label = "Model (learned solvers: auto = the shipped one that fits, a pretrained name, or a model file)", required = false)
    private String model = LearnedSolverFactory.AUTOMATIC;

    /** The model a learned solver ran with (the shipped one chosen for model=auto). */
    private String chosenModel;

    @Parameter(label = "Device", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(type = ItemIO.OUTPUT, label = "Reconstruction")
    private MetadataImage reconstruction;

    @Parameter(type = ItemIO.OUTPUT, label = "Complex reconstruction")
    private MetadataImage complexReconstruction;

    @Parameter(type = ItemIO.OUTPUT, label = "Metrics")
    private MeasurementTable metrics;

    @Override
    public void run() {
        RandomAccessibleInterval<?> k = kspace.image();
        int n = k.numDimensions();
        if (n < 3 || n > 4) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is not a complex hyperstack (W, H, 2 x "
                + "coils channels[, slices]); real images have no phase: simulate k-space first");
        }
        int width = (int) k.dimension(0);
        int height = (int) k.dimension(1);
        if (width < 2 || height < 2) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is " + width + "x" + height
                + "; k-space needs at least 2x2 points");
        }
        if (k.dimension(2) % 2 != 0) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " has " + k.dimension(2) + " channels; "
                + "complex k-space has an even channel count (real, imaginary per coil)");
        }
        int coils = (int) (k.dimension(2) / 2);
        SamplingMask samplingMask = samplingMask(height, width);
        DeepLearningRuntime.DeviceChoice deviceChoice = DeepLearningRuntime.DeviceChoice.parse(device);
        if (MriSolverFactory.isLearned(solver)) {
            if (coils > 1) {
                throw new IllegalArgumentException("solver=" + solver + " with model=" + model + ": the learned MRI "
                    + "models are single-coil (physics=mri-cartesian), but kspace=" + kspace.title() + " has "
                    + coils + " coils; choose a classical solver (CG-SENSE, Wavelet, TV)");
            }
            runLearned(samplingMask, height, width, deviceChoice);
            return;
        }
        double weight = lambda < 0 ? MriSolverFactory.defaultLambda(solver) : lambda;
        Solver method = MriSolverFactory.create(solver, weight, iterations);
        Map<String, String> metadata = new LinkedHashMap<>(kspace.metadata());
        metadata.put("mri.solver", method.name());
        metadata.put("mri.lambda", Double.toString(weight));
        metadata.put("mri.iterations", Integer.toString(iterations));
        metadata.put("mri.lambda_scaling", "k-space divided by the zero-filled peak magnitude per slice");
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray y = ComplexHyperstack.toMultiCoilTensor(manager, kspace.image());
                if (y.isNaN().any().getBoolean() || y.isInfinite().any().getBoolean()) {
                    throw new IllegalArgumentException("kspace=" + kspace.title() + " contains NaN or infinite "
                        + "values");
                }
                NDArray givenMaps = coils > 1 && maps != null ? coilMaps(manager, coils, height, width) : null;
                int slices = (int) y.getShape().get(0);
                float[] out = new float[slices * 2 * height * width];
                for (int s = 0; s < slices; s++) {
                    progress().checkCancelled();
                    try (NDManager sliceScope = manager.newSubManager()) {
                        NDArray ys = y.get(s).expandDims(0);
                        ys.attach(sliceScope);
                        NDArray x = reconstructSlice(sliceScope, ys, coils, givenMaps, samplingMask, method,
                            slice(progress(), s, slices));
                        System.arraycopy(x.toFloatArray(), 0, out, s * 2 * height * width, 2 * height * width);
                    }
                }
                NDArray x = manager.create(out, new Shape(slices, 2, height, width));
                NDArray magnitude = x.square().sum(new int[] {1}).sqrt();
                reconstruction = new MetadataImage(kspace.title() + " " + method.name(),
                    TensorAdapter.toImg(magnitude), metadata);
                if (complex) {
                    complexReconstruction = new MetadataImage(kspace.title() + " " + method.name() + " complex",
                        ComplexHyperstack.toImg(x), metadata);
                }
                if (reference != null) {
                    metrics = score(TensorAdapter.toTensor(manager, reference.image()), magnitude, method.name());
                }
            }
        });
    }

    private void runLearned(SamplingMask samplingMask, int height, int width,
            DeepLearningRuntime.DeviceChoice deviceChoice) {
        String learnedSolver = learnedSolverName();
        Map<String, String> physics = physicsSettings(samplingMask, height, width);
        Map<String, String> metadata = new LinkedHashMap<>(kspace.metadata());
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray y = ComplexHyperstack.toMultiCoilTensor(manager, kspace.image()).squeeze(1);
                if (y.isNaN().any().getBoolean() || y.isInfinite().any().getBoolean()) {
                    throw new IllegalArgumentException("kspace=" + kspace.title() + " contains NaN or infinite "
                        + "values");
                }
                NDArray x;
                String name;
                try (LoadedLearnedSolver network = loadLearned(learnedSolver, physics, samplingMask, deviceChoice)) {
                    // The same per-slice scaling as the classical solvers (zero-filled peak 1), which is also the
                    // intensity range the models were trained on: measured on test-data/mri-demo 8x with lgd-mri8,
                    // mean PSNR peak 19.36 dB, 99.5th percentile 19.31, 99th 19.29, no scaling 18.91.
                    Solver learned = new Solver() {
                        @Override
                        public String name() {
                            return network.name();
                        }

                        @Override
                        public NDArray reconstruct(NDArray measurements, ForwardOperator operator,
                                ProgressMonitor monitor) {
                            return network.reconstruct(measurements, monitor);
                        }
                    };
                    x = new PeakNormalisedSolver(learned).reconstruct(y, new CartesianMriOperator(manager,
                        samplingMask), progress());
                    name = network.name();
                } catch (IOException e) {
                    // The factory names CT's solver choices; in this menu both unrolled networks are "Unrolled".
                    throw new IllegalArgumentException(String.valueOf(e.getMessage())
                        .replace("solver=[" + LearnedSolverFactory.LGD + "]", "solver=[" + MriSolverFactory.UNROLLED
                            + "]").replace("solver=[" + LearnedSolverFactory.LPD + "]", "solver=["
                            + MriSolverFactory.UNROLLED + "]"), e);
                }
                metadata.put("mri.solver", name);
                metadata.put("model", chosenModel);
                metadata.put("mri.intensity_scaling", "k-space divided per slice by the peak magnitude of its zero-filled image"
                    + " before the network, result multiplied back");
                NDArray magnitude = x.square().sum(new int[] {1}).sqrt();
                reconstruction = new MetadataImage(kspace.title() + " " + name, TensorAdapter.toImg(magnitude),
                    metadata);
                if (complex) {
                    complexReconstruction = new MetadataImage(kspace.title() + " " + name + " complex",
                        ComplexHyperstack.toImg(x), metadata);
                }
                if (reference != null) {
                    metrics = score(TensorAdapter.toTensor(manager, reference.image()), magnitude, solver);
                }
            }
        });
    }

    /**
     * Loads the learned solver; for {@code solver=Unrolled} with {@code model=auto} the shipped learned gradient
     * descent model that fits, else the shipped primal-dual one.
     */
    private LoadedLearnedSolver loadLearned(String learnedSolver, Map<String, String> physics,
            SamplingMask samplingMask, DeepLearningRuntime.DeviceChoice deviceChoice) throws IOException {
        boolean eitherUnrolled = MriSolverFactory.UNROLLED.equals(solver) && LearnedSolverFactory.isAutomatic(model);
        List<String> candidates = eitherUnrolled ? List.of(learnedSolver, LearnedSolverFactory.LPD)
            : List.of(learnedSolver);
        List<String> refusals = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                LoadedLearnedSolver loaded = LearnedSolverFactory.load(candidate, model, physics,
                    m -> new CartesianMriOperator(m, samplingMask), deviceChoice);
                chosenModel = loaded.modelName();
                return loaded;
            } catch (IncompatibleModelException e) {
                refusals.add(e.getMessage());
            }
        }
        throw new IncompatibleModelException(String.join(". ", refusals));
    }

    /** The {@link LearnedSolverFactory} name for {@code solver=}: Unrolled is lgd or lpd, from the model. */
    private String learnedSolverName() {
        if (MriSolverFactory.PLUG_AND_PLAY.equals(solver)) {
            return LearnedSolverFactory.PNP;
        }
        if (MriSolverFactory.UNET.equals(solver)) {
            return LearnedSolverFactory.POST_PROCESSING;
        }
        if (LearnedSolverFactory.isAutomatic(model)) {
            return LearnedSolverFactory.LGD;
        }
        String architecture;
        try {
            architecture = ModelFile.readMetadata(PretrainedModels.shipped().resolve(model)).architecture;
        } catch (IOException e) {
            throw new IllegalArgumentException("model=" + model + ": " + e.getMessage(), e);
        }
        if (LearnedGradientDescent.ARCHITECTURE.equals(architecture)) {
            return LearnedSolverFactory.LGD;
        }
        if (LearnedPrimalDual.ARCHITECTURE.equals(architecture)) {
            return LearnedSolverFactory.LPD;
        }
        throw new IllegalArgumentException("Model " + PretrainedModels.displayName(model) + " is a " + architecture
            + " model; solver=Unrolled needs a learned gradient descent (lgd) or primal-dual (lpd) model");
    }

    /**
     * The k-space's acquisition in the form learned models record ({@link MriCartesianPhysics#settingsOf}): from
     * the {@code mri.*} metadata (nominal acceleration) of the k-space, else of the mask image (Simulate MRI writes
     * it on both); a bare mask image says nothing of its kind, so no model fits it and the error says so.
     */
    private Map<String, String> physicsSettings(SamplingMask samplingMask, int height, int width) {
        MriAcquisitionSettings settings = MriAcquisitionSettings.fromMetadata(kspace.metadata());
        if (settings == null && mask != null) {
            settings = MriAcquisitionSettings.fromMetadata(mask.metadata());
        }
        if (settings != null) {
            return settings.physicsSettings(height, width);
        }
        return MriCartesianPhysics.settingsOf("mask image " + mask.title(), samplingMask.achievedAcceleration(),
            (double) samplingMask.centredFullySampledSize() / width, height, width, 1);
    }

    private static NDArray reconstructSlice(NDManager scope, NDArray y, int coils, NDArray givenMaps,
            SamplingMask samplingMask, Solver method, ProgressMonitor progress) {
        NDArray sliceMaps = null;
        NDArray data = coils == 1 ? y.squeeze(1) : y;
        if (coils > 1) {
            if (givenMaps != null) {
                sliceMaps = givenMaps;
            } else {
                int calibration = samplingMask.centredFullySampledSize();
                if (calibration < 2) {
                    throw new IllegalArgumentException("mask has no fully sampled centre to estimate coil maps "
                        + "from; give maps=");
                }
                sliceMaps = LowResolutionCoilMaps.estimate(y.get(0), calibration, calibration);
            }
        }
        CartesianMriOperator operator = new CartesianMriOperator(scope, samplingMask, sliceMaps);
        // Scaled so the zero-filled image peaks at 1: lambda then does not depend on the intensity units.
        NDArray x = new PeakNormalisedSolver(method).reconstruct(data, operator, progress);
        x.attach(scope);
        return x;
    }

    private SamplingMask samplingMask(int height, int width) {
        if (mask != null) {
            RandomAccessibleInterval<?> m = mask.image();
            if (m.dimension(0) != width || m.dimension(1) != height || (m.numDimensions() > 2
                && m.size() != (long) width * height)) {
                throw new IllegalArgumentException("mask=" + mask.title() + " is " + dims(m) + " but the k-space is "
                    + width + " x " + height + "; they must match");
            }
            float[] values = new float[width * height];
            net.imglib2.Cursor<? extends net.imglib2.type.numeric.RealType<?>> c =
                net.imglib2.view.Views.flatIterable(mask.image()).cursor();
            for (int i = 0; i < values.length; i++) {
                values[i] = c.next().getRealFloat();
            }
            try {
                return new SamplingMask(height, width, values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mask=" + mask.title() + ": " + e.getMessage(), e);
            }
        }
        MriAcquisitionSettings settings = MriAcquisitionSettings.fromMetadata(kspace.metadata());
        if (settings == null) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " has no mri.* metadata: give the "
                + "sampling mask as mask=");
        }
        return settings.samplingMask(height, width);
    }

    private NDArray coilMaps(NDManager manager, int coils, int height, int width) {
        NDArray m = ComplexHyperstack.toMultiCoilTensor(manager, maps.image());
        Shape expected = new Shape(1, coils, 2, height, width);
        if (!m.getShape().equals(expected)) {
            throw new IllegalArgumentException("maps=" + maps.title() + " must be " + width + " x " + height
                + " with " + 2 * coils + " channels and one slice, like the k-space; got " + dims(maps.image()));
        }
        return m.get(0);
    }

    private MeasurementTable score(NDArray ref, NDArray magnitude, String name) {
        if (!ref.getShape().equals(magnitude.getShape())) {
            throw new IllegalArgumentException("reference=" + reference.title() + " is " + dims(reference.image())
                + "; it must have the reconstruction's size and slice count " + magnitude.getShape());
        }
        float[] truth = ref.toFloatArray();
        float[] test = magnitude.toFloatArray();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : truth) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max - min;
        int slices = (int) ref.getShape().get(0);
        int h = (int) ref.getShape().get(1);
        int w = (int) ref.getShape().get(2);
        MeasurementTable table = new MeasurementTable("MRI metrics " + name, List.of("PSNR (dB)", "SSIM"));
        Ssim ssim = Ssim.uniform();
        double psnrSum = 0;
        double ssimSum = 0;
        for (int s = 0; s < slices; s++) {
            float[] a = java.util.Arrays.copyOfRange(truth, s * h * w, (s + 1) * h * w);
            float[] b = java.util.Arrays.copyOfRange(test, s * h * w, (s + 1) * h * w);
            double p = Psnr.compute(a, b, h, w, range);
            double q = ssim.compute(a, b, h, w, range);
            psnrSum += p;
            ssimSum += q;
            table.addRow(name + " slice " + (s + 1), p, q);
        }
        table.addRow(name + " mean", psnrSum / slices, ssimSum / slices);
        return table;
    }

    private static ProgressMonitor slice(ProgressMonitor outer, int index, int count) {
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                outer.progress(index * total + done, count * total, String.format(Locale.ROOT, "slice %d/%d: %s",
                    index + 1, count, message));
            }

            @Override
            public boolean isCancelled() {
                return outer.isCancelled();
            }
        };
    }

    private static String dims(RandomAccessibleInterval<?> image) {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < image.numDimensions(); d++) {
            b.append(d == 0 ? "" : " x ").append(image.dimension(d));
        }
        return b.toString();
    }

    public MetadataImage reconstruction() {
        return reconstruction;
    }

    public MeasurementTable metrics() {
        return metrics;
    }
}

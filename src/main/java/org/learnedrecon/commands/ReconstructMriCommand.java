package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.ImageRequirements;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.metrics.QualityTable;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.reconstruction.HeldOutSplit;
import org.learnedrecon.reconstruction.MriModelLoader;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.reconstruction.ReconstructionService.PosteriorResult;
import org.learnedrecon.reconstruction.ReconstructionService.Result;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.mri.MriSolverFactory;
import org.learnedrecon.solvers.mri.PeakNormalisedSolver;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
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
 * {@code lgd-mri8} for 8x; for Plug-and-play the diffusion model's denoiser with the finer schedule,
 * {@link MriModelLoader#AUTOMATIC_PLUG_AND_PLAY}), a pretrained name (a denoiser's may end in a schedule's suffix,
 * e.g. {@code dncnn-fast:finer}), or a model file) run through
 * {@link LearnedSolverFactory} with {@code new CartesianMriOperator(manager, mask)} built from the k-space's own
 * mask. The model must have been trained for the same mask kind, nominal acceleration ({@code mri.acceleration},
 * not the achieved one), centre fraction and image size (the mask seed may differ), single coil; otherwise the
 * command fails naming each difference. Intensity: the models were trained on images in [0, 1], so each slice is
 * scaled by the peak of its zero-filled magnitude ({@link PeakNormalisedSolver}) before the network and scaled back after.
 * Plug-and-play starts from non-negative TV over real images at lambda 0.01
 * ({@link org.learnedrecon.acquisition.MriCartesianPhysics#PLUG_AND_PLAY_START}); on data with phase the start is
 * wrong but measured no worse than zero filling (the data steps restore the phase; README). {@code initial=} names
 * another start ({@code zerofilled}, {@code tv<lambda>}, {@code tvreal<lambda>}; {@code auto}, the default, is the
 * TV over real images; the Info's {@code pnp.start}).
 *
 * <p>{@code solver=[Choice by held-out lines]} runs TV at six lambdas, {@code lambda=} times 0.4 to 20 (0.002-0.1 by
 * default), over complex and over real images, and the learned models of {@code model=} (auto:
 * {@link HeldOutChoice#MRI_MODELS} that fit, i.e. the shipped LGDs for families of masks and for 4x and 8x, and the
 * diffusion model's denoiser in plug-and-play with the finer schedule, from TV over real images and from the family
 * LGD's reconstruction; where none fits, TV's candidates alone) and
 * keeps per slice the one whose
 * reconstruction predicts held-out outer k-space lines best, or the weighted mean of two that predicts them better
 * still ({@link HeldOutChoice}, combining; single coil); the Info's {@code mri.choice} lists each slice's choice,
 * {@code mri.choice.weights} the candidates' weights.
 *
 * <p>{@code solver=[Diffusion posterior]} with {@code calibrate} scales each slice's std by held-out outer k-space
 * lines ({@link org.learnedrecon.reconstruction.HeldOutCalibratedSampler}; single-coil line masks); the Info's
 * {@code posterior.spread_scale} lists the scales; {@code start=[Choice by held-out lines]} starts the chains at the
 * choice by held-out lines above (among TV and the automatic models; single coil; {@code start=[Quick choice by
 * held-out lines]}: among TV and {@link HeldOutChoice#MRI_QUICK_MODELS}), refined from a low noise level in 4
 * steps ({@link org.learnedrecon.learned.DiffusionPosteriorSampler#WARM_START_COMPLEX}), rather than in noise; the
 * Info's {@code posterior.start}. Both together: the std is that of chains from noise, scaled to the start's error on
 * held-out lines ({@link org.learnedrecon.reconstruction.HeldOutCalibratedSampler#aroundStart}). The default,
 * {@code start=Auto} ({@link ReconstructionCommand#AUTO_START}), is the quick choice with {@code calibrate} for
 * single-coil line masks with enough outer lines to hold out, else chains from noise.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Reconstruct MRI...")
public class ReconstructMriCommand extends ReconstructionCommand {

    @Parameter(label = "Kspace (complex hyperstack, 2 x coils channels)")
    private MetadataImage kspace;

    @Parameter(label = "Mask (0/1 image; none = from the k-space metadata)", required = false)
    private MetadataImage mask;

    @Parameter(label = "Maps (coil sensitivities, 2 x coils channels; none = estimate)", required = false)
    private MetadataImage maps;

    @Parameter(label = "Solver", choices = {MriSolverFactory.ZERO_FILLED, MriSolverFactory.CG_SENSE,
        MriSolverFactory.WAVELET, MriSolverFactory.TV, MriSolverFactory.UNROLLED, MriSolverFactory.PLUG_AND_PLAY,
        MriSolverFactory.UNET, SolverFactory.DIFFUSION, MriSolverFactory.HELD_OUT_CHOICE})
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

    @Parameter(label = "Initial reconstruction (plug-and-play: auto = TV over real images; zerofilled, tv<lambda>,"
        + " tvreal<lambda>)", required = false)
    private String initial = AUTOMATIC_INITIAL;

    @Parameter(label = "Device", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Samples (diffusion posterior)", min = "2", max = "256")
    private int samples = 8;

    @Parameter(label = "Seed (diffusion posterior)")
    private long seed = 1;

    @Parameter(label = "Keep samples (diffusion posterior)")
    private boolean keep = false;

    @Parameter(label = "Calibrate std by held-out lines (diffusion posterior)")
    private boolean calibrate = false;

    @Parameter(label = "Start of the chains (diffusion posterior; Auto = the quick choice, calibrated, where the"
        + " data allow)", choices = {AUTO_START, NOISE_START,
        MriSolverFactory.HELD_OUT_CHOICE, MriSolverFactory.QUICK_HELD_OUT_CHOICE})
    private String start = AUTO_START;

    @Parameter(type = ItemIO.OUTPUT, label = "Complex reconstruction")
    private MetadataImage complexReconstruction;

    @Override
    public void run() {
        KspaceInputs in = KspaceInputs.of(kspace, mask, maps);
        ImageRequirements.requireReference(reference, in.width(), in.height(), in.slices());
        boolean diffusion = SolverFactory.DIFFUSION.equals(solver);
        boolean learned = diffusion || MriSolverFactory.isLearned(solver);
        boolean choice = MriSolverFactory.HELD_OUT_CHOICE.equals(solver);
        boolean plugAndPlay = MriSolverFactory.PLUG_AND_PLAY.equals(solver);
        Map<String, String> physics = withInitial(in.physicsSettings(), initial, solver, plugAndPlay,
            new MriCartesianPhysics());
        String asked = chainStart(start, MriSolverFactory.HELD_OUT_CHOICE, MriSolverFactory.QUICK_HELD_OUT_CHOICE);
        String chains = resolvedStart(asked, MriSolverFactory.QUICK_HELD_OUT_CHOICE, () -> diffusion
            && in.coils() == 1 && allowsSplit(in.samplingMask()));
        boolean warm = !NOISE_START.equals(chains) && diffusion;
        boolean calibrated = calibrates(calibrate, asked, warm);
        double weight = lambda < 0 ? MriSolverFactory.defaultLambda(choice || warm ? MriSolverFactory.TV : solver)
            : lambda;
        if ((choice || warm) && in.coils() != 1) {
            throw new IllegalArgumentException((choice ? "solver=[" + MriSolverFactory.HELD_OUT_CHOICE
                : "start=[" + chains) + "] needs single-coil k-space (the learned MRI models are single-coil), got "
                + in.coils() + " coils");
        }
        if (warm) {
            // The split's own checks (enough outer lines), before any model is loaded.
            try (NDManager scope = NDManager.newBaseManager()) {
                HeldOutSplit.check(new CartesianMriOperator(scope, in.samplingMask()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("start=[" + chains + "]: " + e.getMessage(), e);
            }
        }
        DeepLearningRuntime.start(progress()::checkCancelled); // Esc works during PyTorch's first start
        DeepLearningRuntime.run(() -> {
            // The posterior's start chooses among the automatic or the quick candidates: model= names the diffusion
            // model.
            List<String> candidates = !warm ? HeldOutChoice.models(model, HeldOutChoice.MRI_MODELS)
                : MriSolverFactory.QUICK_HELD_OUT_CHOICE.equals(chains) ? HeldOutChoice.MRI_QUICK_MODELS
                : HeldOutChoice.MRI_MODELS;
            try (HeldOutChoice chooser = choice || warm ? heldOutChoice(in, weight, candidates,
                    warm || LearnedSolverFactory.isAutomatic(model)) : null;
                 NDManager manager = NDManager.newBaseManager()) {
                Method solving = learned ? Method.learned(new MriModelLoader(solver, model, physics,
                    in.samplingMask(), DeepLearningRuntime.DeviceChoice.parse(device)))
                    : Method.classical(choice ? chooser : MriSolverFactory.create(solver, weight, iterations), null)
                    .perSlice();
                NDArray y = ComplexHyperstack.toMultiCoilTensor(manager, kspace.image());
                NDArray givenMaps = in.coilMaps(manager);
                // Scaled so the zero-filled image peaks at 1: lambda then does not depend on the intensity units,
                // and the learned models see the range they were trained on (measured on test-data/mri-demo 8x
                // with lgd-mri8: mean PSNR peak 19.36 dB, 99.5th percentile 19.31, 99th 19.29, no scaling 18.91).
                Method method = solving.peakNormalised((scope, ys) -> in.operator(scope, ys, givenMaps));
                NDArray data = in.coils() == 1 ? y.squeeze(1) : y;
                String what = "kspace=" + kspace.title();
                Map<String, String> metadata = new LinkedHashMap<>(kspace.metadata());
                Result x = diffusion ? posterior(data, what, method, metadata, warm ? chooser : null, chains,
                    calibrated)
                    : ReconstructionService.reconstruct(data, what, method, progress());
                metadata.put("mri.solver", x.solverName());
                if (learned) {
                    metadata.put("model", x.modelName());
                    if (plugAndPlay) {
                        metadata.put("pnp.start", plugAndPlayStart(physics, new MriCartesianPhysics()));
                    }
                    metadata.put("mri.intensity_scaling", "k-space divided per slice by the peak magnitude of its"
                        + " zero-filled image before the network, result multiplied back");
                } else {
                    if (chooser != null) {
                        recordChoice(metadata, "mri", chooser);
                    }
                    metadata.put("mri.lambda", Double.toString(weight));
                    metadata.put("mri.iterations", Integer.toString(iterations));
                    metadata.put("mri.lambda_scaling", "k-space divided by the zero-filled peak magnitude per slice");
                }
                NDArray magnitude = ComplexArithmetic.magnitude(x.image());
                setReconstruction(new MetadataImage(kspace.title() + " " + x.solverName(),
                    TensorAdapter.toImg(magnitude), metadata));
                if (complex) {
                    complexReconstruction = new MetadataImage(kspace.title() + " " + x.solverName() + " complex",
                        ComplexHyperstack.toImg(x.image()), metadata);
                }
                if (reference != null) {
                    String name = learned ? solver : x.solverName();
                    setMetrics(QualityTable.compareWithMean("MRI metrics " + name, name, TensorAdapter.toTensor(
                        manager, reference.image()).toFloatArray(), magnitude.toFloatArray(), in.slices(),
                        in.height(), in.width()));
                }
            }
        });
    }

    /** Whether k-space of {@code mask} (single coil) splits into held-out lines ({@link HeldOutSplit#allows}). */
    private static boolean allowsSplit(org.learnedrecon.physics.mri.SamplingMask mask) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return HeldOutSplit.allows(new CartesianMriOperator(scope, mask));
        }
    }

    /** The posterior mean as the result; the std (and with {@code keep} the samples) as magnitudes. */
    private Result posterior(NDArray data, String what, Method method, Map<String, String> metadata,
            HeldOutChoice start, String chains, boolean calibrated) {
        PosteriorResult p = ReconstructionService.posterior(data, what, method.loader(), method.operators(),
            samples, seed, keep, calibrated, start, progress());
        metadata.put("posterior.start", chains);
        recordCalibration(metadata, p, warningTo(log));
        PosteriorImages images = PosteriorImages.of(p, kspace.title(), metadata, samples, seed,
            ComplexArithmetic::magnitude);
        setPosterior(images);
        return p.mean();
    }

    /**
     * TV at {@code lambda=} times {@link HeldOutChoice#MRI_TV_LAMBDA_FACTORS}, over complex and over real images,
     * against the learned {@code models}, chosen per slice by held-out lines, or a weighted mean of two of them where
     * that predicts the held-out lines better (README, "Weighted means of two candidates"). With {@code skipMisfits}
     * (the automatic and the quick candidates) models that do not fit are left out, and the log says why; where none
     * fits, the choice is among TV's candidates.
     */
    private HeldOutChoice heldOutChoice(KspaceInputs in, double weight, List<String> models, boolean skipMisfits) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return HeldOutChoice.among(HeldOutChoice.mriTv(l -> MriSolverFactory.create(MriSolverFactory.TV, l,
                iterations), weight), models, skipMisfits, in.physicsSettings(),
                new CartesianMriOperator(scope, in.samplingMask()), DeepLearningRuntime.DeviceChoice.parse(device),
                skipped -> infoTo(log).accept("Choice by held-out lines: skipping " + skipped), true);
        }
    }
}

package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.SinogramScan;
import org.learnedrecon.io.ImageRequirements;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.metrics.QualityTable;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.reconstruction.CtModelLoader;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.reconstruction.HeldOutSplit;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.reconstruction.ReconstructionService.PosteriorResult;
import org.learnedrecon.reconstruction.ReconstructionService.Result;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.SolverFactory;
import org.learnedrecon.solvers.classical.DiscrepancyPrinciple;
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
 * Plug-and-play takes {@code dncnn-s05} (auto), the faster {@code dncnn-fast} (pixel-unshuffled, better off brain
 * slices), any denoiser file, or the diffusion model's denoiser ({@code model=diffusion-unet}), and starts from 100
 * iterations of TV at lambda 0.5 ({@code CtParallelPhysics.PLUG_AND_PLAY_START}), or from what {@code initial=} names
 * ({@code fbp}, {@code sirtN}, {@code tv<lambda>}, {@code tvfit<level>}; {@code auto}, the default, is TV; the Info's
 * {@code pnp.start}).
 * {@code solver=[Diffusion posterior]} samples the posterior with the shipped diffusion model ({@code model=auto}:
 * {@code diffusion-unet}; or a noise-level denoiser file, a DnCNN trained with {@code net.noiseMap=true}) and gives
 * the posterior mean as the reconstruction and a {@code <sinogram> std} image; {@code samples=} (default 8, 2 to
 * 256) {@code seed=} {@code keep} (also output the samples) {@code calibrate} (scale each slice's std by held-out
 * views, {@link org.learnedrecon.reconstruction.HeldOutCalibratedSampler}; with the start below, the std of chains
 * from noise scaled to the start's error on held-out views; the Info's {@code posterior.spread_scale})
 * {@code start=[Auto|Noise|Choice by held-out views|Quick choice by held-out views]} (where the chains start;
 * {@code Auto}, the default: the quick choice with {@code calibrate} where every 10th view can be held out, else in
 * noise, {@link ReconstructionCommand#AUTO_START}; or in noise,
 * or at the choice by held-out views below, among TV and the automatic models, or among TV and the quick ones,
 * {@link HeldOutChoice#CT_QUICK_MODELS}, refined from a low noise level,
 * {@link org.learnedrecon.learned.DiffusionPosteriorSampler#WARM_START}; the Info's {@code posterior.start}).
 * {@code solver=[Choice by held-out views]} runs TV at six lambdas, {@code lambda=} times 0.25 to 8 (with
 * {@code noise=} also TV fitting the noise), and the learned models of {@code model=} (auto:
 * {@code dncnn-s05,lgd-ct-tv-family,diffusion-unet:fine,diffusion-unet:strong,dncnn-fast:soft,diffusion-unet:finer},
 * those that fit; {@code :sharp}, {@code :fine}, {@code :strong}, {@code :soft} or {@code :finer} after a denoiser
 * runs its plug-and-play with
 * {@link org.learnedrecon.learned.HalfQuadraticSplitting.Schedule#SHARP},
 * {@link org.learnedrecon.learned.HalfQuadraticSplitting.Schedule#FINE},
 * {@link org.learnedrecon.learned.HalfQuadraticSplitting.Schedule#STRONG},
 * {@link org.learnedrecon.learned.HalfQuadraticSplitting.Schedule#SOFT} or
 * {@link org.learnedrecon.learned.HalfQuadraticSplitting.Schedule#FINER}; where none fits, TV's
 * lambdas alone) and keeps per slice the one
 * whose reconstruction from 9 of every 10 views predicts the held-out views best, or the weighted mean of two that
 * predicts them better still ({@link HeldOutChoice}, combining); the Info's {@code ct.choice} lists each slice's
 * choice, {@code ct.choice.weights} the candidates' weights.
 * A learned model must have been trained for the sinogram's geometry (parallel beam, same views, range, detectors
 * and image size), or declare the range it serves (the shipped CT unrolled models: sizes 64 to 512); otherwise the
 * command fails naming each difference. Fan-beam sinograms may cover 360 degrees or a
 * short scan (FBP applies Parker weights); below 180 degrees plus the fan angle the data are incomplete and the
 * command logs a warning.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Reconstruct CT...")
public class ReconstructCtCommand extends ReconstructionCommand {

    @Parameter(label = "Sinogram (angles x detectors)")
    private MetadataImage sinogram;

    @Parameter(label = "Solver", choices = {SolverFactory.FBP, SolverFactory.SIRT, SolverFactory.CGLS,
        SolverFactory.TV, SolverFactory.LGD, SolverFactory.LPD, SolverFactory.PNP,
        SolverFactory.POST_PROCESSING, SolverFactory.DIFFUSION, SolverFactory.HELD_OUT_CHOICE})
    private String solver = SolverFactory.FBP;

    @Parameter(label = "Model (learned solvers: auto = the shipped one that fits, a pretrained name, or a model file)", required = false)
    private String model = LearnedSolverFactory.AUTOMATIC;

    @Parameter(label = "Initial reconstruction (plug-and-play: auto = TV; fbp, sirtN, tv<lambda>, tvfit<level>)",
        required = false)
    private String initial = AUTOMATIC_INITIAL;

    @Parameter(label = "Device (learned solvers)", choices = {"Auto", "CPU", "GPU"})
    private String device = "Auto";

    @Parameter(label = "Filter (FBP)", choices = {"Ramp", "Shepp-Logan", "Cosine", "Hann"})
    private String filter = "Ramp";

    @Parameter(label = "Iterations (SIRT, CGLS, TV)", min = "1", max = "100000")
    private int iterations = 100;

    @Parameter(label = "Lambda (TV weight)", min = "0")
    private double lambda = SolverFactory.DEFAULT_CT_TV_LAMBDA;

    @Parameter(label = "Noise level (TV: > 0 chooses lambda per slice to fit it; -1 = from the Info; 0 = use lambda)",
        min = "-1", max = "0.99")
    private double noise = 0;

    @Parameter(label = "Angles (0 = from metadata)", min = "0", max = "100000")
    private int angles = 0;

    @Parameter(label = "Range (degrees, 0 = from metadata)", min = "0", max = "360")
    private double range = 0;

    @Parameter(label = "Size of image (0 = from metadata)", min = "0", max = "100000")
    private int size = 0;

    @Parameter(label = "Samples (diffusion posterior)", min = "2", max = "256")
    private int samples = 8;

    @Parameter(label = "Seed (diffusion posterior)")
    private long seed = 1;

    @Parameter(label = "Keep samples (diffusion posterior)")
    private boolean keep = false;

    @Parameter(label = "Calibrate std by held-out views (diffusion posterior)")
    private boolean calibrate = false;

    @Parameter(label = "Start of the chains (diffusion posterior; Auto = the quick choice, calibrated, where the"
        + " data allow)", choices = {AUTO_START, NOISE_START,
        SolverFactory.HELD_OUT_CHOICE, SolverFactory.QUICK_HELD_OUT_CHOICE})
    private String start = AUTO_START;

    @Parameter(label = "Reference image (optional)", required = false)
    private MetadataImage reference;

    @Parameter(required = false)
    private LogService log;

    @Override
    public void run() {
        ImageRequirements.requireSize(sinogram, 2, 2, "CT reconstruction");
        SinogramScan scan = SinogramScan.of(sinogram.title(), sinogram.metadata(),
            (int) sinogram.image().dimension(1), (int) sinogram.image().dimension(0), angles, range, size);
        if (log != null) {
            scan.report(log::info, log::warn);
        }
        CtGeometry g = scan.geometry();
        int slices = ImageRequirements.slices(sinogram);
        ImageRequirements.requireReference(reference, g.imageSize(), g.imageSize(), slices);
        boolean diffusion = SolverFactory.DIFFUSION.equalsIgnoreCase(solver.trim());
        boolean choice = SolverFactory.HELD_OUT_CHOICE.equalsIgnoreCase(solver.trim());
        boolean learned = diffusion || SolverFactory.isLearned(solver);
        Map<String, String> physics = withInitial(CtParallelPhysics.settingsOf(g), initial, solver, plugAndPlay(),
            new CtParallelPhysics());
        String asked = chainStart(start, SolverFactory.HELD_OUT_CHOICE, SolverFactory.QUICK_HELD_OUT_CHOICE);
        String chains = resolvedStart(asked, SolverFactory.QUICK_HELD_OUT_CHOICE, () -> diffusion
            && HeldOutSplit.allows(RayTransform.matrixFree(g)));
        boolean warm = !NOISE_START.equals(chains) && diffusion;
        boolean calibrated = calibrates(calibrate, asked, warm);
        if (choice || warm) {
            // The split's own checks (parallel beam, at least 20 views), before any model is loaded.
            try {
                HeldOutSplit.check(RayTransform.matrixFree(g));
            } catch (IllegalArgumentException e) {
                throw warm ? new IllegalArgumentException("start=" + start + ": " + e.getMessage(), e) : e;
            }
        }
        DeepLearningRuntime.start(progress()::checkCancelled); // Esc works during PyTorch's first start
        DeepLearningRuntime.run(() -> {
            // The posterior's start chooses among the automatic or the quick candidates: model= names the diffusion
            // model.
            List<String> candidates = !warm ? HeldOutChoice.models(model, HeldOutChoice.CT_MODELS)
                : SolverFactory.QUICK_HELD_OUT_CHOICE.equals(chains) ? HeldOutChoice.CT_QUICK_MODELS
                : HeldOutChoice.CT_MODELS;
            try (HeldOutChoice chooser = choice || warm ? heldOutChoice(g, candidates,
                    warm || LearnedSolverFactory.isAutomatic(model)) : null) {
                reconstruct(g, physics, slices, learned ? null : choice ? chooser : classicalSolver(solver),
                    diffusion, warm ? chooser : null, chains, calibrated);
            }
        });
    }

    private void reconstruct(CtGeometry g, Map<String, String> physics, int slices, Solver classical,
            boolean diffusion, HeldOutChoice posteriorStart, String chains, boolean calibrated) {
        Method method = classical == null ? Method.learned(new CtModelLoader(solver, model, g, physics,
            DeepLearningRuntime.DeviceChoice.parse(device))) : Method.classical(classical,
            (m, y) -> RayTransform.matrixFree(g));
        try (NDManager manager = NDManager.newBaseManager()) {
            // Checked for NaN and copied plane by plane, Esc checked before each plane.
            NDArray y = TensorAdapter.toFiniteTensor(manager, sinogram, progress()::checkCancelled);
            String what = "sinogram=" + sinogram.title();
            Map<String, String> metadata = new LinkedHashMap<>(sinogram.metadata());
            metadata.put("source", sinogram.title());
            Result x = diffusion ? posterior(y, what, method, metadata, posteriorStart, chains, calibrated)
                : ReconstructionService.reconstruct(y, what, method, progress());
            if (x.modelName() != null) {
                metadata.put("model", x.modelName());
            }
            metadata.put("solver", x.solverName());
            if (plugAndPlay()) {
                metadata.put("pnp.start", plugAndPlayStart(physics, new CtParallelPhysics()));
            }
            if (classical instanceof DiscrepancyPrinciple fit) {
                // The lambda each slice got, so the result can be reproduced with lambda= alone.
                metadata.put("ct.tv.lambda", perSlice(fit.chosenLambdas()));
                metadata.put("ct.tv.noise_level", Double.toString(fit.level()));
            }
            if (classical instanceof HeldOutChoice chooser) {
                recordChoice(metadata, "ct", chooser);
            }
            setReconstruction(new MetadataImage(sinogram.title() + " " + x.solverName(),
                TensorAdapter.toImg(x.image()), metadata));
            if (reference != null) {
                setMetrics(QualityTable.compare("Metrics " + solver, x.solverName(), TensorAdapter.toTensor(
                    manager, reference.image()).toFloatArray(), x.image().toType(DataType.FLOAT32, false)
                    .toFloatArray(), slices, g.imageSize(), g.imageSize()));
            }
        }
    }

    /** Whether {@code solver=} is plug-and-play. */
    private boolean plugAndPlay() {
        return SolverFactory.PNP.equalsIgnoreCase(solver.trim());
    }

    /**
     * The classical solver of the keys: with {@code solver=TV} and {@code noise=} not 0, TV whose lambda fits that
     * noise level ({@link #noiseLevel}), starting at {@code lambda=}.
     */
    private Solver classicalSolver(String name) {
        boolean tv = SolverFactory.TV.equalsIgnoreCase(name.trim());
        if (!tv || noise == 0) {
            return SolverFactory.create(name, filter, iterations, lambda);
        }
        return SolverFactory.tvFittingNoise(iterations, lambda, noiseLevel());
    }

    /**
     * The relative noise level of {@code noise=} (-1: the {@code ct.noise.level} Simulate CT Acquisition wrote into
     * the Info), or 0 when {@code noise=0}.
     */
    private double noiseLevel() {
        if (noise == 0) {
            return 0;
        }
        if (noise == -1) {
            String info = sinogram.metadata().get("ct.noise.level");
            if (info == null) {
                throw new IllegalArgumentException("noise=-1 takes the noise level from the sinogram's Info, and "
                    + sinogram.title() + " has no ct.noise.level (Gaussian noise of Simulate CT Acquisition): give "
                    + "the relative level, e.g. noise=0.01 for 1 %");
            }
            return Double.parseDouble(info);
        }
        if (!(noise > 0 && noise < 1)) {
            throw new IllegalArgumentException("noise=" + noise + " must be a relative level in (0, 1), -1 (from "
                + "the Info) or 0 (use lambda=)");
        }
        return noise;
    }

    /**
     * TV at {@code lambda=} times {@link HeldOutChoice#CT_TV_LAMBDA_FACTORS} (and, with {@code noise=}, TV fitting the
     * noise) against the learned {@code models}, chosen per slice by held-out views, or a weighted mean of two of
     * them where that predicts the held-out views better (README, "Weighted means of two candidates"). With
     * {@code skipMisfits} (the automatic and the quick candidates) models that do not fit the sinogram are left out,
     * and the log says why; where none fits, the choice is among TV's lambdas.
     */
    private HeldOutChoice heldOutChoice(CtGeometry g, List<String> models, boolean skipMisfits) {
        return HeldOutChoice.among(HeldOutChoice.ctTv(iterations, lambda, noiseLevel()), models, skipMisfits,
            CtParallelPhysics.settingsOf(g), RayTransform.matrixFree(g), DeepLearningRuntime.DeviceChoice.parse(device),
            skipped -> infoTo(log).accept("Choice by held-out views: skipping " + skipped), true);
    }

    /** The posterior mean as the result; the std (and with {@code keep} the samples) as the extra outputs. */
    private Result posterior(NDArray y, String what, Method method, Map<String, String> metadata, HeldOutChoice start,
            String chains, boolean calibrated) {
        PosteriorResult p = ReconstructionService.posterior(y, what, method.loader(), samples, seed, keep,
            calibrated, start, progress());
        metadata.put("posterior.start", chains);
        recordCalibration(metadata, p, warningTo(log));
        setPosterior(PosteriorImages.of(p, sinogram.title(), metadata, samples, seed, x -> x));
        return p.mean();
    }
}

package org.learnedrecon.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.OperatorNorm;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Command-line training, for long runs in the background:
 * <pre>
 * java -cp ... org.learnedrecon.training.TrainMain train=brain-t1-train-128.tif val=brain-t1-val-128.tif \
 *     physics=ct-parallel physics.views=30 physics.detectors=183 solver=lpd net.iterations=10 \
 *     epochs=50 batch=4 lr=1e-3 seed=1 noise=0.01 checkpoint=runs/lpd30 output=lpd-ct30.zip device=CPU
 * </pre>
 * Keys: {@code train}, {@code val} (TIFF stacks), {@code trainSlices}/{@code valSlices} (use the first N),
 * {@code physics} (a {@link PhysicsCatalog} name) and {@code physics.*} (its settings, recorded in the model),
 * {@code solver} (lgd, lpd, postprocessing, dncnn) and {@code net.*} (hyper-parameters, see
 * {@link NetworkCatalog#defaults}), {@code epochs}, {@code batch}, {@code lr}, {@code seed}, {@code noise}
 * (relative Gaussian level of the measurements), {@code sigma} (dncnn: image noise in units of the intensity
 * scale), {@code scale} (intensity scale; default the training maximum), {@code checkpoint} (directory; a rerun
 * with the same arguments resumes from it), {@code output} (model file), {@code device} (Auto, CPU, GPU),
 * {@code threads} (PyTorch CPU threads, default 1; only from {@link #main}).
 */
public final class TrainMain {

    private TrainMain() {
    }

    public static void main(String[] args) throws Exception {
        // PyTorch's intra-op threads, set before the engine loads. Default 1: on the shared 2-core machine one
        // thread per run measured 2.5-4x faster per step than two (OpenMP threads spin while others hold the
        // cores); run several trainings side by side instead.
        String threads = parse(args).getOrDefault("threads", "1");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", threads);
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        try {
            run(args, ProgressMonitor.NONE);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("Error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Parses {@code key=value} arguments. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Arguments are key=value, got '" + arg + "'");
            }
            map.put(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
        }
        return map;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("Missing argument " + key + "=...");
        }
        return v;
    }

    private static Map<String, String> prefixed(Map<String, String> a, String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                map.put(k.substring(prefix.length()), v);
            }
        });
        return map;
    }

    /** Trains as the arguments say and writes the model file; returns the training result. */
    public static TrainingResult run(String[] args, ProgressMonitor progress) throws Exception {
        Map<String, String> a = parse(args);
        DeepLearningRuntime.DeviceChoice choice =
            DeepLearningRuntime.DeviceChoice.parse(a.getOrDefault("device", "Auto"));
        Device device = DeepLearningRuntime.device(choice);
        return DeepLearningRuntime.call(() -> train(a, device, progress));
    }

    private static TrainingResult train(Map<String, String> a, Device device, ProgressMonitor progress)
        throws Exception {
        ImageSliceDataset training = ImageSliceDataset.fromTiff(Path.of(required(a, "train")));
        ImageSliceDataset validation = ImageSliceDataset.fromTiff(Path.of(required(a, "val")));
        if (a.containsKey("trainSlices")) {
            training = training.first(Integer.parseInt(a.get("trainSlices")));
        }
        if (a.containsKey("valSlices")) {
            validation = validation.first(Integer.parseInt(a.get("valSlices")));
        }
        String architecture = required(a, "solver").toLowerCase(Locale.ROOT);
        Path output = Path.of(required(a, "output"));
        PhysicsFactory physics = PhysicsCatalog.find(required(a, "physics"));
        Map<String, String> settings = prefixed(a, "physics.");
        TrainingConfig config = new TrainingConfig()
            .epochs(Integer.parseInt(a.getOrDefault("epochs", "10")))
            .batchSize(Integer.parseInt(a.getOrDefault("batch", "4")))
            .learningRate(Double.parseDouble(a.getOrDefault("lr", "1e-3")))
            .seed(Long.parseLong(a.getOrDefault("seed", "1")))
            .intensityScale(Double.parseDouble(a.getOrDefault("scale", "NaN")));
        if (a.containsKey("checkpoint")) {
            config.checkpointDirectory(Path.of(a.get("checkpoint")));
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            ForwardOperator operator = physics.create(manager, settings);
            Map<String, String> hyper = prefixed(a, "net.");
            Solver initial = physics.initialReconstruction(settings);
            TrainingTask task;
            if (DnCnn.ARCHITECTURE.equals(architecture)) {
                task = new DenoisingTask(operator.domainShape(), Double.parseDouble(a.getOrDefault("sigma", "0.05")));
            } else {
                hyper.putIfAbsent("operatorNorm", Double.toString(OperatorNorm.estimate(operator, manager, 30)));
                task = new MeasurementTask(operator,
                    new GaussianRelativeNoise(Double.parseDouble(a.getOrDefault("noise", "0.01"))), initial);
            }
            Block network = NetworkCatalog.create(architecture, hyper, operator);
            System.out.printf("Training %s %s on %s, validation %s, for %s %s, device %s%n", architecture,
                NetworkCatalog.hyperParameters(network), training.description(), validation.description(),
                physics.name(), settings, device);
            TrainingRun run = new TrainingRun(network, task, training, validation, config);
            TrainingResult result = run.run(manager, new TrainingListener() {
                private long last = System.nanoTime();

                @Override
                public void stepFinished(int epoch, int step, int steps, double loss) {
                    long now = System.nanoTime();
                    if (step % 10 == 0 || step == steps - 1) {
                        System.out.printf("epoch %d step %d/%d loss %.5g (%.2f s/step)%n", epoch + 1, step + 1,
                            steps, loss, (now - last) * 1e-9);
                    }
                    last = now;
                }

                @Override
                public void epochFinished(EpochRecord record) {
                    System.out.println(record);
                }

                @Override
                public void checkpointWritten(int epochsDone, Path directory) {
                    System.out.println("checkpoint " + directory);
                }
            }, progress);
            System.out.printf("Initial reconstruction PSNR %.2f dB; resumed from epoch %d%n", result.baselinePsnr,
                result.resumedFromEpoch);
            LearnedModel model = run.toModel(result, settings,
                DnCnn.ARCHITECTURE.equals(architecture) ? null : initial.name(), operator.rangeShape().getShape());
            model.metadata().physics.put("physics", physics.name());
            ModelFile.save(model, output);
            System.out.println("Model written to " + output.toAbsolutePath());
            return result;
        }
    }
}

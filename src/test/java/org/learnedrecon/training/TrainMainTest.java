package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.io.ImageInfoMetadata;
import org.learnedrecon.learned.RandomSparseOperator;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.models.IncompatibleModelException;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;

/** The command-line training entry point, end to end on a tiny TIFF and a registered test physics. */
class TrainMainTest {

    @TempDir
    static Path directory;

    @BeforeAll
    static void registerTestPhysics() throws Exception {
        PhysicsCatalog.register(new PhysicsFactory() {
            @Override
            public String name() {
                return "test-sparse";
            }

            @Override
            public ForwardOperator create(NDManager manager, Map<String, String> settings) {
                int views = Integer.parseInt(settings.get("views"));
                return RandomSparseOperator.create(manager, 16, 16, views, 23, 16, 3);
            }
        });
        writeStack(directory.resolve("train.tif"), 8, 1);
        writeStack(directory.resolve("val.tif"), 2, 2);
    }

    private static void writeStack(Path file, int count, long seed) {
        ImageSliceDataset data = TestImages.ellipses(count, 16, seed);
        ImageStack stack = new ImageStack(16, 16);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < count; i++) {
                float[] pixels = data.batch(m, new int[] {i}, new ai.djl.ndarray.types.Shape(16, 16), 0.01)
                    .toFloatArray();
                stack.addSlice(new FloatProcessor(16, 16, pixels));
            }
        }
        new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(file.toString());
    }

    private String[] arguments(String solver, String output, String device) {
        return new String[] {"train=" + directory.resolve("train.tif"), "val=" + directory.resolve("val.tif"),
            "physics=test-sparse", "physics.views=6", "solver=" + solver, "net.iterations=2",
            "net.hiddenChannels=6", "epochs=2", "batch=4", "lr=1e-3", "seed=3",
            "checkpoint=" + directory.resolve("ckpt-" + solver), "output=" + directory.resolve(output),
            "device=" + device};
    }

    /**
     * The initial reconstruction: physics.initial= applies to measured sinograms too, and a model adapted with init=
     * keeps its model's start (an LGD refining TV is not fed FBP) unless physics.initial= says otherwise.
     */
    @Test
    void anAdaptedModelKeepsTheStartItWasTrainedFrom() throws Exception {
        Path sinograms = sinogramStack("tv-sinograms.tif", true, false);
        Path model = directory.resolve("tv-start.zip");
        String[] common = {"measurements=" + sinograms, "supervision=measurements", "solver=lgd", "net.iterations=2",
            "net.hiddenChannels=6", "epochs=1", "batch=3", "seed=3", "device=CPU"};
        TrainMain.run(with(common, "physics.initial=tv0.5", "output=" + model), ProgressMonitor.NONE);
        assertEquals("tv0.5", ModelFile.readMetadata(model).physics.get("initial"));
        assertEquals("TV", ModelFile.readMetadata(model).initialReconstruction);
        Path adapted = directory.resolve("tv-adapted.zip");
        TrainMain.run(with(common, "init=" + model, "output=" + adapted), ProgressMonitor.NONE);
        assertEquals("tv0.5", ModelFile.readMetadata(adapted).physics.get("initial"));
        assertEquals("TV", ModelFile.readMetadata(adapted).initialReconstruction);
        Path fromFbp = directory.resolve("fbp-adapted.zip");
        TrainMain.run(with(common, "init=" + model, "physics.initial=fbp", "output=" + fromFbp), ProgressMonitor.NONE);
        assertTrue(ModelFile.readMetadata(fromFbp).initialReconstruction.startsWith("FBP"),
            ModelFile.readMetadata(fromFbp).initialReconstruction);
    }

    /**
     * startAsInitial=true: the untrained LGD returns its initial reconstruction (validation PSNR = the baseline's),
     * where a randomly initialised one does not; recorded in the model; refused for solvers other than LGD.
     */
    @Test
    void startAsInitialBeginsAtTheInitialReconstruction() throws Exception {
        String[] still = arguments("lgd", "lgd-identity.zip", "CPU");
        still[7] = "epochs=1";
        still[9] = "lr=1e-12";
        still[11] = "checkpoint=" + directory.resolve("ckpt-identity");
        String[] identity = java.util.Arrays.copyOf(still, still.length + 1);
        identity[still.length] = "startAsInitial=true";
        TrainingResult started = TrainMain.run(identity, ProgressMonitor.NONE);
        assertEquals(started.baselinePsnr, started.last().validationPsnr, 0.01);
        assertEquals("true", ModelFile.readMetadata(directory.resolve("lgd-identity.zip")).training
            .get("startAsInitial"));
        still[11] = "checkpoint=" + directory.resolve("ckpt-random");
        still[12] = "output=" + directory.resolve("lgd-random.zip");
        TrainingResult random = TrainMain.run(still, ProgressMonitor.NONE);
        assertTrue(Math.abs(random.baselinePsnr - random.last().validationPsnr) > 0.1,
            random.baselinePsnr + " vs " + random.last().validationPsnr);
        String[] lpd = arguments("lpd", "lpd-identity.zip", "CPU");
        String[] lpdIdentity = java.util.Arrays.copyOf(lpd, lpd.length + 1);
        lpdIdentity[lpd.length] = "startAsInitial=true";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TrainMain.run(lpdIdentity, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("startAsInitial=true needs solver=lgd"), e.getMessage());
    }

    /**
     * loss=psnr minimises minus the batch's mean PSNR: 10 log10 of each sample's squared error, averaged; recorded in
     * the model; refused with a measurement loss and for an unknown value.
     */
    @Test
    void psnrLossAveragesTheSamplesLogErrors() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray error = m.create(new float[] {1e-2f, 1e-2f, 1e-4f, 1e-4f}, new Shape(2, 1, 2));
            assertEquals(-30, TrainingRun.meanLogError(error).getFloat(), 1e-3, "(-20 + -40) / 2");
        }
        String[] run = arguments("lgd", "lgd-psnr.zip", "CPU");
        run[7] = "epochs=1";
        run[11] = "checkpoint=" + directory.resolve("ckpt-psnr");
        String[] psnr = java.util.Arrays.copyOf(run, run.length + 1);
        psnr[run.length] = "loss=psnr";
        TrainingResult result = TrainMain.run(psnr, ProgressMonitor.NONE);
        assertTrue(result.stepLosses.get(0) < -10, "minus a PSNR: " + result.stepLosses.get(0));
        assertTrue(ModelFile.readMetadata(directory.resolve("lgd-psnr.zip")).training.get("loss").startsWith("PSNR"));
        psnr[run.length] = "loss=ssim";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TrainMain.run(psnr, ProgressMonitor.NONE));
        assertEquals("loss=ssim: choose mse or psnr", e.getMessage());
        String[] measured = java.util.Arrays.copyOf(psnr, psnr.length + 1);
        measured[run.length] = "loss=psnr";
        measured[psnr.length] = "supervision=measurements";
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(measured, ProgressMonitor.NONE));
        assertTrue(e.getMessage().startsWith("loss=psnr compares with clean images"), e.getMessage());
    }

    @Test
    void trainsAndWritesALoadableModel() throws Exception {
        TrainingResult result = TrainMain.run(arguments("lgd", "lgd.zip", "CPU"), ProgressMonitor.NONE);
        assertEquals(2, result.epochs.size());
        Path model = directory.resolve("lgd.zip");
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals("lgd", metadata.architecture);
        assertEquals("6", metadata.physics.get("views"));
        assertEquals("test-sparse", metadata.physics.get("physics"));
        // Intensity scale: the training maximum (the stack holds phantoms divided by 0.01, so values up to ~100s).
        assertTrue(metadata.intensityScale > 50, "scale " + metadata.intensityScale);
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator twelve = RandomSparseOperator.create(m, 16, 16, 12, 23, 16, 3);
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(model, m, twelve, Map.of("physics", "test-sparse", "views", "12")));
            assertTrue(e.getMessage().contains("model trained for views=6, but the data has views=12"),
                e.getMessage());
        }
        // Rerunning the same command finds the finished checkpoint and does no more steps.
        TrainingResult again = TrainMain.run(arguments("lgd", "lgd.zip", "CPU"), ProgressMonitor.NONE);
        assertEquals(2, again.resumedFromEpoch);
        assertEquals(result.stepLosses, again.stepLosses);
    }

    @Test
    void gpuWithoutGpuFailsWithTheRuntimeMessage() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is present");
        String expected = assertThrows(IllegalStateException.class,
            () -> DeepLearningRuntime.device(DeepLearningRuntime.DeviceChoice.GPU)).getMessage();
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> TrainMain.run(arguments("lgd", "gpu.zip", "GPU"), ProgressMonitor.NONE));
        assertEquals(expected, e.getMessage());
        assertTrue(e.getMessage().contains("device=GPU"));
        assertTrue(!Files.exists(directory.resolve("gpu.zip")));
    }

    @Test
    void unknownPhysicsAndBadArgumentsAreNamed() {
        String[] args = arguments("lgd", "x.zip", "CPU");
        args[2] = "physics=ct-fan";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TrainMain.run(args, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("Unknown physics 'ct-fan'") && e.getMessage().contains("test-sparse"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> TrainMain.run(new String[] {"train"}, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    private static String[] with(String[] args, String... extra) {
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return all;
    }

    @Test
    void trainsFromMeasurementsAloneAndRecordsIt() throws Exception {
        String[] args = with(arguments("lgd", "lgd-ei.zip", "CPU"), "supervision=measurements", "ei.alpha=10",
            "ei.detach=true", "ei.dihedral=true");
        args[11] = "checkpoint=" + directory.resolve("ckpt-ei");
        TrainingResult result = TrainMain.run(args, ProgressMonitor.NONE);
        assertEquals(1, result.modelEpoch, "measurement-only training keeps the last epoch");
        ModelMetadata metadata = ModelFile.readMetadata(directory.resolve("lgd-ei.zip"));
        assertEquals("measurements", metadata.training.get("supervision"));
        assertEquals("last epoch", metadata.training.get("modelSelection"));
        assertTrue(metadata.training.get("loss").contains("10.0 * mean")
            && metadata.training.get("loss").contains("T = random quarter turn or flip")
            && metadata.training.get("loss").endsWith("target T x fixed (no gradient)"), metadata.training.get("loss"));
        assertTrue(metadata.trainingData.startsWith("measurements simulated from train.tif"), metadata.trainingData);
        // Robust EI: SURE in place of measurement consistency, through the same pipeline.
        String[] sureArgs = with(arguments("lgd", "lgd-sure.zip", "CPU"), "supervision=measurements", "ei.sure=true");
        sureArgs[11] = "checkpoint=" + directory.resolve("ckpt-sure");
        TrainingResult sure = TrainMain.run(sureArgs, ProgressMonitor.NONE);
        assertTrue(Double.isFinite(sure.epochs.get(0).trainingLoss), "SURE loss " + sure.epochs.get(0).trainingLoss);
        String loss = ModelFile.readMetadata(directory.resolve("lgd-sure.zip")).training.get("loss");
        assertTrue(loss.startsWith("equivariant imaging: SURE + 100.0 * mean") && loss.contains("SURE for gaussian "
            + "relative 0.01"), loss);
    }

    /**
     * init= starts from a model's weights: with a learning rate of 1e-12 the adapted model reconstructs as the
     * model it started from; its metadata says where it started; a different network is refused naming init=.
     */
    @Test
    void initStartsFromAModelsWeightsAndRecordsIt() throws Exception {
        String[] base = arguments("lgd", "lgd-base.zip", "CPU");
        base[11] = "checkpoint=" + directory.resolve("ckpt-base");
        TrainMain.run(base, ProgressMonitor.NONE);
        Path basePath = directory.resolve("lgd-base.zip");
        String[] adapt = {"train=" + directory.resolve("val.tif"), "val=" + directory.resolve("val.tif"),
            "physics=test-sparse", "physics.views=6", "solver=lgd", "epochs=1", "batch=2", "lr=1e-12", "seed=4",
            "supervision=measurements", "init=" + basePath, "output=" + directory.resolve("lgd-adapted.zip")};
        TrainMain.run(adapt, ProgressMonitor.NONE);
        ModelMetadata adapted = ModelFile.readMetadata(directory.resolve("lgd-adapted.zip"));
        assertEquals("lgd-base.zip", adapted.training.get("init"));
        assertEquals(ModelFile.readMetadata(basePath).intensityScale, adapted.intensityScale);
        assertEquals("2", adapted.hyperParameters.get("iterations"), "net.* taken from the init model");
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator six = RandomSparseOperator.create(m, 16, 16, 6, 23, 16, 3);
            Map<String, String> physics = Map.of("physics", "test-sparse", "views", "6");
            ai.djl.ndarray.NDArray y = six.apply(TestImages.ellipses(2, 16, 7).batch(m, new int[] {0, 1},
                six.domainShape(), 0.01));
            float[] before = new org.learnedrecon.models.LearnedSolver(ModelFile.load(basePath, m, six, physics),
                new org.learnedrecon.solvers.classical.ScaledAdjointReconstruction()).reconstruct(y, six,
                ProgressMonitor.NONE).toFloatArray();
            float[] after = new org.learnedrecon.models.LearnedSolver(ModelFile.load(directory.resolve(
                "lgd-adapted.zip"), m, six, physics), new org.learnedrecon.solvers.classical
                .ScaledAdjointReconstruction()).reconstruct(y, six, ProgressMonitor.NONE).toFloatArray();
            double largest = 0;
            double difference = 0;
            for (int i = 0; i < before.length; i++) {
                largest = Math.max(largest, Math.abs(before[i]));
                difference = Math.max(difference, Math.abs(before[i] - after[i]));
            }
            assertTrue(difference <= 1e-4 * largest, "adapted " + difference + " away (largest " + largest + ")");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(adapt, "net.iterations=3"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("init=lgd-base.zip") && e.getMessage().contains("iterations=3"),
            e.getMessage());
    }

    @Test
    void supervisionByMeasurementsNeedsASolverThroughTheOperatorAndAKnownValue() {
        for (String solver : new String[] {"postprocessing", "dncnn"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
                with(arguments(solver, "bad.zip", "CPU"), "supervision=measurements"), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("supervision=measurements") && e.getMessage().contains("solver="
                + solver), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "supervision=sinograms"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("supervision=sinograms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "supervision=measurements", "best=true"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("best=true"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "measurements=sino.tif"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("measurements=sino.tif"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {
            "measurements=" + directory.resolve("train.tif"), "physics=mri-cartesian", "supervision=split",
            "solver=lgd", "output=" + directory.resolve("bad.zip")}, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("measurements=train.tif is not complex k-space"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "supervision=measurements", "ei.alpha=-1"),
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("ei.alpha"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "supervision=measurements", "ei.detach=yes"),
            ProgressMonitor.NONE));
        assertEquals("ei.detach=yes: choose true or false", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "supervision=split", "ei.detach=true"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("ei.detach=true") && e.getMessage().contains("supervision=split"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "ei.sure=true"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("ei.sure=true") && e.getMessage().contains("supervision=images"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            with(arguments("lgd", "bad.zip", "CPU"), "ei.dihedral=true"), ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("ei.dihedral=true") && e.getMessage().contains("supervision=images"),
            e.getMessage());
        assertTrue(!Files.exists(directory.resolve("bad.zip")));
    }

    /**
     * physics.views and physics.range given as ranges train one LGD over a family of parallel-beam scans (a new scan
     * per batch, noise level per batch from noise=lo:hi); the model declares the ranges it serves, loads for any scan
     * inside them, on that scan's operator, and refuses one outside naming the range and the data's value.
     */
    @Test
    void rangesOfViewsAndAnglesTrainAModelThatServesThem() throws Exception {
        Path model = directory.resolve("family.zip");
        TrainMain.run(new String[] {"train=ellipses", "val=ellipses", "patch=32", "patches=8", "valPatches=4",
            "physics=ct-parallel", "physics.size=32", "physics.views=6-12", "physics.range=120-180",
            "serves.size=32-64", "solver=lgd", "net.iterations=2", "net.hiddenChannels=6", "epochs=1", "batch=4",
            "noise=0.005:0.05", "seed=3", "output=" + model, "device=CPU"}, ProgressMonitor.NONE);
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals(Map.of("size", "32-64", "views", "6-12", "range", "120-180"), metadata.serves);
        assertEquals("6", metadata.physics.get("views"));
        assertEquals("120", metadata.physics.get("range"));
        assertEquals("0.005-0.05", metadata.training.get("noise"));
        assertTrue(metadata.training.get("task").contains("RandomScanRayTransform"), metadata.training.toString());
        PhysicsFactory ct = PhysicsCatalog.find("ct-parallel");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> nine = ct.completeSettings(Map.of("size", "32", "views", "9", "range", "150"));
            ForwardOperator operator = ct.create(m, nine);
            var loaded = ModelFile.load(model, m, operator, nine);
            assertTrue(loaded.network() != null);
            Map<String, String> thirty = ct.completeSettings(Map.of("size", "32", "views", "30"));
            ForwardOperator dense = ct.create(m, thirty);
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(model, m, dense, thirty));
            assertTrue(e.getMessage().contains("model serves views 6-12, but the data has views=30"), e.getMessage());
        }
        // MRI: a range of accelerations, each with its centre fraction; the model serves both ranges.
        Path mri = directory.resolve("mri-family.zip");
        TrainMain.run(new String[] {"train=ellipses", "val=ellipses", "patch=16", "patches=8", "valPatches=4",
            "physics=mri-cartesian", "physics.size=16", "physics.acceleration=2-6", "physics.center=0.16",
            "solver=lgd", "net.iterations=2", "net.hiddenChannels=6", "epochs=1", "batch=4", "seed=3",
            "output=" + mri, "device=CPU"}, ProgressMonitor.NONE);
        ModelMetadata mriMetadata = ModelFile.readMetadata(mri);
        assertEquals(Map.of("acceleration", "2-6", "center", "0.053333-0.16"), mriMetadata.serves);
        PhysicsFactory mriPhysics = PhysicsCatalog.find("mri-cartesian");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> four = mriPhysics.completeSettings(Map.of("size", "16", "acceleration", "4",
                "center", "0.08"));
            assertTrue(ModelFile.load(mri, m, mriPhysics.create(m, four), four).network() != null);
            Map<String, String> eight = mriPhysics.completeSettings(Map.of("size", "16", "acceleration", "8",
                "center", "0.04"));
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(mri, m, mriPhysics.create(m, eight), eight));
            assertTrue(e.getMessage().contains("model serves acceleration 2-6, but the data has acceleration=8"),
                e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            new String[] {"train=ellipses", "val=ellipses", "patch=32", "physics=ct-parallel",
                "physics.size=32-64", "solver=lgd", "output=" + directory.resolve("bad-family.zip")},
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("physics.size=32-64"), e.getMessage());
        assertTrue(!Files.exists(directory.resolve("bad-family.zip")));
    }

    /**
     * Noise2Inverse on measured sinograms: measurements= with supervision=split splits the stack's views (8 views, 2
     * subsets of 4), records the split-views loss and the scan, and leaves the stack as it was; a split that is not
     * 1/K of the views is refused naming the key.
     */
    @Test
    void splitsTheViewsOfMeasuredSinograms() throws Exception {
        Path sinograms = sinogramStack("n2i-sinograms.tif", true, false);
        byte[] before = Files.readAllBytes(sinograms);
        Path model = directory.resolve("n2i-measured.zip");
        TrainingResult result = TrainMain.run(new String[] {"measurements=" + sinograms, "supervision=split",
            "solver=lgd", "net.iterations=2", "net.hiddenChannels=6", "epochs=2", "batch=3", "seed=3",
            "output=" + model, "device=CPU"}, ProgressMonitor.NONE);
        assertEquals(2, result.epochs.size());
        assertTrue(Double.isFinite(result.last().trainingLoss) && result.last().trainingLoss > 0);
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertTrue(metadata.training.get("loss").startsWith("split views (Noise2Inverse)"),
            metadata.training.get("loss"));
        assertEquals("8", metadata.physics.get("views"));
        assertTrue(metadata.trainingData.startsWith("measured data n2i-sinograms.tif"), metadata.trainingData);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(sinograms)), "measurement stack modified");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {
            "measurements=" + sinograms, "supervision=split", "split=0.3", "solver=lgd",
            "output=" + directory.resolve("n2i-bad.zip"), "device=CPU"}, ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("split=0.3"), e.getMessage());
    }

    /** Simulated sinograms of 32 x 32 ellipses, 8 views over 180 degrees, saved as a TIFF stack, Info as Simulate CT. */
    private static Path sinogramStack(String name, boolean withInfo, boolean withNaN) {
        ParallelBeamGeometry geometry = ParallelBeamGeometry.uniform(32, 8, 180);
        ImageStack stack = new ImageStack(geometry.detectorCount(), geometry.angleCount());
        try (NDManager m = NDManager.newBaseManager()) {
            ImageSliceDataset images = TestImages.ellipses(6, 32, 5);
            RayTransform ray = RayTransform.matrixFree(geometry);
            for (int i = 0; i < 6; i++) {
                float[] y = ray.apply(images.batch(m, new int[] {i}, new ai.djl.ndarray.types.Shape(32, 32), 1))
                    .toFloatArray();
                if (withNaN && i == 4) {
                    y[7] = Float.NaN;
                }
                stack.addSlice(new FloatProcessor(geometry.detectorCount(), geometry.angleCount(), y));
            }
        }
        ImagePlus image = new ImagePlus(name, stack);
        if (withInfo) {
            ImageInfoMetadata.write(image, geometry.toProperties());
        }
        Path file = directory.resolve(name);
        new FileSaver(image).saveAsTiffStack(file.toString());
        return file;
    }

    /**
     * Without lr= the rate follows what the run starts from: 1e-3 from scratch, 1e-4 fine-tuning init= on images or
     * adapting it on measured data, 1e-5 adapting it on measurements simulated from images, 3e-4 distilling the choice
     * into it; lr= overrides.
     */
    @Test
    void theLearningRateFollowsWhatTheRunStartsFrom() {
        TrainingJob job = new TrainingJob();
        job.config = new TrainingConfig().learningRate(Double.NaN);
        assertEquals(1e-3, job.automaticRate());
        job.config.initialModel(directory.resolve("start.zip"));
        assertEquals(1e-4, job.automaticRate());
        job.supervision = Supervision.MEASUREMENTS;
        assertEquals(1e-5, job.automaticRate());
        job.supervision = Supervision.SPLIT;
        assertEquals(1e-5, job.automaticRate());
        job.measured = MeasuredSinograms.fromTiff(sinogramStack("rate.tif", true, false), 0, 0, 0);
        assertEquals(1e-4, job.automaticRate());
        assertTrue(job.describe().contains("learning rate 1.0E-4"), job.describe());
        job.config.learningRate(3e-3);
        assertTrue(job.describe().contains("learning rate 0.003"), job.describe());
        job.supervision = Supervision.CHOICE;
        assertEquals(3e-4, job.automaticRate(), "distilling the choice into init=");
        job.config.initialModel(null);
        assertEquals(1e-3, job.automaticRate(), "from scratch, whatever the supervision");
    }

    /**
     * measurements= trains from a stack of measured sinograms alone (no train=, no clean image): the scan comes from
     * the stack's Info, the model records it and reconstructs such sinograms; the stack is left as it was.
     */
    @Test
    void trainsFromAStackOfMeasuredSinograms() throws Exception {
        Path sinograms = sinogramStack("sinograms.tif", true, false);
        byte[] before = Files.readAllBytes(sinograms);
        Path model = directory.resolve("measured.zip");
        String[] arguments = {"measurements=" + sinograms, "supervision=measurements", "solver=lgd",
            "net.iterations=2", "net.hiddenChannels=6", "epochs=2", "batch=3", "seed=3", "output=" + model,
            "checkpoint=" + directory.resolve("ckpt-measured"), "device=CPU"};
        TrainingResult result = TrainMain.run(arguments, ProgressMonitor.NONE);
        assertEquals(2, result.epochs.size());
        // A rerun resumes from the finished checkpoint (whose validation PSNRs are NaN) and does no more steps.
        TrainingResult again = TrainMain.run(arguments, ProgressMonitor.NONE);
        assertEquals(2, again.resumedFromEpoch);
        assertEquals(result.stepLosses, again.stepLosses);
        assertTrue(Double.isNaN(result.last().validationPsnr), "no clean validation images, no PSNR");
        assertTrue(Double.isFinite(result.last().trainingLoss) && result.last().trainingLoss > 0);
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals("0.001", metadata.training.get("learningRate"), "no lr=: from scratch 1e-3");
        assertEquals("8", metadata.physics.get("views"));
        assertEquals("32", metadata.physics.get("size"));
        assertEquals("ct-parallel", metadata.physics.get("physics"));
        assertTrue(metadata.trainingData.startsWith("measured data sinograms.tif (6 slices of 46x8)"),
            metadata.trainingData);
        assertTrue(metadata.intensityScale > 0.5 && metadata.intensityScale < 3, "scale " + metadata.intensityScale);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(sinograms)), "measurement stack modified");
        PhysicsFactory ct = PhysicsCatalog.find("ct-parallel");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> settings = ct.completeSettings(Map.of("size", "32", "views", "8"));
            assertTrue(ModelFile.load(model, m, ct.create(m, settings), settings).network() != null);
        }
        // Adapting that model to the same scan works; to sinograms of another scan (given by keys) it is refused.
        TrainMain.run(new String[] {"measurements=" + sinograms, "supervision=measurements", "solver=lgd",
            "init=" + model, "epochs=1", "batch=3", "output=" + directory.resolve("adapted.zip"), "device=CPU"},
            ProgressMonitor.NONE);
        assertEquals(model.getFileName().toString(),
            ModelFile.readMetadata(directory.resolve("adapted.zip")).training.get("init"));
        assertEquals("1.0E-4", ModelFile.readMetadata(directory.resolve("adapted.zip")).training.get("learningRate"),
            "no lr=: adapting on measured data 1e-4");
        Path bare = sinogramStack("bare.tif", false, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {
            "measurements=" + bare, "physics.views=8", "physics.range=90", "physics.size=32",
            "supervision=measurements", "solver=lgd", "init=" + model, "output=" + directory.resolve("no.zip")},
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("init=measured.zip does not fit measurements=bare.tif")
            && e.getMessage().contains("range"), e.getMessage());
    }

    @Test
    void badMeasurementStacksAreNamed() {
        Path bare = sinogramStack("nogeometry.tif", false, false);
        Path nan = sinogramStack("nan.tif", true, true);
        Path good = sinogramStack("good.tif", true, false);
        String[][] cases = {
            {"measurements=" + directory.resolve("missing.tif"), "measurements=" + directory.resolve("missing.tif")
                + " does not exist"},
            {"measurements=" + bare, "measurements=nogeometry.tif: Sinogram 'nogeometry.tif' has no CT geometry"},
            {"measurements=" + nan, "measurements=nan.tif has a value NaN in slice 5"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
                new String[] {c[0], "supervision=measurements", "solver=lgd", "output=" + directory.resolve("x.zip")},
                ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(
            new String[] {"measurements=" + good, "solver=lgd", "output=" + directory.resolve("x.zip")},
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("give supervision=measurements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {"measurements=" + good,
            "supervision=measurements", "solver=lgd", "batch=8", "output=" + directory.resolve("x.zip")},
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("has 6 slice(s), fewer than batch=8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainMain.run(new String[] {"measurements=" + good,
            "supervision=measurements", "physics=mri-cartesian", "solver=lgd", "output=" + directory.resolve("x.zip")},
            ProgressMonitor.NONE));
        assertTrue(e.getMessage().contains("measurements=good.tif is not complex k-space"), e.getMessage());
        assertTrue(!Files.exists(directory.resolve("x.zip")));
    }
}

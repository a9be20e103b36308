package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.io.MeasurementTable;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.phantoms.EllipsePhantom;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;
import org.scijava.command.CommandModule;

/**
 * Train Solver and the learned solvers of Reconstruct CT through a real SciJava Context: a tiny LGD (2 unrolled
 * iterations, 8 channels) trained for 2 epochs on 8 random-ellipse phantoms of 32 x 32 at 12 views reconstructs a
 * simulated sinogram via {@code model=<path>}; a cancelled run leaves a checkpoint and its rerun finishes exactly as
 * an uninterrupted run; models of another geometry or architecture are refused naming the difference.
 */
class LearnedCommandsTest extends SciJavaCommandTest {

    private static final int SIZE = 32;
    private static final int VIEWS = 12;

    @TempDir
    static Path directory;

    private static MetadataImage trainingImages;
    private static MetadataImage validationImages;
    private static CommandModule trained;
    private static Path model;

    @BeforeAll
    static void trainOnce() throws Exception {
        trainingImages = phantoms("train-ellipses", 8, 11);
        validationImages = phantoms("val-ellipses", 2, 12);
        model = directory.resolve("tiny-lgd.zip");
        trained = train(model, directory.resolve("ckpt-full"), ProgressMonitor.NONE);
    }

    /** Random ellipses (8 per image on average, inside the central half), {@code count} slices. */
    static MetadataImage phantoms(String title, int count, long seed) {
        RandomEllipsesPhantom generator = new RandomEllipsesPhantom(seed, 8, true);
        float[] all = new float[count * SIZE * SIZE];
        for (int s = 0; s < count; s++) {
            float[] slice = EllipsePhantom.render(generator.nextEllipses(), SIZE);
            System.arraycopy(slice, 0, all, s * SIZE * SIZE, slice.length);
        }
        return new MetadataImage(title, ArrayImgs.floats(all, SIZE, SIZE, count), Map.of());
    }

    static CommandModule train(Path output, Path checkpoint, ProgressMonitor progress) throws Exception {
        return commands.run(TrainSolverCommand.class, false, "training", trainingImages, "validation",
            validationImages, "physics", TrainSolverCommand.CT, "angles", VIEWS, "range", 180.0, "noise", 0.01,
            "solver", "Learned gradient descent", "unrolled", 2, "channels", 8, "epochs", 2, "batch", 4, "rate",
            3e-3, "seed", 5L, "checkpoint", checkpoint.toFile(), "output", output.toFile(), "device", "CPU",
            "progress", progress).get();
    }

    private static MetadataImage sinogram(int views) throws Exception {
        CommandModule module = commands.run(SimulateCtCommand.class, false, "image", validationImages, "geometry",
            "Parallel beam", "angles", views, "range", 180.0, "noise", "Gaussian", "level", 0.01, "seed", 3L).get();
        return assertInstanceOf(MetadataImage.class, module.getOutput("sinogram"));
    }

    private static CommandModule reconstruct(MetadataImage sinogram, String solver, String modelValue)
        throws Exception {
        return commands.run(ReconstructCtCommand.class, false, "sinogram", sinogram, "solver", solver, "model",
            modelValue, "device", "CPU", "reference", validationImages).get();
    }

    @Test
    void trainingWritesAModelWithItsDataAndPhysics() throws Exception {
        MeasurementTable history = assertInstanceOf(MeasurementTable.class, trained.getOutput("history"));
        assertEquals(2, history.rows().size());
        for (MeasurementTable.Row row : history.rows()) {
            assertTrue(Double.isFinite(row.values()[1]) && row.values()[1] > 0, "loss " + row.values()[1]);
            assertTrue(Double.isFinite(row.values()[2]), "PSNR " + row.values()[2]);
        }
        assertEquals(model.toAbsolutePath().toString(), trained.getOutput("model"));
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertEquals("lgd", metadata.architecture);
        assertEquals("2", metadata.hyperParameters.get("iterations"));
        assertEquals("8", metadata.hyperParameters.get("hiddenChannels"));
        assertEquals(Map.of("physics", "ct-parallel", "size", "32", "views", "12", "range", "180", "detectors", "46"),
            metadata.physics);
        assertTrue(metadata.trainingData.contains("train-ellipses (8 slices of 32x32)"), metadata.trainingData);
        assertTrue(metadata.trainingData.contains("val-ellipses (2 slices of 32x32)"), metadata.trainingData);
        assertEquals("2", metadata.training.get("epochs"));
        assertEquals("0.003", metadata.training.get("learningRate"));
    }

    @Test
    void theTrainedModelReconstructsThroughReconstructCt() throws Exception {
        MetadataImage sinogram = sinogram(VIEWS);
        CommandModule learned = reconstruct(sinogram, "Learned gradient descent", model.toString());
        MetadataImage x = assertInstanceOf(MetadataImage.class, learned.getOutput("reconstruction"));
        assertEquals(List.of(32L, 32L, 2L), List.of(x.image().dimension(0), x.image().dimension(1),
            x.image().dimension(2)));
        assertEquals("Learned lgd (tiny-lgd)", x.metadata().get("solver"));
        MeasurementTable metrics = assertInstanceOf(MeasurementTable.class, learned.getOutput("metrics"));
        for (MeasurementTable.Row row : metrics.rows()) {
            double psnr = row.values()[metrics.columns().indexOf("PSNR")];
            System.out.printf("tiny LGD slice PSNR %.2f dB%n", psnr);
            assertTrue(psnr > 25, "PSNR " + psnr);
        }
    }

    @Test
    void aModelOfAnotherGeometryOrArchitectureIsRefused() throws Exception {
        assertFails("model trained for views=12, but the data has views=16",
            () -> reconstruct(sinogram(16), "Learned gradient descent", model.toString()));
        assertFails("tiny-lgd is a Learned gradient descent model, but solver=[Learned primal-dual]",
            () -> reconstruct(sinogram(VIEWS), "Learned primal-dual", model.toString()));
        assertFails("model=no-such-model is neither a pretrained model",
            () -> reconstruct(sinogram(VIEWS), "Learned gradient descent", "no-such-model"));
    }

    @Test
    void aCancelledRunLeavesACheckpointAndTheRerunResumesExactly() throws Exception {
        Path output = directory.resolve("resumed.zip");
        Path checkpoint = directory.resolve("ckpt-cancelled");
        // 8 slices / batch 4 = 2 steps per epoch: cancel at the first step of epoch 2.
        ProgressMonitor cancelInEpochTwo = RecordingMonitor.cancelledOnceDone(2);
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> train(output, checkpoint, cancelInEpochTwo));
        assertTrue(hasCause(e, CancellationException.class), e.toString());
        assertFalse(Files.exists(output));
        assertTrue(Files.isDirectory(checkpoint.resolve("epoch-0001")), "checkpoint of epoch 1");

        CommandModule resumed = train(output, checkpoint, ProgressMonitor.NONE);
        MeasurementTable expected = (MeasurementTable) trained.getOutput("history");
        MeasurementTable got = (MeasurementTable) resumed.getOutput("history");
        for (int r = 0; r < 2; r++) {
            assertEquals(expected.rows().get(r).values()[1], got.rows().get(r).values()[1], 1e-6, "loss " + r);
            assertEquals(expected.rows().get(r).values()[2], got.rows().get(r).values()[2], 1e-4, "PSNR " + r);
        }
        assertTrue(Files.isRegularFile(output));
    }

    /** The same command trains for single-coil Cartesian MRI; the model records the MRI settings. */
    @Test
    void trainsForMriToo() throws Exception {
        Path output = directory.resolve("tiny-mri.zip");
        CommandModule module = commands.run(TrainSolverCommand.class, false, "training", trainingImages,
            "validation", validationImages, "physics", TrainSolverCommand.MRI, "acceleration", 4.0, "center", 0.125,
            "noise", 0.01, "solver", "Learned gradient descent", "unrolled", 1, "channels", 4, "epochs", 1,
            "batch", 4, "rate", 1e-3, "seed", 2L, "output", output.toFile(), "device", "CPU").get();
        MeasurementTable history = (MeasurementTable) module.getOutput("history");
        assertEquals(1, history.rows().size());
        assertTrue(Double.isFinite(history.rows().get(0).values()[2]));
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertEquals("mri-cartesian", metadata.physics.get("physics"));
        assertEquals("4", metadata.physics.get("acceleration"),
            "recorded as MriCartesianPhysics.settingsOf writes numbers");
        assertEquals("0.125", metadata.physics.get("center"));
        assertEquals("32", metadata.physics.get("size"));
    }

    /** Measurements only (split): SSDU from the dialog, for MRI; the model says it learnt from split k-space lines. */
    @Test
    void trainsMriFromSplitMeasurements() throws Exception {
        Path output = directory.resolve("tiny-ssdu.zip");
        commands.run(TrainSolverCommand.class, false, "training", trainingImages, "validation", validationImages,
            "physics", TrainSolverCommand.MRI, "acceleration", 4.0, "center", 0.125, "noise", 0.01, "supervision",
            TrainSolverCommand.MEASUREMENTS_SPLIT, "solver", "Learned gradient descent", "unrolled", 1, "channels", 4,
            "epochs", 1, "batch", 4, "seed", 2L, "output", output.toFile(), "device", "CPU").get();
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertTrue(metadata.training.get("loss").startsWith("split measurements (SSDU)")
            && metadata.training.get("loss").contains("lines"), metadata.training.get("loss"));
        assertEquals("last epoch", metadata.training.get("modelSelection"));
        assertTrue(!metadata.hyperParameters.containsKey("dataConsistency"), metadata.hyperParameters.toString());
    }

    /**
     * SSDU as its paper has it, from the dialog: points held out about the centre ({@code split=[Gaussian points]})
     * and an LGD ending each step in a data-consistency step ({@code consistency=2}); the model records both. The
     * Gaussian split with another supervision, and a data-consistency step for a solver without one, are refused
     * naming the key.
     */
    @Test
    void splitOfPointsAndDataConsistencyReachTheModel() throws Exception {
        Path output = directory.resolve("tiny-ssdu-points.zip");
        commands.run(TrainSolverCommand.class, false, "training", trainingImages, "validation", validationImages,
            "physics", TrainSolverCommand.MRI, "acceleration", 4.0, "center", 0.125, "noise", 0.01, "supervision",
            TrainSolverCommand.MEASUREMENTS_SPLIT, "split", TrainSolverCommand.SPLIT_GAUSSIAN, "consistency", 2,
            "solver", "Learned gradient descent", "unrolled", 1, "channels", 4, "epochs", 1, "batch", 4, "seed", 2L,
            "output", output.toFile(), "device", "CPU").get();
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertTrue(metadata.training.get("loss").contains("points (Gaussian about the centre)"),
            metadata.training.get("loss"));
        assertEquals("2", metadata.hyperParameters.get("dataConsistency"));
        assertFails("split=[Gaussian points]", () -> commands.run(TrainSolverCommand.class, false, "training",
            trainingImages, "validation", validationImages, "physics", TrainSolverCommand.MRI, "split",
            TrainSolverCommand.SPLIT_GAUSSIAN, "solver", "Learned gradient descent", "output",
            new File(directory.toFile(), "g.zip"), "device", "CPU").get());
        assertFails("consistency=2", () -> commands.run(TrainSolverCommand.class, false, "training", trainingImages,
            "validation", validationImages, "physics", TrainSolverCommand.MRI, "consistency", 2, "solver",
            "Learned primal-dual", "output", new File(directory.toFile(), "c.zip"), "device", "CPU").get());
    }

    /**
     * Measured k-space in one command: the open hyperstack Simulate MRI wrote (its mask from the mri.* Info), split
     * measurements, no clean image; the model records the acquisition; the k-space is left as it was. K-space
     * without its Info (so without a mask) is refused naming measurements=.
     */
    @Test
    void trainsMriFromAnOpenStackOfMeasuredKspace() throws Exception {
        MetadataImage kspace = kspaceOf(trainingImages);
        float[] before = copy(kspace);
        Path output = directory.resolve("kspace-ssdu.zip");
        CommandModule module = commands.run(TrainSolverCommand.class, false, "measurements", kspace, "physics",
            TrainSolverCommand.MRI, "supervision", TrainSolverCommand.MEASUREMENTS_SPLIT, "solver",
            "Learned gradient descent", "unrolled", 1, "channels", 4, "epochs", 1, "batch", 4, "output",
            output.toFile(), "device", "CPU").get();
        assertEquals(1, ((MeasurementTable) module.getOutput("history")).rows().size());
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertTrue(metadata.trainingData.startsWith("measured data " + kspace.title()), metadata.trainingData);
        assertEquals("4", metadata.physics.get("acceleration"));
        assertEquals("random", metadata.physics.get("mask"));
        // Held-out lines choose the epoch; from scratch there is no starting model to keep.
        assertEquals("best score on 1 sampled k-space line(s) outside the centre held out for validation",
            metadata.training.get("modelSelection"));
        assertArrayEquals(before, copy(kspace), 0f, "k-space modified");
        MetadataImage bare = new MetadataImage("bare k-space", kspace.image(), java.util.Map.of());
        assertFails("measurements=bare k-space has no mri.* keys", () -> commands.run(TrainSolverCommand.class,
            false, "measurements", bare, "physics", TrainSolverCommand.MRI, "supervision",
            TrainSolverCommand.MEASUREMENTS_SPLIT, "solver", "Learned gradient descent", "output",
            new File(directory.toFile(), "bare.zip"), "device", "CPU").get());
    }

    /** Single-coil k-space of {@code images}, 4x random lines, centre 0.125, 1 % noise, seed 5, with its Info. */
    private MetadataImage kspaceOf(MetadataImage images) throws Exception {
        return assertInstanceOf(MetadataImage.class, commands.run(SimulateMriCommand.class, false, "image", images,
            "acceleration", 4.0, "center", 0.125, "noise", 0.01, "seed", 5L).get().getOutput("kspace"));
    }

    /**
     * Distilling the choice in one command: the choice by held-out lines (TV over complex and real images; no shipped
     * model fits 32 x 32 k-space, so the log names each one skipped) reconstructs the open k-space, and an LGD learns
     * its magnitudes through the data's mask; the model records the teacher; the k-space is left as it was.
     */
    @Test
    void distilsTheChoiceFromAnOpenStackOfMeasuredKspace() throws Exception {
        MetadataImage kspace = kspaceOf(validationImages);
        float[] before = copy(kspace);
        Path output = directory.resolve("kspace-choice.zip");
        CommandModule module = commands.run(TrainSolverCommand.class, false, "measurements", kspace, "physics",
            TrainSolverCommand.MRI, "supervision", TrainSolverCommand.CHOICE, "solver", "Learned gradient descent",
            "unrolled", 1, "channels", 4, "epochs", 2, "batch", 2, "output", output.toFile(), "device", "CPU").get();
        assertEquals(2, ((MeasurementTable) module.getOutput("history")).rows().size());
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertEquals("choice", metadata.training.get("supervision"));
        assertTrue(metadata.training.get("teacher").startsWith("2 slices; chose "), metadata.training.get("teacher"));
        assertTrue(metadata.trainingData.contains("the choice by held-out measurements of " + kspace.title()),
            metadata.trainingData);
        assertEquals("4", metadata.physics.get("acceleration"));
        assertEquals("random", metadata.physics.get("mask"));
        assertEquals(null, metadata.physics.get("maskSeed"), "the data's own mask, as measured data record it");
        assertArrayEquals(before, copy(kspace), 0f, "k-space modified");
        assertFails("patch=16: supervision=[" + TrainSolverCommand.CHOICE + "] trains on the teacher's whole slices",
            () -> commands.run(TrainSolverCommand.class, false, "measurements", kspace, "physics",
                TrainSolverCommand.MRI, "supervision", TrainSolverCommand.CHOICE, "patch", 16, "solver",
                "Learned gradient descent", "output", new File(directory.toFile(), "patch.zip"), "device", "CPU")
                .get());
    }

    /**
     * Adapting a model on measured k-space keeps a tenth of the sampled lines outside the centre out of training and
     * scores the start and every epoch on predicting them: at a learning rate that wrecks the network no epoch beats
     * the start, so the model written holds the starting weights byte for byte (model epoch 0); at a sane rate the
     * kept model scores at least what the start did, and the metadata says how it was chosen.
     */
    @Test
    void adaptationOnMeasuredKspaceKeepsTheStartingModelUnlessHeldOutLinesSayOtherwise() throws Exception {
        Path start = directory.resolve("start-mri.zip");
        commands.run(TrainSolverCommand.class, false, "training", trainingImages, "validation", validationImages,
            "physics", TrainSolverCommand.MRI, "acceleration", 4.0, "center", 0.125, "noise", 0.01, "solver",
            "Learned gradient descent", "unrolled", 1, "channels", 4, "epochs", 2, "batch", 4, "seed", 2L, "output",
            start.toFile(), "device", "CPU").get();
        MetadataImage kspace = assertInstanceOf(MetadataImage.class, commands.run(SimulateMriCommand.class, false,
            "image", validationImages, "acceleration", 4.0, "center", 0.125, "noise", 0.01, "seed", 6L).get()
            .getOutput("kspace"));
        for (double rate : new double[] {10, 1e-4}) {
            Path adapted = directory.resolve("adapted-" + rate + ".zip");
            commands.run(TrainSolverCommand.class, false, "measurements", kspace, "physics", TrainSolverCommand.MRI,
                "supervision", TrainSolverCommand.MEASUREMENTS_SPLIT, "solver", "Learned gradient descent", "init",
                start.toString(), "epochs", 2, "batch", 2, "rate", rate, "output", adapted.toFile(), "device", "CPU")
                .get();
            ModelMetadata metadata = ModelFile.readMetadata(adapted);
            assertTrue(metadata.training.get("modelSelection").contains("held out for validation"),
                metadata.training.get("modelSelection"));
            double kept = metadata.validationMetrics.get("heldOutScore");
            double atStart = metadata.validationMetrics.get("heldOutScoreAtStart");
            assertTrue(Double.isFinite(atStart) && kept >= atStart, kept + " vs start " + atStart);
            if (rate == 10) {
                assertEquals("0", metadata.training.get("modelEpoch"));
                assertEquals(weights(start), weights(adapted), "the starting weights, unchanged");
            }
        }
        // holdout=0 (the dialog's field): every line trains and the last epoch is written, wrecked or not.
        Path allLines = directory.resolve("adapted-all-lines.zip");
        commands.run(TrainSolverCommand.class, false, "measurements", kspace, "physics", TrainSolverCommand.MRI,
            "supervision", TrainSolverCommand.MEASUREMENTS_SPLIT, "solver", "Learned gradient descent", "init",
            start.toString(), "holdout", 0.0, "epochs", 2, "batch", 2, "rate", 10.0, "output", allLines.toFile(),
            "device", "CPU").get();
        assertEquals("last epoch", ModelFile.readMetadata(allLines).training.get("modelSelection"));
        assertNotEquals(weights(start), weights(allLines));
    }

    /** The model's parameters by name, as loaded for reconstruction. */
    private static Map<String, List<Float>> weights(Path model) throws Exception {
        Map<String, String> settings = ModelFile.readMetadata(model).physics;
        Map<String, List<Float>> weights = new java.util.TreeMap<>();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.nn.Block network = ModelFile.load(model, m, org.learnedrecon.acquisition.PhysicsCatalog
                .find("mri-cartesian").create(m, settings), settings).network();
            network.getParameters().forEach(p -> {
                List<Float> values = new java.util.ArrayList<>();
                for (float v : p.getValue().getArray().toFloatArray()) {
                    values.add(v);
                }
                weights.put(p.getKey(), values);
            });
        }
        return weights;
    }

    /**
     * Measurements only from the dialog with the equivariance term's weight and a fixed target: the model's loss
     * records both; a fixed target with clean-image supervision, or a negative weight, is refused naming the key.
     */
    @Test
    void equivarianceWeightAndFixedTargetReachTheLoss() throws Exception {
        Path output = directory.resolve("tiny-ei-fixed.zip");
        commands.run(TrainSolverCommand.class, false, "training", trainingImages, "validation", validationImages,
            "angles", VIEWS, "supervision", TrainSolverCommand.MEASUREMENTS_ONLY, "equivariance", 1000.0,
            "detach", true, "solver", "Learned gradient descent", "unrolled", 1, "channels", 4, "epochs", 1,
            "batch", 4, "seed", 2L, "output", output.toFile(), "device", "CPU").get();
        String loss = ModelFile.readMetadata(output).training.get("loss");
        assertTrue(loss.startsWith("equivariant imaging") && loss.contains("+ 1000.0 * mean")
            && loss.endsWith("target T x fixed (no gradient)"), loss);
        assertFails("detach fixes the target", () -> commands.run(TrainSolverCommand.class, false, "training",
            trainingImages, "validation", validationImages, "detach", true, "solver", "Learned gradient descent",
            "output", new File(directory.toFile(), "f.zip"), "device", "CPU").get());
        assertFails("equivariance=-1.0", () -> commands.run(TrainSolverCommand.class, false, "training",
            trainingImages, "validation", validationImages, "supervision", TrainSolverCommand.MEASUREMENTS_ONLY,
            "equivariance", -1.0, "solver", "Learned gradient descent", "output",
            new File(directory.toFile(), "w.zip"), "device", "CPU").get());
    }

    @Test
    void measurementSupervisionOfAPostProcessingNetworkIsRefusedNamingTheKey() {
        assertFails("supervision=measurements", () -> commands.run(TrainSolverCommand.class, false, "training",
            trainingImages, "validation", validationImages, "supervision", TrainSolverCommand.MEASUREMENTS_ONLY,
            "solver", "U-Net post-processing", "epochs", 1, "output", new File(directory.toFile(), "u.zip"),
            "device", "CPU").get());
    }

    /**
     * Adaptation to measured data in one command: the open sinogram stack (its scan read from the Info Simulate CT
     * wrote) with Measurements only and init= the trained model; the stack is left as it was.
     */
    @Test
    void adaptsTheModelToAnOpenStackOfMeasuredSinograms() throws Exception {
        MetadataImage measured = assertInstanceOf(MetadataImage.class, commands.run(SimulateCtCommand.class, false,
            "image", trainingImages, "geometry", "Parallel beam", "angles", VIEWS, "range", 180.0, "noise",
            "Gaussian", "level", 0.01, "seed", 4L).get().getOutput("sinogram"));
        float[] before = copy(measured);
        Path adapted = directory.resolve("adapted.zip");
        CommandModule module = commands.run(TrainSolverCommand.class, false, "measurements", measured,
            "supervision", TrainSolverCommand.MEASUREMENTS_ONLY, "solver", "Learned gradient descent", "init",
            model.toString(), "epochs", 1, "batch", 4, "rate", 1e-4, "output", adapted.toFile(), "device", "CPU").get();
        MeasurementTable history = assertInstanceOf(MeasurementTable.class, module.getOutput("history"));
        assertEquals(1, history.rows().size());
        assertTrue(Double.isNaN(history.rows().get(0).values()[2]), "no validation images: no PSNR");
        ModelMetadata metadata = ModelFile.readMetadata(adapted);
        assertEquals("tiny-lgd.zip", metadata.training.get("init"));
        assertEquals("12", metadata.physics.get("views"));
        assertTrue(metadata.trainingData.startsWith("measured data " + measured.title()), metadata.trainingData);
        assertArrayEquals(before, copy(measured), 0f, "measurement stack modified");
        assertFails("give supervision=measurements", () -> commands.run(TrainSolverCommand.class, false,
            "measurements", measured, "solver", "Learned gradient descent", "output",
            new File(directory.toFile(), "y.zip"), "device", "CPU").get());
    }

    private static float[] copy(MetadataImage image) {
        java.util.List<Float> values = new java.util.ArrayList<>();
        net.imglib2.view.Views.flatIterable(image.image()).forEach(v -> values.add(v.get()));
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void missingDataIsNamed() {
        assertFails("give training=<open image title> or train=<TIFF path>", () -> commands.run(
            TrainSolverCommand.class, false, "validation", validationImages, "output",
            new File(directory.toFile(), "x.zip")).get());
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void assertFails(String part, java.util.concurrent.Callable<Object> call) {
        ExecutionException e = assertThrows(ExecutionException.class, call::call);
        Throwable cause = e.getCause();
        while (cause.getCause() != null && !cause.getMessage().contains(part)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage() != null && cause.getMessage().contains(part),
            "'" + e.getCause() + "' lacks '" + part + "'");
    }
}

package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Train Solver with {@code patch=}: a noise-level-map denoiser trained on random patches of a folder of PNG images of
 * different sizes (no physics), and the bad inputs of that path, each named.
 */
class PatchTrainingCommandTest extends SciJavaCommandTest {

    private static final int EPOCHS = 3;

    @TempDir
    static Path directory;

    private static Path trainFolder;
    private static Path valFolder;

    @BeforeAll
    static void images() throws Exception {
        trainFolder = Files.createDirectories(directory.resolve("train"));
        valFolder = Files.createDirectories(directory.resolve("val"));
        Random random = new Random(4);
        saveBlocks(trainFolder.resolve("a.png"), 40, 52, random);
        saveBlocks(trainFolder.resolve("b.png"), 64, 48, random);
        saveBlocks(valFolder.resolve("c.png"), 48, 48, random);
        Files.writeString(trainFolder.resolve("notes.txt"), "not an image");
    }

    /** Piecewise-constant random rectangles, 8-bit. */
    private static void saveBlocks(Path file, int width, int height, Random random) {
        ByteProcessor ip = new ByteProcessor(width, height);
        for (int r = 0; r < 12; r++) {
            ip.setValue(30 + random.nextInt(220));
            int x = random.nextInt(width - 4);
            int y = random.nextInt(height - 4);
            ip.setRoi(x, y, 4 + random.nextInt(width - x - 3), 4 + random.nextInt(height - y - 3));
            ip.fill();
        }
        new FileSaver(new ImagePlus(file.getFileName().toString(), ip)).saveAsPng(file.toString());
    }

    private static Object run(String solver, File train, File val, int patch, Path output) throws Exception {
        return commands.run(TrainSolverCommand.class, false, "train", train, "val", val, "patch", patch, "solver",
            solver, "channels", 8, "epochs", EPOCHS, "batch", 16, "rate", 3e-3, "seed", 2L, "output", output.toFile(),
            "device", "CPU", "progress", ProgressMonitor.NONE).get().getOutput("model");
    }

    @Test
    void aDenoiserLearnsFromPatchesOfAFolderOfImagesOfAnySize() throws Exception {
        Path output = directory.resolve("patch-denoiser.zip");
        run("Plug-and-play", trainFolder.toFile(), valFolder.toFile(), 16, output);
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertEquals("dncnn", metadata.architecture);
        assertEquals("true", metadata.hyperParameters.get("noiseMap"));
        assertEquals("16", metadata.training.get("patch"));
        assertEquals("0.2", metadata.training.get("sigmaMax"));
        assertTrue(metadata.trainingData.contains("train (2 images)"), metadata.trainingData);
        double psnr = metadata.validationMetrics.get("psnr");
        double noisy = metadata.validationMetrics.get("psnrBaseline");
        // Three epochs (300 steps of 16 patches) of an 8-channel DnCNN: measured 2.8 dB above the noisy patches.
        assertTrue(psnr > noisy + 2, "denoised " + psnr + " dB vs noisy " + noisy + " dB");
    }

    /**
     * Any other solver trains through the physics on patches of the folder: LGD at CT 8 views on 16 x 16 patches
     * learns beyond its FBP start (measured 19.20 dB against 16.94 for FBP); the model records the patch size as its
     * image size.
     */
    @Test
    void anUnrolledSolverLearnsFromPatchesThroughThePhysics() throws Exception {
        Path output = directory.resolve("patch-lgd.zip");
        commands.run(TrainSolverCommand.class, false, "train", trainFolder.toFile(), "val", valFolder.toFile(),
            "patch", 16, "physics", TrainSolverCommand.CT, "angles", 8, "range", 180.0, "solver",
            "Learned gradient descent", "unrolled", 2, "channels", 8, "epochs", 1, "batch", 16, "rate", 3e-3,
            "seed", 2L, "output", output.toFile(), "device", "CPU", "progress", ProgressMonitor.NONE).get();
        ModelMetadata metadata = ModelFile.readMetadata(output);
        assertEquals("lgd", metadata.architecture);
        assertEquals("16", metadata.physics.get("size"));
        assertEquals("8", metadata.physics.get("views"));
        assertTrue(metadata.trainingData.contains("train (2 images)"), metadata.trainingData);
        double psnr = metadata.validationMetrics.get("psnr");
        double fbp = metadata.validationMetrics.get("psnrBaseline");
        System.out.printf("patch LGD validation %.2f dB, FBP %.2f dB%n", psnr, fbp);
        assertTrue(psnr > fbp + 1, "LGD " + psnr + " dB vs FBP " + fbp + " dB");

        // Refining TV with the PSNR loss: the model records its TV start and loss, and starts as TV itself (at a
        // learning rate too small to move, the validation PSNR is TV's).
        Path refined = directory.resolve("patch-lgd-tv.zip");
        commands.run(TrainSolverCommand.class, false, "train", trainFolder.toFile(), "val", valFolder.toFile(),
            "patch", 16, "physics", TrainSolverCommand.CT, "angles", 8, "range", 180.0, "solver",
            "Learned gradient descent", "unrolled", 2, "channels", 8, "tv", 0.05, "loss",
            TrainSolverCommand.LOSS_PSNR, "epochs", 1, "batch", 16, "rate", 1e-12, "seed", 2L, "output",
            refined.toFile(), "device", "CPU", "progress", ProgressMonitor.NONE).get();
        ModelMetadata tv = ModelFile.readMetadata(refined);
        assertEquals("tv0.05", tv.physics.get("initial"));
        assertEquals("TV", tv.initialReconstruction);
        assertEquals("true", tv.training.get("startAsInitial"));
        assertTrue(tv.training.get("loss").startsWith("PSNR"), tv.training.get("loss"));
        assertEquals(tv.validationMetrics.get("psnrBaseline"), tv.validationMetrics.get("psnr"), 0.01);
    }

    private static String failure(String solver, File train, File val, int patch) {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> run(solver, train, val, patch, directory.resolve("never.zip")));
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path empty = Files.createDirectories(directory.resolve("empty"));
        String message = failure("Plug-and-play", empty.toFile(), valFolder.toFile(), 16);
        assertTrue(message.contains(empty.toString()) && message.contains("no PNG, TIFF or JPEG"), message);
        message = failure("Plug-and-play", trainFolder.toFile(), valFolder.toFile(), 50);
        assertTrue(message.contains("a.png") && message.contains("smaller than patch=50"), message);
        message = failure("Plug-and-play", directory.resolve("missing").toFile(), valFolder.toFile(), 16);
        assertTrue(message.contains("missing") && message.contains("do not exist"), message);
        assertTrue(Files.notExists(directory.resolve("never.zip")));
    }
}

package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;

/**
 * Train Solver and the learned solvers of Reconstruct CT in real ImageJ (see {@link ImageJMacroRunner}): a macro
 * trains a tiny learned gradient descent on random-ellipse phantoms and reconstructs a simulated sinogram with it.
 */
class LearnedMacroIT {

    /** Tiny training runs take seconds alone; the timeout only stops hangs on the shared machine. */
    private final ImageJMacroRunner imagej = ImageJMacroRunner.forBuild(Duration.ofSeconds(400));

    /**
     * Trains LGD (2 unrolled iterations, 8 channels, 10 epochs of 2 steps) on 8 random-ellipse phantoms of 64 x 64
     * at 30 views, then reconstructs 2 other phantoms with FBP (Hann) and with the model. Measured mean PSNR: FBP
     * 29.86 dB, tiny LGD 30.34 dB (after 3 epochs only 29.96). Asserted: LGD above 29 dB and at least 0.2 dB above
     * FBP; the epoch lines are printed in batch mode; the model records the images' titles and slice counts.
     */
    @Test
    void trainsATinyModelAndReconstructsWithIt(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny lgd.zip");
        String macro = "setBatchMode(true);\n"
            + "run(\"Phantom...\", \"type=[Random ellipses] size=64 slices=8 seed=1\");\nrename(\"train\");\n"
            + "run(\"Phantom...\", \"type=[Random ellipses] size=64 slices=2 seed=2\");\nrename(\"val\");\n"
            + "run(\"Train Solver...\", \"training=train validation=val physics=[CT parallel beam] angles=30"
            + " range=180 noise=0.01 solver=[Learned gradient descent] unrolled=2 channels=8 epochs=10 batch=4"
            + " rate=0.003 seed=1 checkpoint=[" + dir.resolve("ckpt") + "] output=[" + model + "] device=CPU\");\n"
            + "run(\"Simulate CT Acquisition...\", \"image=val geometry=[Parallel beam] angles=30 range=180"
            + " noise=Gaussian level=0.01 seed=5\");\nrename(\"sino\");\n"
            + "run(\"Reconstruct CT...\", \"sinogram=sino solver=FBP filter=Hann reference=val\");\n"
            + "run(\"Reconstruct CT...\", \"sinogram=sino solver=[Learned gradient descent] model=[" + model + "]"
            + " device=CPU reference=val\");\n"
            + "print(\"size=\" + getWidth() + \"x\" + getHeight() + \"x\" + nSlices);\n"
            + "for (i = 0; i < 2; i++) print(\"fbp=\" + Table.get(\"PSNR\", i, \"Metrics FBP\"));\n"
            + "for (i = 0; i < 2; i++) print(\"lgd=\" + Table.get(\"PSNR\", i, \"Metrics Learned gradient"
            + " descent\"));\n";
        ImageJMacroRunner.Result result = imagej.runText(macro, "", dir).assertNoErrors()
            .assertOutputContains("tiny lgd.zip: epoch 10:")
            .assertOutputContains("size=64x64x2");
        System.out.println(result.output());
        double fbp = mean(result.output(), "fbp=");
        double lgd = mean(result.output(), "lgd=");
        assertTrue(lgd > 29 && lgd - fbp > 0.2, "LGD " + lgd + " dB, FBP " + fbp + " dB");
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertTrue(metadata.trainingData.startsWith("train (8 slices of 64x64); validation val (2 slices"),
            metadata.trainingData);
        assertTrue(Files.isDirectory(dir.resolve("ckpt").resolve("epoch-0010")));
    }

    /** A model for other views is refused in ImageJ with the difference named, and the macro stops. */
    @Test
    void anIncompatibleModelAbortsTheMacroNamingTheDifference(@TempDir Path dir) throws Exception {
        Path model = trainTinyCt(imagej, dir, 64, 20);
        String macro = "setBatchMode(true);\n"
            + "run(\"Phantom...\", \"type=Shepp-Logan size=64 slices=1\");\nrename(\"truth\");\n"
            + "run(\"Simulate CT Acquisition...\", \"image=truth angles=30 noise=None\");\n"
            + "run(\"Reconstruct CT...\", \"solver=[Learned gradient descent] model=[" + model + "]\");\n"
            + "print(\"REACHED AFTER ERROR\");\n";
        ImageJMacroRunner.Result r = imagej.runText(macro, "", dir)
            .assertOutputContains("model trained for views=20, but the data has views=30");
        assertFalse(r.output().contains("REACHED AFTER ERROR"), r.output());
    }

    /**
     * Trains, through the Train Solver menu entry, a tiny LGD (1 unrolled iteration, 4 channels, 1 epoch) for
     * {@code size} x {@code size} images and {@code views} parallel views over 180 degrees on random ellipses, and
     * returns the model file; plumbing only, not a useful model.
     */
    static Path trainTinyCt(ImageJMacroRunner imagej, Path dir, int size, int views) throws Exception {
        Path model = dir.resolve("tiny-lgd-" + size + "-" + views + ".zip");
        String macro = "setBatchMode(true);\n"
            + "run(\"Phantom...\", \"type=[Random ellipses] size=" + size + " slices=2 seed=1\");\nrename(\"t\");\n"
            + "run(\"Train Solver...\", \"training=t validation=t angles=" + views + " range=180"
            + " solver=[Learned gradient descent] unrolled=1 channels=4 epochs=1 batch=2 output=[" + model
            + "] device=CPU\");\n";
        imagej.runText(macro, "", dir).assertNoErrors();
        assertTrue(Files.isRegularFile(model), "model written");
        return model;
    }

    private static double mean(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(
            l.substring(prefix.length()))).average().orElseThrow();
    }
}

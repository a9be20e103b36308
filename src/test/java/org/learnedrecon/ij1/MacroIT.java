package org.learnedrecon.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.io.ImageInfoMetadata;

/** Runs our macros in real ImageJ (see {@link ImageJMacroRunner}) and checks what they write. */
class MacroIT {

    private final ImageJMacroRunner imagej = ImageJMacroRunner.forBuild(Duration.ofSeconds(120));

    @Test
    void phantomDemoWritesSheppLoganTiff(@TempDir Path out) throws Exception {
        imagej.run(ImageJMacroRunner.projectFile("macros/phantom-demo.ijm"), out.toString())
            .assertNoErrors()
            .assertOutputContains("Saved ");
        ImagePlus imp = ImageJMacroRunner.openImage(out.resolve("phantom.tif"));
        assertEquals(128, imp.getWidth());
        assertEquals(128, imp.getHeight());
        assertEquals(ImagePlus.GRAY32, imp.getType());
        ImageProcessor ip = imp.getProcessor();
        // Pixel (x=64, y=64) sits at (0.0079, -0.0079): inside the skull (1) and brain (-0.8) ellipses only.
        assertEquals(0.2f, ip.getf(64, 64), 1e-6f);
        assertEquals(0f, ip.getf(0, 0), 0f);
        // Skull pixel on the horizontal axis: x = -1 + 2*20/127 = -0.685, inside ellipse 1 (a = 0.69) only.
        assertEquals(1f, ip.getf(20, 64), 1e-6f);
        // Mean of the continuous phantom over [-1,1]^2: sum of pi*a*b*intensity / 4 = 0.12382. The n pixels of
        // width 2/(n-1) cover a square larger by (n/(n-1))^2, which scales the pixel mean by (127/128)^2.
        double continuous = 0;
        for (org.learnedrecon.phantoms.Ellipse e : org.learnedrecon.phantoms.SheppLoganPhantom.ELLIPSES) {
            continuous += Math.PI * e.a() * e.b() * e.intensity() / 4;
        }
        assertEquals(0.12382, continuous, 1e-5);
        assertEquals(continuous * Math.pow(127.0 / 128.0, 2), ip.getStatistics().mean, 0.002);
        Map<String, String> info = ImageInfoMetadata.read(imp);
        assertEquals("modified Shepp-Logan (Toft)", info.get("phantom"), "Info lost in TIFF: " + info);
    }

    @Test
    void badChoiceAbortsTheMacroWithAMessageAndNoDialog(@TempDir Path dir) throws Exception {
        ImageJMacroRunner.Result result = imagej.runText(
            "run(\"Phantom...\", \"type=Blob size=64\");\nprint(\"REACHED AFTER ERROR\");\n", "", dir);
        result.assertOutputContains("type=Blob is not one of [Shepp-Logan, Random ellipses]");
        assertFalse(result.output().contains("REACHED AFTER ERROR"), "macro was not aborted:\n" + result.output());
    }

    @Test
    void commandFailureReachesTheMacroAsItsOwnMessage(@TempDir Path dir) throws Exception {
        ImageJMacroRunner.Result result = imagej.runText(
            "run(\"Check Deep Learning Device...\", \"device=GPU\");\nprint(\"REACHED AFTER ERROR\");\n", "", dir);
        org.junit.jupiter.api.Assumptions.assumeFalse(result.output().contains("check=5050"), "this machine has a GPU");
        result.assertOutputContains("Learned Reconstruction: device=GPU was chosen but DJL finds no usable GPU");
        assertFalse(result.output().contains("REACHED AFTER ERROR"), "macro was not aborted:\n" + result.output());
        assertFalse(result.output().contains("Module threw exception"), "wrapper exception shown:\n" + result.output());
    }

    @Test
    void deepLearningEngineLoadsInsideImageJ(@TempDir Path dir) throws Exception {
        imagej.runText("run(\"Check Deep Learning Device...\", \"device=CPU\");\n", "", dir)
            .assertNoErrors()
            .assertOutputContains("engine=PyTorch")
            .assertOutputContains("check=5050.0");
    }

    @Test
    void randomEllipsesStackIsReproducibleAcrossRuns(@TempDir Path dir) throws Exception {
        String macro = "setBatchMode(true);\n"
            + "run(\"Phantom...\", \"type=[Random ellipses] size=64 slices=3 seed=7\");\n"
            + "print(\"slices=\" + nSlices + \" sum=\" + d2s(getValue(\"RawIntDen\"), 6));\n";
        String first = imagej.runText(macro, "", dir).assertNoErrors().output();
        String second = imagej.runText(macro, "", dir).assertNoErrors().output();
        assertTrue(first.contains("slices=3"), first);
        assertEquals(sumLine(first), sumLine(second));
    }

    @Test
    void imageInputIsChosenByTitleAndOutputsKeepMetadata(@TempDir Path dir) throws Exception {
        String macro = "setBatchMode(true);\n"
            + "newImage(\"coil 1\", \"32-bit black\", 8, 8, 2, 1, 1);\n"
            + "setMetadata(\"Info\", \"coils=1\\n\");\n"
            + "Stack.setChannel(1); setPixel(2, 3, 3);\n"
            + "Stack.setChannel(2); setPixel(2, 3, -4);\n"
            + "newImage(\"decoy\", \"32-bit black\", 8, 8, 1);\n"
            + "run(\"Complex Magnitude and Phase...\", \"image=[coil 1]\");\n"
            + "selectImage(\"coil 1 magnitude\");\n"
            + "print(\"magnitude=\" + getPixel(2, 3) + \" info=\" + getMetadata(\"Info\"));\n"
            + "selectImage(\"coil 1 phase\");\n"
            + "print(\"phase=\" + d2s(getPixel(2, 3), 6));\n";
        imagej.runText(macro, "", dir).assertNoErrors()
            .assertOutputContains("magnitude=5")
            .assertOutputContains("coils=1")
            .assertOutputContains("phase=" + String.format(java.util.Locale.ROOT, "%.6f", Math.atan2(-4, 3)));
    }

    private static String sumLine(String output) {
        return output.lines().filter(l -> l.startsWith("slices=")).findFirst().orElseThrow();
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }
}

package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.io.ImageInfoMetadata;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.SolverFactory;

/**
 * Distilling the choice ({@code supervision=choice}): the teacher (the choice by held-out views among TV's lambdas and
 * a shipped LGD) reconstructs measured sinograms of ellipse phantoms, 30 views, 1 % noise; a student started from
 * {@code lgd-ct-tv-family} trains on its images through the data's scan, with its TV start moved to the set's TV lambda
 * by the teacher. No clean image is used; the truths only score the result.
 */
class ChoiceDistillationTest {

    private static final int N = 64;
    private static final int SLICES = 4;

    @TempDir
    static Path directory;

    private static ImageSliceDataset truths;
    private static Path sinograms;

    @BeforeAll
    static void measure() {
        truths = TestImages.ellipses(SLICES, N, 11);
        ParallelBeamGeometry geometry = ParallelBeamGeometry.uniform(N, 30, 180);
        ImageStack stack = new ImageStack(geometry.detectorCount(), geometry.angleCount());
        for (float[] y : TestSinograms.noisy(truths, geometry, 0.01, new Random(5))) {
            stack.addSlice(new FloatProcessor(geometry.detectorCount(), geometry.angleCount(), y));
        }
        ImagePlus image = new ImagePlus("ellipse-sinograms.tif", stack);
        ImageInfoMetadata.write(image, geometry.toProperties());
        sinograms = directory.resolve("ellipse-sinograms.tif");
        new FileSaver(image).saveAsTiffStack(sinograms.toString());
    }

    /** Mean PSNR over the slices of {@code images} {@code (S, N, N)} against the truths, data range 1. */
    private static double meanPsnr(float[] images) {
        double sum = 0;
        for (int s = 0; s < SLICES; s++) {
            sum += Psnr.compute(truths.slice(s), java.util.Arrays.copyOfRange(images, s * N * N, (s + 1) * N * N), N,
                N, 1);
        }
        return sum / SLICES;
    }

    /** Mean PSNR of {@code model} reconstructing the measured sinograms. */
    private static double modelPsnr(Path model) throws Exception {
        MeasuredSinograms data = MeasuredSinograms.fromTiff(sinograms, 0, 0, 0);
        return DeepLearningRuntime.call(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                var operator = data.operator(m);
                NDArray y = data.measurements().batch(m, new int[] {0, 1, 2, 3}, operator.rangeShape(), 1,
                    new Random(0));
                Map<String, String> settings = new java.util.LinkedHashMap<>(data.settings());
                settings.put("physics", CtParallelPhysics.NAME);
                return meanPsnr(ReconstructionService.reconstruct(y, "test", Method.learned(
                    () -> LearnedSolverFactory.load(SolverFactory.LGD, model.toString(), settings, data::operator,
                        DeepLearningRuntime.DeviceChoice.CPU)), ProgressMonitor.NONE).image().toFloatArray());
            }
        });
    }

    @Test
    void theSetsLambdaIsTheMedianOfThoseUsedWhenHalfTheSlicesUsedTv() {
        List<String> names = List.of("TV lambda 0.25", "TV lambda 1", "TV lambda 4", "lgd-ct-tv-family",
            "TV (lambda fits the noise)");
        List<double[]> weights = new ArrayList<>(List.of(
            new double[] {0, 1, 0, 0, 0},
            new double[] {0, 0, 0.3, 0.7, 0},
            new double[] {0, 0, 0, 1, 0},
            new double[] {0.6, 0, 0, 0, 0.4}));
        // Scores that would name 0.25 everywhere: not read while half the slices or more used TV.
        List<double[]> scores = new ArrayList<>(List.of(new double[] {1, 2, 3, 0.5, 0.1},
            new double[] {1, 2, 3, 0.5, 0.1}, new double[] {1, 2, 3, 0.5, 0.1}, new double[] {1, 2, 3, 0.5, 0.1}));
        assertEquals(1.0, ChoiceTeacher.tvLambda(names, weights, scores).getAsDouble(), 1e-12,
            "used: 1, 4, 0.25 (the fitted TV is not a lambda)");
        weights.add(new double[] {0, 0, 1, 0, 0});
        scores.add(new double[] {1, 2, 3, 0.5, 0.1});
        assertEquals(2.0, ChoiceTeacher.tvLambda(names, weights, scores).getAsDouble(), 1e-12,
            "even count: geometric mean of 1 and 4");
    }

    @Test
    void whereFewerThanHalfTheSlicesUsedTvEachSlicesBestHeldOutTvCounts() {
        List<String> names = List.of("TV lambda 0.25", "TV lambda 1", "TV lambda 4", "diffusion-unet:fine");
        List<double[]> weights = List.of(new double[] {0, 0, 0.4, 0.6}, new double[] {0, 0, 0, 1},
            new double[] {0, 0, 0, 1});
        List<double[]> scores = List.of(new double[] {0.3, 0.2, 0.4, 0.1}, new double[] {0.2, 0.3, 0.4, 0.1},
            new double[] {0.25, 0.2, 0.3, 0.1});
        // One slice of three used TV (at 4); the best TV by held-out score per slice: 1, 0.25, 1.
        assertEquals(1.0, ChoiceTeacher.tvLambda(names, weights, scores).getAsDouble(), 1e-12);
        assertEquals(OptionalDouble.empty(), ChoiceTeacher.tvLambda(List.of("a", "b"),
            List.<double[]>of(new double[] {0, 1}), List.<double[]>of(new double[] {0.1, 0.2})), "no TV candidate");
    }

    /**
     * Held-out views lie inside the scanned range: a missing wedge is out of their sight, so at limited angle the
     * mirror test checks the student ({@link MirrorScoresTest}).
     */
    @Test
    void heldOutViewsCheckTheStudentOverAHalfTurnTheMirrorTestAtLimitedAngle() {
        ImageSliceDataset one = new ImageSliceDataset(List.of(new float[4]), 2, 2, "s.tif");
        Map<String, String> full = CtParallelPhysics.settingsOf(ParallelBeamGeometry.uniform(N, 30, 180));
        full.remove("physics");
        Map<String, String> wedge = CtParallelPhysics.settingsOf(ParallelBeamGeometry.uniform(N, 90, 120));
        wedge.remove("physics");
        assertEquals("180", full.get("range"));
        assertTrue(StudentCheck.heldOut(new MeasuredSinograms(one, full)));
        assertFalse(StudentCheck.heldOut(new MeasuredSinograms(one, wedge)), wedge.toString());
    }

    /** The teacher's images of one slice survive the checkpoint directory as those of a stack do. */
    @Test
    void aLessonOfOneSliceIsSavedAndReadBack() throws Exception {
        ChoiceTeacher.Lesson lesson = new ChoiceTeacher.Lesson(new ImageSliceDataset(List.of(truths.slice(0)), N, N,
            "the choice by held-out measurements of one.tif"), List.of("TV lambda 0.5"), OptionalDouble.of(0.5));
        Path dir = directory.resolve("one-slice");
        ChoiceTeacher.save(lesson, dir, "key", "one.tif");
        ChoiceTeacher.Lesson read = ChoiceTeacher.saved(dir, "key").orElseThrow();
        assertEquals(1, read.images().size());
        assertTrue(java.util.Arrays.equals(truths.slice(0), read.images().slice(0)));
        assertEquals(lesson.images().description(), read.images().description());
        assertEquals(lesson.choices(), read.choices());
        assertEquals(0.5, read.tvLambda().getAsDouble());
        assertTrue(ChoiceTeacher.saved(dir, "another key").isEmpty(), "another teacher's images are not used");
    }

    @Test
    void aStudentLearnsTheChoiceFromMeasuredSinogramsAlone() throws Exception {
        byte[] before = Files.readAllBytes(sinograms);
        Path model = directory.resolve("distilled.zip");
        List<String> notes = new ArrayList<>();
        TrainingJob job = job(model);
        TrainingResult result = job.run(listener(notes), ProgressMonitor.NONE);
        ChoiceTeacher.Lesson lesson = job.lesson().orElseThrow();
        float[] teacherImages = new float[SLICES * N * N];
        for (int i = 0; i < SLICES; i++) {
            System.arraycopy(lesson.images().slice(i), 0, teacherImages, i * N * N, N * N);
        }
        double teacher = meanPsnr(teacherImages);
        double student = modelPsnr(model);
        double shipped = modelPsnr(PretrainedModels.shipped().resolve("lgd-ct-tv-family"));
        System.out.printf("teacher %.2f student %.2f shipped %.2f; %s%n", teacher, student, shipped, notes);
        // Measured here: teacher 36.86, shipped 35.97, student after 6 steps 36.67.
        assertTrue(teacher > shipped + 0.6, "teacher " + teacher + " vs shipped " + shipped);
        assertTrue(student > shipped + 0.4 && student < teacher, "student " + student + ", shipped " + shipped
            + ", teacher " + teacher);
        assertEquals(3, result.epochs.size());
        assertTrue(result.epochs.get(2).validationPsnr > result.epochs.get(0).validationPsnr,
            "the student comes closer to the teacher's images: " + result.epochs);
        ModelMetadata metadata = ModelFile.readMetadata(model);
        double lambda = lesson.tvLambda().orElseThrow();
        assertEquals("tv" + new java.math.BigDecimal(lambda).round(new java.math.MathContext(3)).stripTrailingZeros()
            .toPlainString(), metadata.physics.get(PhysicsFactory.INITIAL),
            "the start at the set's TV lambda by the teacher");
        assertEquals("choice", metadata.training.get("supervision"));
        assertTrue(metadata.training.get("teacher").startsWith("4 slices; chose "), metadata.training.get("teacher"));
        assertTrue(metadata.training.get("check").startsWith("the student kept: held-out score"),
            "checked by held-out views over 180 degrees: " + metadata.training.get("check"));
        assertTrue(metadata.trainingData.contains("the choice by held-out measurements of ellipse-sinograms.tif"),
            metadata.trainingData);
        assertEquals("64", metadata.physics.get("size"));
        assertEquals("30", metadata.physics.get("views"));
        assertEquals(1.0, metadata.intensityScale, "init='s scale");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(sinograms)), "measurement stack modified");
        // A rerun reads the teacher's images from the checkpoint directory and resumes after the last epoch.
        List<String> again = new ArrayList<>();
        TrainingResult resumed = job(model).run(listener(again), ProgressMonitor.NONE);
        assertTrue(again.get(0).startsWith("Teacher: read from "), again.toString());
        assertTrue(notes.contains(again.get(1)), "the same lesson: " + again + " vs " + notes);
        assertEquals(3, resumed.resumedFromEpoch);
        assertEquals(result.stepLosses, resumed.stepLosses);
    }

    /**
     * The distillation of the sinograms into {@code model}: 3 epochs of 2 steps, checkpoints kept, at 1e-4. The
     * automatic rate for distilling (3e-4) was chosen on runs of 100-600 steps; in these 6 steps it overshot and the
     * check refused the student (held-out sum 0.001789 against the shipped model's 0.001381).
     */
    private static TrainingJob job(Path model) throws java.io.IOException {
        TrainingJob job = new TrainingJob();
        job.supervision = Supervision.CHOICE;
        job.measured = MeasuredSinograms.fromTiff(sinograms, 0, 0, 0);
        job.choiceModels = "lgd-ct-tv-family";
        job.choicePatches = 8;
        job.architecture = "lgd";
        job.output = model;
        job.device = DeepLearningRuntime.DeviceChoice.CPU;
        job.config = new TrainingConfig().epochs(3).batchSize(4).seed(3).learningRate(1e-4).keepBest(true)
            .psnrLoss(true).checkpointDirectory(directory.resolve("ck-distilled"));
        job.startFrom("lgd-ct-tv-family", false);
        return job;
    }

    private static TrainingListener listener(List<String> notes) {
        return new TrainingListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }

    @Test
    void choiceSupervisionNamesWhatIsMissingOrWrong() {
        String[][] cases = {
            {"supervision=choice", "solver=lgd", "output=" + directory.resolve("x.zip"), "give measurements="},
            {"supervision=choice", "measurements=" + sinograms, "val=" + sinograms, "solver=lgd",
                "output=" + directory.resolve("x.zip"), "leave out val="},
            {"supervision=choice", "measurements=" + sinograms, "solver=dncnn",
                "output=" + directory.resolve("x.zip"), "solver=dncnn is a denoiser"},
            {"supervision=choice", "measurements=" + sinograms, "solver=lgd", "choice.models=no-such-model",
                "output=" + directory.resolve("x.zip"), "choice.models=no-such-model"},
            {"supervision=choice", "measurements=" + sinograms, "solver=lgd", "patches=0",
                "output=" + directory.resolve("x.zip"), "patches=0"},
        };
        for (String[] c : cases) {
            String[] arguments = java.util.Arrays.copyOf(c, c.length - 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainMain.run(arguments, ProgressMonitor.NONE), String.join(" ", arguments));
            assertTrue(e.getMessage().contains(c[c.length - 1]), e.getMessage());
        }
        assertTrue(!Files.exists(directory.resolve("x.zip")));
    }
}

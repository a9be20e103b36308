package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.io.MeasurementFiles;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.metrics.Psnr;
import org.learnedrecon.models.LearnedSolverFactory;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.models.PretrainedModels;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.SolverFactory;

/**
 * The TV start of an MRI refiner chosen by held-out lines ({@link TvStartChoice}): on measured k-space of ellipse
 * phantoms (real, non-negative; 128^2, random lines at 8x, 1 % noise) the shipped {@code lgd-mri-tv-family}, its
 * weights as they are, is tried from ten TV starts; the one whose images predict the held-out lines best is kept,
 * and reconstructs the phantoms better than the model's own start. After distilling the choice on k-space the
 * student is checked against its {@code init=} model by held-out lines ({@link StudentCheck}). The truths only score
 * the result.
 */
class KspaceDistillationTest {

    private static final int N = 128;
    private static final int SLICES = 3;

    @TempDir
    static Path directory;

    private static ImageSliceDataset truths;
    private static Path kspace;

    @BeforeAll
    static void measure() throws Exception {
        truths = TestImages.ellipses(SLICES, N, 21);
        MriAcquisitionSettings settings = new MriAcquisitionSettings(MriAcquisitionSettings.RANDOM_LINES, 8, 0.04, 1,
            0.01, 4);
        SamplingMask mask = settings.samplingMask(N, N);
        kspace = DeepLearningRuntime.call(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                CartesianMriOperator fourier = new CartesianMriOperator(m, mask);
                NDArray x = truths.batch(m, new int[] {0, 1, 2}, fourier.domainShape(), 1);
                NDArray y = new ComplexGaussianNoise(0.01, 5).apply(fourier.apply(x), mask);
                return MeasurementFiles.writeKspace(directory, "ellipse-kspace.tif", y, settings, mask);
            }
        });
    }

    @Test
    void startsAroundTheModelsLambdaOverComplexAndRealImages() {
        assertEquals(List.of("tv0.002", "tv0.005", "tv0.01", "tv0.02", "tv0.05", "tvreal0.002", "tvreal0.005",
            "tvreal0.01", "tvreal0.02", "tvreal0.05"), TvStartChoice.startsAround("tv0.01"));
        assertEquals(TvStartChoice.startsAround("tv0.01"), TvStartChoice.startsAround("tvreal0.01"));
        assertEquals("tv0.004", TvStartChoice.startsAround("TV0.02").get(0));
        assertTrue(TvStartChoice.startsAround("zerofilled").isEmpty());
        assertTrue(TvStartChoice.startsAround("tvfit0.01").isEmpty(), "TV fitting the noise has no lambda");
        assertTrue(TvStartChoice.startsAround(null).isEmpty());
        assertTrue(TvStartChoice.startsAround("tv").isEmpty());
    }

    @Test
    void heldOutLinesChooseAStartThatReconstructsBetter() throws Exception {
        byte[] before = Files.readAllBytes(kspace);
        Path shipped = PretrainedModels.shipped().resolve("lgd-mri-tv-family");
        MeasuredKspace data = MeasuredKspace.fromTiff(kspace);
        Path scratch = directory.resolve("scratch");
        TvStartChoice.Start start = TvStartChoice.choose(data, shipped, scratch, DeepLearningRuntime.DeviceChoice.CPU,
            ProgressMonitor.NONE).orElseThrow();
        assertEquals(10, start.scores().length);
        int best = start.starts().indexOf(start.initial());
        for (double score : start.scores()) {
            assertTrue(Double.isFinite(score) && score > 0 && start.scores()[best] <= score, start.summary());
        }
        Path chosen = directory.resolve("chosen.zip");
        ModelFile.copyWithMetadata(shipped, chosen, m -> TvStartChoice.setStart(m, start.initial()));
        double own = psnr(data, shipped);
        double better = psnr(data, chosen);
        System.out.printf("start %s: %.2f dB; the model's own (%s): %.2f dB%n", start.summary(), better,
            ModelFile.readMetadata(shipped).physics.get(PhysicsFactory.INITIAL), own);
        assertTrue(start.initial().startsWith("tvreal"), "a real object: " + start.summary());
        assertTrue(better > own + 0.5, better + " vs " + own);
        // The check after distilling prefers, by held-out lines, the model that reconstructs better.
        StudentCheck.Verdict verdict = StudentCheck.compare(data, chosen, shipped, 0.01,
            DeepLearningRuntime.DeviceChoice.CPU, ProgressMonitor.NONE);
        assertTrue(verdict.studentKept(), verdict.summary());
        assertEquals(start.scores()[best], verdict.student(), 1e-6 * verdict.student(), "the same folds and score");
        assertTrue(!StudentCheck.compare(data, shipped, chosen, 0.01, DeepLearningRuntime.DeviceChoice.CPU,
            ProgressMonitor.NONE).studentKept());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(kspace)), "k-space modified");
        try (var left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList(), "the model's copies left in the folder given for them");
        }
    }

    /**
     * Distilling the choice on the k-space into {@code lgd-mri-tv-family} at a learning rate that wrecks the student:
     * the start is chosen by held-out lines, and the check then writes the {@code init=} model unchanged, its weights
     * and start as shipped, its metadata and the log saying why.
     */
    @Test
    void aStudentWorseThanItsStartIsNotWritten() throws Exception {
        Path model = directory.resolve("wrecked.zip");
        TrainingJob job = new TrainingJob();
        job.supervision = Supervision.CHOICE;
        job.measured = MeasuredKspace.fromTiff(kspace);
        job.choiceModels = "lgd-mri-tv-family";
        job.choicePatches = 4;
        job.architecture = "lgd";
        job.output = model;
        job.device = DeepLearningRuntime.DeviceChoice.CPU;
        job.config = new TrainingConfig().epochs(1).batchSize(4).seed(3).learningRate(0.02).keepBest(false)
            .psnrLoss(true).checkpointDirectory(directory.resolve("ck-wrecked"));
        job.startFrom("lgd-mri-tv-family", false);
        List<String> notes = new java.util.ArrayList<>();
        TrainingResult result = job.run(new TrainingListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        }, ProgressMonitor.NONE);
        Path shipped = PretrainedModels.shipped().resolve("lgd-mri-tv-family");
        ModelMetadata metadata = ModelFile.readMetadata(model);
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("Start: tvreal")), notes.toString());
        assertTrue(metadata.training.get("check").startsWith("the init= model, unchanged, kept"), notes.toString());
        assertTrue(notes.get(notes.size() - 1).startsWith("Check: the init= model"), notes.toString());
        assertEquals("choice", metadata.training.get("supervision"));
        assertEquals(-1, result.modelEpoch, "the result says the starting weights were written");
        assertEquals(ModelFile.readMetadata(shipped).physics.get(PhysicsFactory.INITIAL),
            metadata.physics.get(PhysicsFactory.INITIAL), "the start as shipped");
        MeasuredKspace data = MeasuredKspace.fromTiff(kspace);
        assertEquals(psnr(data, shipped), psnr(data, model), 1e-9);
    }

    /** Mean PSNR of the magnitudes {@code model} reconstructs from the k-space, peak-normalised as Reconstruct MRI. */
    private static double psnr(MeasuredKspace data, Path model) {
        return DeepLearningRuntime.call(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                var operator = data.operator(m);
                NDArray y = data.measurements().batch(m, new int[] {0, 1, 2}, operator.rangeShape(), 1,
                    new Random(0));
                Map<String, String> settings = new java.util.LinkedHashMap<>(data.settings());
                settings.put("physics", data.physics());
                float[] x = ComplexArithmetic.magnitude(ReconstructionService.reconstruct(y, "test", Method.learned(
                    () -> LearnedSolverFactory.load(SolverFactory.LGD, model.toString(), settings, data::operator,
                        DeepLearningRuntime.DeviceChoice.CPU)).peakNormalised((scope, ys) -> operator),
                    ProgressMonitor.NONE).image()).toFloatArray();
                double sum = 0;
                for (int s = 0; s < SLICES; s++) {
                    sum += Psnr.compute(truths.slice(s), java.util.Arrays.copyOfRange(x, s * N * N, (s + 1) * N * N),
                        N, N, 1);
                }
                return sum / SLICES;
            }
        });
    }
}

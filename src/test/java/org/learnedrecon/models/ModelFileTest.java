package org.learnedrecon.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.RandomSparseOperator;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.MeasurementTask;
import org.learnedrecon.training.TrainingConfig;
import org.learnedrecon.training.TrainingListener;
import org.learnedrecon.training.TrainingResult;
import org.learnedrecon.training.TrainingRun;

/** Model files: exact round trip through a learned solver, and a clear error for each kind of bad file. */
class ModelFileTest {

    private static NDManager manager;
    private static NDManager trainedManager;
    private static MatrixOperator operator;
    private static Path modelFile;
    private static LearnedModel trained;
    private static final Map<String, String> PHYSICS = new LinkedHashMap<>();

    @TempDir
    static Path directory;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        manager = NDManager.newBaseManager();
        trainedManager = manager.newSubManager();
        operator = RandomSparseOperator.create(manager, 16, 16, 6, 23, 16, 3);
        PHYSICS.put("views", "6");
        PHYSICS.put("detectors", "23");
        PHYSICS.put("geometry", "random-sparse");
        double norm = operator.normEstimate(manager, 30);
        ImageSliceDataset data = TestImages.ellipses(8, 16, 21);
        TrainingRun run = new TrainingRun(new LearnedGradientDescent(operator, norm, 2, 6, 2),
            new MeasurementTask(operator, new GaussianRelativeNoise(0.01), new ScaledAdjointReconstruction()), data,
            data.first(2), new TrainingConfig().epochs(1).batchSize(4).seed(2).intensityScale(2.5));
        TrainingResult result = run.run(trainedManager, TrainingListener.NONE, ProgressMonitor.NONE);
        trained = run.toModel(result, PHYSICS, ScaledAdjointReconstruction.NAME, operator.rangeShape().getShape());
        modelFile = directory.resolve("lgd.zip");
        ModelFile.save(trained, modelFile);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static NDArray measurements(NDManager m) {
        ImageSliceDataset images = TestImages.ellipses(3, 16, 99);
        return operator.apply(images.batch(m, new int[] {0, 1, 2}, operator.domainShape(), 1.0 / 3));
    }

    @Test
    void roundTripGivesIdenticalReconstructions() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            NDArray y = measurements(m);
            float[] before = new LearnedSolver(trained, new ScaledAdjointReconstruction())
                .reconstruct(y, operator, ProgressMonitor.NONE).toFloatArray();
            LearnedModel loaded = ModelFile.load(modelFile, m, operator, PHYSICS);
            NDArray out = new LearnedSolver(loaded, new ScaledAdjointReconstruction())
                .reconstruct(y, operator, ProgressMonitor.NONE);
            assertEquals(new Shape(3, 16, 16), out.getShape());
            assertArrayEquals(before, out.toFloatArray());
            ModelMetadata metadata = loaded.metadata();
            assertEquals("lgd", metadata.architecture);
            assertEquals(2.5, metadata.intensityScale);
            assertEquals("6", metadata.physics.get("views"));
            assertTrue(metadata.validationMetrics.get("psnr") > 0);
            assertTrue(metadata.trainingData.contains("8 random ellipse phantoms"));
            assertEquals(ModelMetadata.CURRENT_FORMAT_VERSION, metadata.formatVersion);
        }
    }

    /** A copy with changed metadata keeps the weights: it reconstructs as the original does. */
    @Test
    void aCopyWithOtherMetadataKeepsTheWeights() throws IOException {
        Path copy = directory.resolve("lgd-copy.zip");
        ModelFile.copyWithMetadata(modelFile, copy, m -> m.trainingData = "a copy");
        assertEquals("a copy", ModelFile.readMetadata(copy).trainingData);
        assertTrue(ModelFile.readMetadata(modelFile).trainingData.contains("8 random ellipse phantoms"),
            "the original is unchanged");
        try (NDManager m = manager.newSubManager()) {
            NDArray y = measurements(m);
            float[] original = new LearnedSolver(ModelFile.load(modelFile, m, operator, PHYSICS),
                new ScaledAdjointReconstruction()).reconstruct(y, operator, ProgressMonitor.NONE).toFloatArray();
            float[] copied = new LearnedSolver(ModelFile.load(copy, m, operator, PHYSICS),
                new ScaledAdjointReconstruction()).reconstruct(y, operator, ProgressMonitor.NONE).toFloatArray();
            assertArrayEquals(original, copied);
        }
    }

    @Test
    void otherPhysicsIsRefusedNamingEachDifference() {
        Map<String, String> physics = new LinkedHashMap<>(PHYSICS);
        physics.put("views", "60");
        physics.remove("geometry");
        try (NDManager m = manager.newSubManager()) {
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(modelFile, m, operator, physics));
            assertTrue(e.getMessage().contains("model trained for views=6, but the data has views=60"),
                e.getMessage());
            assertTrue(e.getMessage().contains("model trained for geometry=random-sparse, but the data does not "
                + "state geometry"), e.getMessage());
            // Numbers compare as numbers.
            Map<String, String> same = new LinkedHashMap<>(PHYSICS);
            same.put("views", "6.0");
            assertTrue(ModelFile.compatibilityProblems(trained.metadata(), operator, same).isEmpty());
        }
    }

    @Test
    void otherOperatorShapesAreRefused() {
        try (NDManager m = manager.newSubManager()) {
            ForwardOperator other = RandomSparseOperator.create(m, 16, 16, 12, 23, 16, 3);
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(modelFile, m, other, PHYSICS));
            assertTrue(e.getMessage().contains("model trained for measurements of shape (6, 23), but the operator's "
                + "measurements have shape (12, 23)"), e.getMessage());
        }
    }

    /**
     * A model declaring the range of views it serves ({@link ModelMetadata#serves}) loads for data inside it, on the
     * data's operator with that operator's norm, and is refused outside it naming the range and the value.
     */
    @Test
    void aModelServesTheRangeItDeclaresOnTheDataOperator() throws IOException {
        ModelMetadata metadata = ModelFile.readMetadata(modelFile);
        metadata.serves.put("views", "4-12");
        Path ranged = directory.resolve("lgd-views-4-12.zip");
        ModelFile.save(new LearnedModel(trained.network(), metadata), ranged);
        try (NDManager m = manager.newSubManager()) {
            ForwardOperator twelve = RandomSparseOperator.create(m, 16, 16, 12, 23, 16, 3);
            Map<String, String> physics = new LinkedHashMap<>(PHYSICS);
            physics.put("views", "12");
            LearnedModel loaded = ModelFile.load(ranged, m, twelve, physics);
            LearnedGradientDescent network = (LearnedGradientDescent) loaded.network();
            assertEquals(twelve, network.operator());
            double norm = twelve.normEstimate(m, 30);
            assertEquals(norm, Double.parseDouble(network.hyperParameters().get("operatorNorm")), 1e-3 * norm);
            assertTrue(Math.abs(norm - Double.parseDouble(trained.metadata().hyperParameters.get("operatorNorm")))
                > 0.05 * norm, "the norm must be the data operator's, not the trained one");
            NDArray x = new LearnedSolver(loaded, new ScaledAdjointReconstruction()).reconstruct(
                twelve.apply(TestImages.ellipses(2, 16, 5).batch(m, new int[] {0, 1}, twelve.domainShape(), 1.0)),
                twelve, ProgressMonitor.NONE);
            assertEquals(new Shape(2, 16, 16), x.getShape());

            physics.put("views", "20");
            ForwardOperator twenty = RandomSparseOperator.create(m, 16, 16, 20, 23, 16, 3);
            IncompatibleModelException e = assertThrows(IncompatibleModelException.class,
                () -> ModelFile.load(ranged, m, twenty, physics));
            assertTrue(e.getMessage().contains("model serves views 4-12, but the data has views=20"), e.getMessage());
        }
        assertTrue(ModelFile.withinRange("any", "7") && ModelFile.withinRange("20-180", "180")
            && !ModelFile.withinRange("20-180", "19.5") && !ModelFile.withinRange("20-180", "many"));
    }

    @Test
    void wrongInitialReconstructionIsRefused() {
        Solver other = new Solver() {
            public String name() {
                return "FBP";
            }

            public NDArray reconstruct(NDArray y, ForwardOperator op, ProgressMonitor p) {
                throw new AssertionError();
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new LearnedSolver(trained, other));
        assertTrue(e.getMessage().contains("'Scaled adjoint', but 'FBP' was given"), e.getMessage());
    }

    private static String loadError(Path file) {
        try (NDManager m = manager.newSubManager()) {
            IOException e = assertThrows(IOException.class, () -> ModelFile.load(file, m, operator, PHYSICS));
            return e.getMessage();
        }
    }

    @Test
    void missingFileIsReported() {
        assertTrue(loadError(directory.resolve("absent.zip")).contains("does not exist"));
    }

    @Test
    void garbageFileIsReported() throws IOException {
        Path file = directory.resolve("garbage.zip");
        byte[] bytes = new byte[4096];
        new Random(1).nextBytes(bytes);
        Files.write(file, bytes);
        String message = loadError(file);
        assertTrue(message.contains("not a model zip") || message.contains("corrupt"), message);
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        byte[] bytes = Files.readAllBytes(modelFile);
        Path file = directory.resolve("truncated.zip");
        Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        String message = loadError(file);
        assertTrue(message.contains("corrupt or truncated") || message.contains("truncated"), message);
    }

    /** Copies the model file, replacing the metadata by {@code metadata} and dropping weights if asked. */
    private static Path rewritten(String name, String metadata, boolean keepWeights) throws IOException {
        Path file = directory.resolve(name);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(modelFile));
            OutputStream raw = Files.newOutputStream(file); ZipOutputStream out = new ZipOutputStream(raw)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (entry.getName().equals(ModelFile.METADATA_ENTRY)) {
                    content = metadata.getBytes(StandardCharsets.UTF_8);
                } else if (!keepWeights) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return file;
    }

    private static JsonObject metadataJson() throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(modelFile))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().equals(ModelFile.METADATA_ENTRY)) {
                    return new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        JsonObject.class);
                }
            }
        }
        throw new AssertionError("no metadata");
    }

    @Test
    void newerFormatVersionIsReported() throws IOException {
        JsonObject json = metadataJson();
        json.addProperty("formatVersion", 99);
        String message = loadError(rewritten("future.zip", json.toString(), true));
        assertTrue(message.contains("format version 99") && message.contains("reads versions 1 to 1"), message);
    }

    @Test
    void missingWeightsAreReported() throws IOException {
        String message = loadError(rewritten("noweights.zip", metadataJson().toString(), false));
        assertTrue(message.contains("has no weights.params"), message);
    }

    @Test
    void unreadableMetadataIsReported() throws IOException {
        String message = loadError(rewritten("badjson.zip", "{ this is not json", true));
        assertTrue(message.contains("unreadable metadata.json") || message.contains("incomplete metadata.json"),
            message);
    }

    @Test
    void weightsThatDoNotFitTheDescribedNetworkAreReported() throws IOException {
        JsonObject json = metadataJson();
        json.getAsJsonObject("hyperParameters").addProperty("hiddenChannels", "7");
        String message = loadError(rewritten("mismatch.zip", json.toString(), true));
        assertTrue(message.contains("weights that do not fit its lgd network"), message);
    }
}

package org.learnedrecon.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.acquisition.SettingRange;
import org.learnedrecon.learned.ChannelLayout;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.physics.ForwardOperator;

/**
 * One model file: a zip holding {@code metadata.json} ({@link ModelMetadata}) and {@code weights.params} (DJL
 * {@link Block#saveParameters}). Loading rebuilds the network through {@link NetworkCatalog} for a given operator and
 * refuses, naming every difference, a model trained for other physics.
 */
public final class ModelFile {

    public static final String METADATA_ENTRY = "metadata.json";
    public static final String WEIGHTS_ENTRY = "weights.params";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private ModelFile() {
    }

    /** Writes the model atomically (temporary file, then move), filling in {@code created}. */
    public static void save(LearnedModel model, Path file) throws IOException {
        ModelMetadata metadata = model.metadata();
        metadata.formatVersion = ModelMetadata.CURRENT_FORMAT_VERSION;
        metadata.created = Instant.now().toString();
        write(file, metadata, out -> {
            DataOutputStream data = new DataOutputStream(out);
            model.network().saveParameters(data);
            data.flush();
        });
    }

    /**
     * Writes to {@code to} a copy of the model file {@code from} whose metadata {@code change} has changed, the weights
     * as they are (e.g. the same network with another start, {@code physics.initial}), atomically as {@link #save}.
     */
    public static void copyWithMetadata(Path from, Path to, java.util.function.Consumer<ModelMetadata> change)
        throws IOException {
        Entries entries = readEntries(from);
        ModelMetadata metadata = parseMetadata(from, entries);
        change.accept(metadata);
        write(to, metadata, out -> out.write(entries.weights));
    }

    /** What writes a model file's weights entry. */
    private interface WeightsWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code metadata} and the weights atomically (temporary file, then move). */
    private static void write(Path file, ModelMetadata metadata, WeightsWriter weights) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary));
                ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(GSON.toJson(metadata).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
                weights.write(zip);
                zip.closeEntry();
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads only the metadata (for listing models), with the same format checks as {@link #load}. */
    public static ModelMetadata readMetadata(Path file) throws IOException {
        return parseMetadata(file, readEntries(file));
    }

    /**
     * Loads a model for {@code operator}.
     *
     * @param physics the physics settings of the data to reconstruct; every setting the model records must be
     *     present and equal
     * @throws IncompatibleModelException listing each mismatch
     * @throws IOException for unreadable, corrupt, truncated or unsupported files, with a message saying which
     */
    public static LearnedModel load(Path file, NDManager manager, ForwardOperator operator,
        Map<String, String> physics) throws IOException {
        return load(file, manager, operator, operator, physics);
    }

    /**
     * As {@link #load(Path, NDManager, ForwardOperator, Map)}, for {@code operator} a part of the acquisition
     * {@code whole} (a fold of a choice by held-out measurements, {@code HeldOutSplit}): the model must fit
     * {@code whole}, and runs on the part. A model trained for exactly {@code whole}'s scan thus also reconstructs
     * from the views a fold keeps, as a model serving a range of scans does.
     */
    public static LearnedModel load(Path file, NDManager manager, ForwardOperator operator, ForwardOperator whole,
        Map<String, String> physics) throws IOException {
        Entries entries = readEntries(file);
        ModelMetadata metadata = parseMetadata(file, entries);
        List<String> problems = compatibilityProblems(metadata, whole, physics);
        if (!problems.isEmpty()) {
            throw new IncompatibleModelException("Model " + file.getFileName() + " does not fit this data: "
                + String.join("; ", problems));
        }
        Map<String, String> hyper = new LinkedHashMap<>(metadata.hyperParameters);
        if (hyper.containsKey("operatorNorm") && outsideTrainedSettings(metadata, physics)) {
            // A model serving a range of settings runs on the data's operator: its steps scale by that norm. At the
            // trained settings the stored norm is that operator's (the same numbers as before ranges existed).
            hyper.put("operatorNorm", Double.toString(operator.normEstimate(manager, 30)));
        }
        Block network;
        try {
            network = NetworkCatalog.create(metadata.architecture, hyper, operator);
        } catch (IllegalArgumentException e) {
            throw new IOException("Model file " + file + " describes a network this plugin cannot build: "
                + e.getMessage(), e);
        }
        // DJL's loadParameters takes whatever shapes the file holds, so initialise first to know the shapes the
        // described network needs, and compare after loading.
        SeededInitializer.install(network, 0);
        network.initialize(manager, DataType.FLOAT32, NetworkCatalog.inputShapes(network, operator, 1));
        readWeights(file, entries, metadata, network, manager);
        network.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
        return new LearnedModel(network, metadata);
    }

    /** Loads the file's weights into the initialised {@code network}, checking every parameter's shape. */
    private static void readWeights(Path file, Entries entries, ModelMetadata metadata, Block network,
        NDManager manager) throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        network.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entries.weights))) {
            network.loadParameters(manager, in);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            throw new IOException("Model file " + file + " has weights that do not fit its "
                + metadata.architecture + " network (corrupt or truncated " + WEIGHTS_ENTRY + "): "
                + e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : network.getParameters()) {
            Shape actual = p.getValue().getArray().getShape();
            if (!actual.equals(expected.get(p.getKey()))) {
                throw new IOException("Model file " + file + " has weights that do not fit its "
                    + metadata.architecture + " network: parameter " + p.getKey() + " has shape " + actual
                    + ", the network described by " + METADATA_ENTRY + " needs " + expected.get(p.getKey()));
            }
        }
    }

    /**
     * Starts a training from a model's weights (fine-tuning, adaptation): loads {@code file}'s weights into
     * {@code network}, which must be initialised and of the same architecture and hyper-parameters (the operator's
     * norm aside: the network may run on another operator). Returns the file's metadata.
     *
     * @throws IllegalArgumentException naming the difference when the model is of another network
     * @throws IOException for unreadable or corrupt files
     */
    public static ModelMetadata loadInitialWeights(Path file, Block network, NDManager manager) throws IOException {
        Entries entries = readEntries(file);
        ModelMetadata metadata = parseMetadata(file, entries);
        String architecture = NetworkCatalog.architecture(network);
        Map<String, String> given = new LinkedHashMap<>(NetworkCatalog.hyperParameters(network));
        Map<String, String> stored = new LinkedHashMap<>(metadata.hyperParameters);
        given.remove("operatorNorm");
        stored.remove("operatorNorm");
        if (!architecture.equals(metadata.architecture) || !given.equals(stored)) {
            throw new IllegalArgumentException("init=" + file.getFileName() + " is a " + metadata.architecture + " "
                + stored + " model, but this training builds a " + architecture + " " + given
                + ": give the same solver and net.* settings as the model's");
        }
        readWeights(file, entries, metadata, network, manager);
        return metadata;
    }

    /** Every way in which the model does not fit the operator and physics; empty when it fits. */
    public static List<String> compatibilityProblems(ModelMetadata metadata, ForwardOperator operator,
        Map<String, String> physics) {
        List<String> problems = new ArrayList<>();
        if (NetworkCatalog.isDenoiser(metadata.architecture)) {
            // A denoiser is a prior on images: fully convolutional, any physics, any image size; the number of
            // channels (real CT vs complex MRI) must match, except that a single-channel denoiser also denoises
            // each channel of complex images on its own (PlugAndPlay: real and imaginary parts as two images).
            int channels = ChannelLayout.channels(new Shape(metadata.domainShape));
            int given = ChannelLayout.channels(operator.domainShape());
            if (channels != given && channels != 1) {
                problems.add("denoiser trained for images with " + channels + " channel(s), but the operator's "
                    + "images have " + given);
            }
            return problems;
        }
        String physicsName = metadata.physics.get("physics");
        PhysicsFactory factory = physicsName == null ? null : PhysicsCatalog.all().get(physicsName);
        for (Map.Entry<String, String> e : metadata.physics.entrySet()) {
            if (factory != null && !factory.constrainsModel(e.getKey())) {
                continue;
            }
            String given = physics.get(e.getKey());
            String served = metadata.serves.get(e.getKey());
            if (given != null && served != null) {
                if (!withinRange(served, given)) {
                    problems.add("model serves " + e.getKey() + " " + served + ", but the data has " + e.getKey()
                        + "=" + given);
                }
            } else if (given == null) {
                problems.add("model trained for " + e.getKey() + "=" + e.getValue() + ", but the data does not state "
                    + e.getKey());
            } else if (!sameSetting(e.getValue(), given)) {
                problems.add("model trained for " + e.getKey() + "=" + e.getValue() + ", but the data has "
                    + e.getKey() + "=" + given);
            }
        }
        if (!metadata.serves.isEmpty()) {
            return problems; // the shapes follow the settings, checked above against their ranges
        }
        if (!Arrays.equals(metadata.domainShape, operator.domainShape().getShape())) {
            problems.add("model trained for images of shape " + new Shape(metadata.domainShape)
                + ", but the operator's images have shape " + operator.domainShape());
        }
        if (!Arrays.equals(metadata.rangeShape, operator.rangeShape().getShape())) {
            problems.add("model trained for measurements of shape " + new Shape(metadata.rangeShape)
                + ", but the operator's measurements have shape " + operator.rangeShape());
        }
        return problems;
    }

    /** Whether the data's value of some served setting differs from the value the model was trained at. */
    private static boolean outsideTrainedSettings(ModelMetadata metadata, Map<String, String> physics) {
        for (String key : metadata.serves.keySet()) {
            String trained = metadata.physics.get(key);
            String given = physics.get(key);
            if (trained == null || given == null || !sameSetting(trained, given)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} lies in {@code range}: {@code any}, or {@code lo-hi} inclusive (numbers). */
    static boolean withinRange(String range, String value) {
        try {
            return SettingRange.parse("serves", range).contains(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Settings are equal as text, or as numbers when both parse (so "30" equals "30.0"). */
    private static boolean sameSetting(String a, String b) {
        if (a.trim().equalsIgnoreCase(b.trim())) {
            return true;
        }
        try {
            return Double.parseDouble(a.trim()) == Double.parseDouble(b.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final class Entries {
        byte[] metadata;
        byte[] weights;
    }

    private static Entries readEntries(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Model file " + file + " does not exist");
        }
        Entries entries = new Entries();
        boolean anyEntry = false;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                anyEntry = true;
                if (METADATA_ENTRY.equals(entry.getName())) {
                    entries.metadata = readAll(zip);
                } else if (WEIGHTS_ENTRY.equals(entry.getName())) {
                    entries.weights = readAll(zip);
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new IOException("Model file " + file + " is corrupt or truncated (" + e.getMessage() + ")", e);
        }
        if (!anyEntry) {
            throw new IOException("Model file " + file + " is not a model zip (no zip entries; corrupt or truncated?)");
        }
        if (entries.metadata == null) {
            throw new IOException("Model file " + file + " has no " + METADATA_ENTRY);
        }
        if (entries.weights == null) {
            throw new IOException("Model file " + file + " has no " + WEIGHTS_ENTRY + " (truncated?)");
        }
        return entries;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static ModelMetadata parseMetadata(Path file, Entries entries) throws IOException {
        ModelMetadata metadata;
        try {
            metadata = GSON.fromJson(new String(entries.metadata, StandardCharsets.UTF_8), ModelMetadata.class);
        } catch (JsonParseException e) {
            throw new IOException("Model file " + file + " has an unreadable " + METADATA_ENTRY + ": "
                + e.getMessage(), e);
        }
        if (metadata == null || metadata.architecture == null || metadata.domainShape == null
            || metadata.rangeShape == null) {
            throw new IOException("Model file " + file + " has an incomplete " + METADATA_ENTRY
                + " (architecture, domainShape and rangeShape are required)");
        }
        if (metadata.formatVersion > ModelMetadata.CURRENT_FORMAT_VERSION || metadata.formatVersion < 1) {
            throw new IOException("Model file " + file + " has format version " + metadata.formatVersion
                + "; this plugin reads versions 1 to " + ModelMetadata.CURRENT_FORMAT_VERSION
                + " (a newer plugin wrote it?)");
        }
        return metadata;
    }
}

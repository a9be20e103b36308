package org.learnedrecon.training;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints in a directory: {@code epoch-NNNN/} holds {@code network.params} (DJL
 * {@link Block#saveParameters}), {@code optimizer.state} ({@link AdamOptimizer#save}) and {@code state.json}
 * ({@link TrainingState}). Each is written under a temporary name and renamed when complete, so a run killed while
 * writing leaves the previous checkpoint usable.
 */
final class TrainingCheckpoint {

    private static final String PREFIX = "epoch-";
    // NaN stands for "no validation PSNR" (training on measured data without clean validation images).
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
        .create();

    private TrainingCheckpoint() {
    }

    static Path save(Path directory, TrainingState state, Block network, AdamOptimizer optimizer, int kept)
        throws IOException {
        Files.createDirectories(directory);
        String name = String.format("%s%04d", PREFIX, state.epochsDone);
        Path temporary = directory.resolve(name + ".partial");
        Path target = directory.resolve(name);
        deleteRecursively(temporary);
        Files.createDirectories(temporary);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            Files.newOutputStream(temporary.resolve("network.params"))))) {
            network.saveParameters(out);
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            Files.newOutputStream(temporary.resolve("optimizer.state"))))) {
            optimizer.save(out);
        }
        Files.write(temporary.resolve("state.json"), GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
        deleteRecursively(target);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> all = complete(directory);
        for (int i = 0; i < all.size() - kept; i++) {
            deleteRecursively(all.get(i));
        }
        return target;
    }

    /** File of the best validation epoch's weights, beside the epoch checkpoints (written atomically). */
    static final String BEST = "best-network.params";

    static void saveBest(Path directory, byte[] parameters) throws IOException {
        Files.createDirectories(directory);
        Path temporary = directory.resolve(BEST + ".partial");
        Files.write(temporary, parameters);
        Files.move(temporary, directory.resolve(BEST), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
    }

    /** The best epoch's weights saved by {@link #saveBest}, if any. */
    static Optional<byte[]> readBest(Path directory) throws IOException {
        Path file = directory == null ? null : directory.resolve(BEST);
        return file != null && Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    /** The newest complete checkpoint, if any. */
    static Optional<Path> latest(Path directory) throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            return Optional.empty();
        }
        List<Path> all = complete(directory);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static TrainingState readState(Path checkpoint) throws IOException {
        return GSON.fromJson(Files.readString(checkpoint.resolve("state.json")), TrainingState.class);
    }

    static void restore(Path checkpoint, Block network, NDManager manager, AdamOptimizer optimizer)
        throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
            Files.newInputStream(checkpoint.resolve("network.params"))))) {
            network.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("Checkpoint " + checkpoint + " has unreadable weights: " + e.getMessage(), e);
        }
        network.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
            Files.newInputStream(checkpoint.resolve("optimizer.state"))))) {
            optimizer.load(in);
        }
    }

    private static List<Path> complete(Path directory) throws IOException {
        List<Path> result = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, PREFIX + "[0-9][0-9][0-9][0-9]")) {
            for (Path p : stream) {
                if (Files.isRegularFile(p.resolve("state.json"))) {
                    result.add(p);
                }
            }
        }
        result.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return result;
    }

    /** Deletes {@code path} and everything under it, if it exists. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                Files.delete(p);
            }
        }
    }
}

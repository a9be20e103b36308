package org.learnedrecon.models;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model files shipped as resources in a class path directory (by default {@value #DIRECTORY}), listed by the
 * {@value #INDEX} next to them: one file name per line, {@code #} comments. A model's name is its file name without
 * {@code .zip}, e.g. {@code lgd-ct30}. {@link #resolve} turns a {@code model=} value (a shipped name or a path) into a
 * file {@link ModelFile#load} can read; shipped models are copied once per JVM to a temporary file (deleted on exit)
 * because a resource inside a jar has no path.
 */
public final class PretrainedModels {

    /** Class path directory of the shipped models. */
    public static final String DIRECTORY = "org/learnedrecon/models/pretrained/";
    public static final String INDEX = "index.txt";

    private static final PretrainedModels SHIPPED = new PretrainedModels(PretrainedModels.class.getClassLoader(),
        DIRECTORY);

    private final ClassLoader loader;
    private final String directory;
    private final Map<String, Path> extracted = new HashMap<>();

    /**
     * @param loader the class loader to read resources with
     * @param directory a class path directory ending in {@code /}, without a leading {@code /}
     */
    public PretrainedModels(ClassLoader loader, String directory) {
        this.loader = loader;
        this.directory = directory.endsWith("/") ? directory : directory + "/";
    }

    /** The models shipped with the plugin. */
    public static PretrainedModels shipped() {
        return SHIPPED;
    }

    /** Names of the listed models, in index order; empty when there is no index. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(directory + INDEX)) {
            if (in == null) {
                return Collections.emptyList();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                names.add(line.endsWith(".zip") ? line.substring(0, line.length() - 4) : line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the pretrained model index " + directory + INDEX, e);
        }
        return names;
    }

    /**
     * The model file for a {@code model=} value: a listed name (case-insensitive, with or without {@code .zip}),
     * else an existing file path.
     *
     * @throws IllegalArgumentException naming the value and the available models when it is neither
     * @throws IOException when a listed model's file is missing from the class path or cannot be copied
     */
    public synchronized Path resolve(String value) throws IOException {
        String key = value == null ? "" : value.trim();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("model= is empty: give a pretrained model name " + available()
                + " or the path of a model file");
        }
        String bare = key.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? key.substring(0, key.length() - 4)
            : key;
        for (String name : names()) {
            if (name.equalsIgnoreCase(bare) && !Files.isRegularFile(Path.of(key))) {
                return extract(name);
            }
        }
        Path file = Path.of(key);
        if (Files.isRegularFile(file)) {
            return file;
        }
        throw new IllegalArgumentException("model=" + key + " is neither a pretrained model " + available()
            + " nor an existing model file");
    }

    /** The model's display name: the shipped name, or the file name for a path. */
    public static String displayName(String value) {
        String name = Path.of(value.trim()).getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4)
            : name;
    }

    private String available() {
        List<String> names = names();
        return names.isEmpty() ? "(none is installed yet)" : "(installed: " + String.join(", ", names) + ")";
    }

    private Path extract(String name) throws IOException {
        Path done = extracted.get(name);
        if (done != null && Files.isRegularFile(done)) {
            return done;
        }
        try (InputStream in = loader.getResourceAsStream(directory + name + ".zip")) {
            if (in == null) {
                throw new IOException("Pretrained model " + name + " is listed in " + directory + INDEX
                    + " but " + directory + name + ".zip is not on the class path");
            }
            // Under its own name in a fresh directory: training records init=<file name> in its checkpoints, and a
            // random name would make every rerun refuse to resume them.
            Path folder = Files.createTempDirectory("learnedrecon-");
            folder.toFile().deleteOnExit();
            Path file = folder.resolve(name + ".zip");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            extracted.put(name, file);
            return file;
        }
    }
}

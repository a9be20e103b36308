package org.learnedrecon.training;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.PhysicsFactory;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The TV start of an MRI model that refines TV ({@code initial=tv<lambda>} or {@code tvreal<lambda>}, as
 * {@code lgd-mri-tv-family}), chosen for measured k-space by held-out lines: the model, its weights as they are, with
 * its start at TV over complex and over real images at {@link #FACTORS} times its own lambda, reconstructs every slice
 * in the folds of {@link HeldOutChoice}; the start whose images predict the held-out lines best, summed over the
 * slices, is kept. Distilling the choice ({@link Supervision#CHOICE}) then trains from that start. At MRI 8x the
 * shipped start (complex TV at 0.01) left the refiner 1.4 dB under its start over real images at 0.01 on the atlas
 * phantoms and 0.2 dB under it on natural crops; the MRI teacher uses TV too rarely for the TV lambdas it uses to say
 * (README, "Adapting by distilling the choice"). CT keeps the TV lambda of the choice ({@link ChoiceTeacher#tvLambda}):
 * there held-out views choosing the refiner's start chose 2 on natural crops where 4 is 0.65 dB better.
 */
final class TvStartChoice {

    /** Factors on the model's own lambda: 0.002-0.05 around the shipped 0.01. */
    static final double[] FACTORS = {0.2, 0.5, 1, 2, 5};

    /**
     * What the held-out lines chose.
     *
     * @param initial the chosen start, a {@code physics.initial} value
     * @param starts every start tried, in the order of {@code scores}
     * @param scores each start's held-out score summed over the slices (relative squared residual per slice)
     */
    record Start(String initial, List<String> starts, double[] scores) {

        /** One line for the log: the chosen start and every start's score. */
        String summary() {
            StringBuilder b = new StringBuilder(initial + " (held-out score summed over slices:");
            for (int i = 0; i < starts.size(); i++) {
                b.append(String.format(Locale.ROOT, " %s %.4g", starts.get(i), scores[i]));
                b.append(i + 1 < starts.size() ? "," : ")");
            }
            return b.toString();
        }
    }

    private TvStartChoice() {
    }

    /**
     * The starts tried for a model whose start is {@code initial}: TV over complex and over real images at
     * {@link #FACTORS} times its lambda, or empty when {@code initial} is not a TV start with a lambda.
     */
    static List<String> startsAround(String initial) {
        OptionalDouble given = PhysicsFactory.tvStartLambda(initial);
        if (given.isEmpty()) {
            return List.of();
        }
        double lambda = given.getAsDouble();
        List<String> starts = new ArrayList<>();
        for (String kind : List.of("tv", "tvreal")) {
            for (double factor : FACTORS) {
                starts.add(kind + new BigDecimal(lambda * factor).round(new MathContext(3)).stripTrailingZeros()
                    .toPlainString());
            }
        }
        return starts;
    }

    /** Sets the start of the model {@code metadata} describes to {@code start}, a {@code physics.initial} value. */
    static void setStart(ModelMetadata metadata, String start) {
        metadata.physics.put(PhysicsFactory.INITIAL, start);
        metadata.initialReconstruction = PhysicsCatalog.find(metadata.physics.get("physics"))
            .initialReconstruction(Map.of(PhysicsFactory.INITIAL, start)).name();
    }

    /**
     * Chooses the start of {@code model} for the k-space {@code data}, or empty when the model does not start from
     * TV with a lambda. The model's copies, one per start, go into a new folder in {@code scratch} (made when
     * missing), deleted before this returns: the caller says where, so that two runs on one host never see each
     * other's copies.
     *
     * @throws IOException when the model file cannot be read or its copies written
     */
    static Optional<Start> choose(MeasuredData data, Path model, Path scratch, DeepLearningRuntime.DeviceChoice device,
            ProgressMonitor progress) throws IOException {
        ModelMetadata metadata = ModelFile.readMetadata(model);
        List<String> starts = startsAround(metadata.physics.get(PhysicsFactory.INITIAL));
        if (starts.isEmpty()) {
            return Optional.empty();
        }
        Path directory = Files.createTempDirectory(Files.createDirectories(scratch), "tv-starts");
        try {
            List<String> files = new ArrayList<>();
            for (String start : starts) {
                Path file = directory.resolve(start + ".zip");
                ModelFile.copyWithMetadata(model, file, m -> setStart(m, start));
                files.add(file.toString());
            }
            double[] scores = ChoiceTeacher.heldOutScores(data, files, device, progress);
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                if (scores[i] < scores[best]) {
                    best = i;
                }
            }
            return Optional.of(new Start(starts.get(best), starts, scores));
        } finally {
            try {
                TrainingCheckpoint.deleteRecursively(directory);
            } catch (IOException e) {
                // Temporary copies left behind do no harm.
            }
        }
    }
}

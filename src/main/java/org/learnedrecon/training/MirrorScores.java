package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.reconstruction.HeldOutChoice;
import org.learnedrecon.reconstruction.ReconstructionService;
import org.learnedrecon.reconstruction.ReconstructionService.Method;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * The mirror test of learned models on sinograms whose views span less than 180 degrees, where held-out views, all
 * inside the scanned range, cannot judge what a model puts into the missing wedge. Each model reconstructs every
 * slice; each of those images is mirrored left to right, measured again through the data's scan with the data's
 * noise level, and reconstructed by every model; a model's score is the relative squared error of its reconstructions
 * of all the mirrored images, summed over them and over the slices (smaller is better). Every model is scored on the
 * same mirrored images, its own and the others', so a model that blurs is not judged on easier images; the noise of a
 * slice's measurements is the same for every model's images (seeded by the slice).
 *
 * <p>Why the mirror: a left-right mirror turns a projection at angle {@code theta} into one at {@code 180 - theta}
 * ({@code t = x cos theta + y sin theta} with {@code x -> -x}). For views from 0 to {@code range >= 90} degrees
 * (the scans training serves), the missing wedge from {@code range} to 180 of the mirrored image is then the
 * directions from 0 to {@code 180 - range} of the model's own image, which the data measured: to score well a model
 * must fill the wedge with what the measured directions hold. A mirror and not a rotation because anatomy and
 * photographs stay as likely mirrored, while a model trained on upright heads fails on turned ones whatever its
 * quality: turned by 90 or 60 degrees, or upside down, brain slices preferred a student 2 dB worse than the brain
 * U-Net it came from; mirrored left to right they preferred the U-Net (README, "A mirror check at limited angle").
 */
final class MirrorScores implements Solver, AutoCloseable {

    private final List<HeldOutChoice.Candidate> models;
    private final double noise;
    private final List<double[]> scores = new ArrayList<>();

    /**
     * @param models the models to score
     * @param noise relative Gaussian noise level of the measurements of the mirrored images
     *     ({@link GaussianNoise}, the data's level)
     */
    MirrorScores(List<HeldOutChoice.Candidate> models, double noise) {
        this.models = List.copyOf(models);
        this.noise = noise;
    }

    /**
     * Each of the learned {@code models}' mirror score on every slice of {@code data}, summed over the slices.
     *
     * @throws IllegalArgumentException naming the model when one does not fit the data
     */
    static double[] summed(MeasuredData data, List<String> models, double noise,
            DeepLearningRuntime.DeviceChoice device, ProgressMonitor progress) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ForwardOperator acquisition = data.operator(manager);
            NDArray y = data.allSlices(manager, acquisition);
            try (MirrorScores mirror = new MirrorScores(HeldOutChoice.learned(models, false,
                    data.settingsWithPhysics(), acquisition, device, skipped -> { }), noise)) {
                ReconstructionService.reconstruct(y, "measurements=" + data.measurements().description(),
                    Method.classical(mirror, (scope, measurements) -> acquisition), progress);
                double[] sum = new double[models.size()];
                for (double[] slice : mirror.scores) {
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += slice[i];
                    }
                }
                return sum;
            }
        }
    }

    @Override
    public String name() {
        return "Mirror test";
    }

    /** Scores the batch's slices (in order, after those scored before); returns the first model's images. */
    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        int batch = (int) measurements.getShape().get(0);
        int count = models.size();
        long steps = (long) count * (count + 1);
        long step = 0;
        NDArray[] images = new NDArray[count];
        for (int i = 0; i < count; i++) {
            images[i] = models.get(i).reconstruct(measurements, operator, progress.part(step, step + 1, steps, ""));
            progress.progress(++step, steps, name() + ": " + models.get(i).name());
        }
        double[][] slices = new double[batch][count];
        for (int j = 0; j < count; j++) {
            NDArray mirrored = images[j].flip(images[j].getShape().dimension() - 1);
            NDArray remeasured = new GaussianNoise(noise, scores.size()).apply(operator.apply(mirrored));
            float[] reference = mirrored.toFloatArray();
            for (int i = 0; i < count; i++) {
                float[] again = models.get(i).reconstruct(remeasured, operator,
                    progress.part(step, step + 1, steps, "")).toFloatArray();
                progress.progress(++step, steps, name() + ": " + models.get(i).name() + " on "
                    + models.get(j).name() + "'s mirrored images");
                int pixels = reference.length / batch;
                for (int b = 0; b < batch; b++) {
                    double error = 0;
                    double power = 0;
                    for (int p = b * pixels; p < (b + 1) * pixels; p++) {
                        double d = again[p] - reference[p];
                        error += d * d;
                        power += (double) reference[p] * reference[p];
                    }
                    slices[b][i] += error / Math.max(power, Double.MIN_NORMAL);
                }
            }
        }
        scores.addAll(List.of(slices));
        return images[0];
    }

    /** Each slice's scores so far, one per model. */
    List<double[]> scores() {
        return List.copyOf(scores);
    }

    @Override
    public void close() {
        models.forEach(HeldOutChoice.Candidate::close);
    }
}

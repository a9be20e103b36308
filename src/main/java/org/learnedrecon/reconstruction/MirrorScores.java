package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The mirror test of reconstructions on sinograms whose views span less than 180 degrees, where held-out views, all
 * inside the scanned range, cannot judge what a model puts into the missing wedge. Each model reconstructs every
 * slice; each of those images is mirrored left to right, measured again through the data's scan with the data's
 * noise level, and reconstructed by every model; a model's score is the relative squared error of its reconstructions
 * of all the mirrored images, summed over them (smaller is better). Every model is scored on the same mirrored
 * images, its own and the others', so a model that blurs is not judged on easier images; the noise of a slice's
 * measurements is the same for every model's images.
 *
 * <p>Why the mirror: a left-right mirror turns a projection at angle {@code theta} into one at {@code 180 - theta}
 * ({@code t = x cos theta + y sin theta} with {@code x -> -x}). For views from 0 to {@code range >= 90} degrees
 * (uniform scans from 0, as Simulate CT writes them), the missing wedge from {@code range} to 180 of the mirrored
 * image is then the directions from 0 to {@code 180 - range} of the model's own image, which the data measured: to
 * score well a model must fill the wedge with what the measured directions hold. A mirror and not a rotation because
 * anatomy and photographs stay as likely mirrored, while a model trained on upright heads fails on turned ones
 * whatever its quality: turned by 90 or 60 degrees, or upside down, brain slices preferred a student 2 dB worse than
 * the brain U-Net it came from; mirrored left to right they preferred the U-Net (README, "A mirror check at limited
 * angle").
 */
public final class MirrorScores {

    private MirrorScores() {
    }

    /**
     * Each slice's mirror score of each model, {@code [slice][model]}.
     *
     * @param models the reconstructions to score, run on {@code acquisition}
     * @param measurements {@code (B, acquisition.rangeShape()...)}; never modified
     * @param noise relative Gaussian noise level of the measurements of the mirrored images ({@link GaussianNoise})
     * @param seed seed of that noise
     * @param progress one report per reconstruction; cancellation throws
     */
    public static double[][] of(List<? extends HeldOutChoice.Candidate> models, NDArray measurements,
            ForwardOperator acquisition, double noise, long seed, ProgressMonitor progress) {
        int batch = (int) measurements.getShape().get(0);
        int count = models.size();
        long steps = (long) count * (count + 1);
        long step = 0;
        double[][] scores = new double[batch][count];
        try (NDManager scope = measurements.getManager().newSubManager()) {
            NDArray[] images = new NDArray[count];
            for (int i = 0; i < count; i++) {
                progress.checkCancelled();
                images[i] = models.get(i).reconstruct(measurements, acquisition,
                    progress.part(step, step + 1, steps, ""));
                images[i].attach(scope);
                progress.progress(++step, steps, "Mirror test: " + models.get(i).name());
            }
            for (int j = 0; j < count; j++) {
                NDArray mirrored = images[j].flip(images[j].getShape().dimension() - 1);
                mirrored.attach(scope);
                NDArray remeasured = new GaussianNoise(noise, seed).apply(acquisition.apply(mirrored));
                remeasured.attach(scope);
                float[] reference = mirrored.toFloatArray();
                int pixels = reference.length / batch;
                for (int i = 0; i < count; i++) {
                    progress.checkCancelled();
                    NDArray again = models.get(i).reconstruct(remeasured, acquisition,
                        progress.part(step, step + 1, steps, ""));
                    again.attach(scope);
                    float[] values = again.toFloatArray();
                    progress.progress(++step, steps, "Mirror test: " + models.get(i).name() + " on "
                        + models.get(j).name() + "'s mirrored images");
                    for (int b = 0; b < batch; b++) {
                        double error = 0;
                        double power = 0;
                        for (int p = b * pixels; p < (b + 1) * pixels; p++) {
                            double d = values[p] - reference[p];
                            error += d * d;
                            power += (double) reference[p] * reference[p];
                        }
                        scores[b][i] += error / Math.max(power, Double.MIN_NORMAL);
                    }
                }
            }
        }
        return scores;
    }
}

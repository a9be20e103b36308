/**
 * Training: {@link org.learnedrecon.training.ImageSliceDataset} (ground-truth slices), a
 * {@link org.learnedrecon.training.TrainingTask} that simulates measurements on the fly with fresh noise
 * ({@link org.learnedrecon.training.MeasurementTask}) or adds image noise
 * ({@link org.learnedrecon.training.DenoisingTask}), and {@link org.learnedrecon.training.TrainingRun}: Adam on the
 * MSE, per-epoch validation PSNR and checkpoints, exact resume. Everything random derives from the seed.
 * {@link org.learnedrecon.training.TrainMain} is the command line for background runs; physics are found in
 * {@link org.learnedrecon.acquisition.PhysicsCatalog}.
 */
package org.learnedrecon.training;

/**
 * Image-quality metrics following scikit-image's conventions exactly ({@link org.learnedrecon.metrics.Psnr},
 * {@link org.learnedrecon.metrics.Ssim}), on plain {@code float[]} images and on {@code (B, H, W)} NDArray batches;
 * agreement is tested against values written by {@code test-data/scripts/make_metric_fixtures.py}.
 */
package org.learnedrecon.metrics;

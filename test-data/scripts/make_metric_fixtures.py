#!/usr/bin/python3
"""Writes the PSNR/SSIM reference fixtures used by PsnrTest and SsimTest.

Run with Debian's python (it has scikit-image): /usr/bin/python3 test-data/scripts/make_metric_fixtures.py
from the repository root. Output, in test-data/metrics/:
  <name>.f32   little-endian float32, image_true (H*W, row-major) followed by image_test (H*W)
  reference.txt one line per pair:
    name H W data_range psnr ssim_uniform7 ssim_gauss_sample ssim_gauss_population  (computed in float64)
    name.f32 ...  the same four metrics computed by skimage on the float32 arrays (its float32 arithmetic)
Values come from skimage.metrics.peak_signal_noise_ratio(data_range=...) and structural_similarity(data_range=...)
with (a) defaults: 7x7 uniform window, use_sample_covariance=True; (b) gaussian_weights=True, sigma=1.5
(sample covariance, skimage's default); (c) as (b) with use_sample_covariance=False (Wang et al. 2004 exactly).
"""
import os
import numpy as np
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "metrics")


def pairs():
    rng = np.random.default_rng(20261129)
    # 64x64: piecewise-constant disc + rectangle phantom in [0, 1], test = phantom + Gaussian noise
    yy, xx = np.mgrid[0:64, 0:64]
    truth = np.zeros((64, 64))
    truth[(yy - 30) ** 2 + (xx - 34) ** 2 < 20 ** 2] = 0.6
    truth[20:36, 25:40] = 1.0
    test = truth + 0.08 * rng.standard_normal(truth.shape)
    yield "pair_64x64", truth, test, 1.0
    # 97x131 (non-square, odd sizes): smooth signed field with range ~[-1, 1.5], test = shifted + blurred-ish copy
    yy, xx = np.mgrid[0:97, 0:131]
    truth = np.sin(xx / 9.0) * np.cos(yy / 13.0) + 0.5 * (xx > 70) - 0.3 * (yy < 30)
    test = 0.9 * truth + 0.05 + 0.15 * rng.standard_normal(truth.shape)
    yield "pair_97x131", truth, test, 2.5
    # 7x9: the smallest image the uniform 7x7 window allows (gaussian 11-tap window excluded there)
    truth = rng.uniform(0, 1, (7, 9))
    test = truth + 0.2 * rng.uniform(-1, 1, (7, 9))
    yield "pair_7x9", truth, test, 1.0


def metrics(a, b, r):
    psnr = peak_signal_noise_ratio(a, b, data_range=r)
    uni = structural_similarity(a, b, data_range=r)
    if min(a.shape) >= 11:
        gs = structural_similarity(a, b, data_range=r, gaussian_weights=True, sigma=1.5)
        gp = structural_similarity(a, b, data_range=r, gaussian_weights=True, sigma=1.5,
                                   use_sample_covariance=False)
    else:
        gs = gp = float("nan")
    return [psnr, uni, gs, gp]


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = ["# skimage %s; name H W data_range psnr ssim_uniform7 ssim_gauss_sample ssim_gauss_population"
             % skimage.__version__]
    for name, truth, test, r in pairs():
        t32 = truth.astype("<f4")
        s32 = test.astype("<f4")
        with open(os.path.join(OUT, name + ".f32"), "wb") as f:
            f.write(t32.tobytes(order="C"))
            f.write(s32.tobytes(order="C"))
        h, w = truth.shape
        for suffix, a, b in (("", t32.astype(np.float64), s32.astype(np.float64)), (".f32", t32, s32)):
            vals = metrics(a, b, r)
            lines.append("%s%s %d %d %r %s" % (name, suffix, h, w, r, " ".join(repr(float(v)) for v in vals)))
    with open(os.path.join(OUT, "reference.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Makes the MRI test fixtures in test-data/mri with BART (v0.8) and numpy/h5py.

Run with Debian's python: /usr/bin/python3 test-data/scripts/make_mri_fixtures.py (needs `bart` on PATH).
Tests only read the committed outputs; they never need bart or python.

Array convention: our row-major Java array (..., H, W) is BART's column-major [W, H, ...] with the same bytes,
so BART dims [X, Y, 1, C] are our (C, H=Y, W=X). Sampled lines are columns (fixed W index), as in fastMRI.
"""
import os
import subprocess
import tempfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mri")
TMP = tempfile.mkdtemp()


def write_cfl(name, array_bart_order):
    """array in BART (Fortran) dimension order."""
    a = np.asarray(array_bart_order, dtype=np.complex64)
    with open(name + ".hdr", "w") as f:
        f.write("# Dimensions\n" + " ".join(str(d) for d in a.shape) + "\n")
    a.T.astype(np.complex64).tofile(name + ".cfl")  # Fortran order == C order of the transpose


def read_cfl(name):
    with open(name + ".hdr") as f:
        f.readline()
        dims = [int(d) for d in f.readline().split()]
    while len(dims) > 1 and dims[-1] == 1:
        dims.pop()
    data = np.fromfile(name + ".cfl", dtype=np.complex64)
    return data.reshape(dims[::-1]).T


def bart(*args):
    subprocess.run(["bart"] + [str(a) for a in args], check=True, stdout=subprocess.DEVNULL)


def out(name):
    return os.path.join(OUT, name)


def tmp(name):
    return os.path.join(TMP, name)


rng = np.random.default_rng(20261129)

# 1. FFT convention: random complex 16 (H) x 12 (W), BART dims [12, 16].
x = (rng.standard_normal((12, 16)) + 1j * rng.standard_normal((12, 16))).astype(np.complex64)
write_cfl(out("fft_in"), x)
bart("fft", "-u", 3, out("fft_in"), out("fft_u"))
bart("fft", "-u", "-i", 3, out("fft_in"), out("fft_ui"))

# 2. Single-coil 128x128 compressed sensing: Shepp-Logan, 4x random lines with 8% centre, noise, pics -l1 / TV.
n = 128
bart("phantom", "-x", n, out("sl128_truth"))
bart("fft", "-u", 3, out("sl128_truth"), tmp("k"))
k = read_cfl(tmp("k"))  # [W, H]
num_low = int(round(n * 0.08))
prob = (n / 4.0 - num_low) / (n - num_low)
cols = rng.uniform(size=n) < prob
pad = (n - num_low + 1) // 2
cols[pad:pad + num_low] = True
mask = np.zeros((n, n), np.complex64)
mask[cols, :] = 1  # BART dim0 is our W: a sampled column index w is mask[w, :]
noise = 0.01 * np.sqrt(np.mean(np.abs(k) ** 2) / 2) * (rng.standard_normal(k.shape) + 1j * rng.standard_normal(k.shape))
write_cfl(out("sl128_mask"), mask)
write_cfl(out("sl128_kspace"), (k + noise) * mask)
write_cfl(tmp("ones"), np.ones((n, n), np.complex64))
LAMBDA = 0.005
# -w 1: scaling factor 1 (no automatic data scaling); -n: no random wavelet shifts; -i 100 FISTA iterations.
bart("pics", "-l1", "-r", LAMBDA, "-n", "-w", 1, "-i", 100, "-p", out("sl128_mask"), out("sl128_kspace"), tmp("ones"),
     out("sl128_pics_l1"))
# a ten times stronger weight, where the regulariser visibly changes the image (PSNR drops)
bart("pics", "-l1", "-r", 10 * LAMBDA, "-n", "-w", 1, "-i", 100, "-p", out("sl128_mask"), out("sl128_kspace"),
     tmp("ones"), out("sl128_pics_l1_strong"))
bart("pics", "-R", "T:3:0:%g" % LAMBDA, "-w", 1, "-i", 100, "-p", out("sl128_mask"), out("sl128_kspace"), tmp("ones"),
     out("sl128_pics_tv"))
# BART's ADMM is far from converged after 100 iterations (19.96 dB; 38.1 dB after 1000): the agreement test of our
# Chambolle-Pock TV compares converged solutions of the same objective instead.
bart("pics", "-R", "T:3:0:%g" % LAMBDA, "-w", 1, "-i", 3000, "-p", out("sl128_mask"), out("sl128_kspace"),
     tmp("ones"), out("sl128_pics_tv_converged"))
with open(out("sl128_params.txt"), "w") as f:
    f.write("lambda=%g\nlambda_strong=%g (sl128_pics_l1_strong)\niterations=100\nscaling=1 (-w 1)\n"
            "wavelet_shifts=off (-n)\ntv=pics -R T:3:0:lambda -w 1 -i 100 (sl128_pics_tv)\n"
            "tv_converged=pics -R T:3:0:lambda -w 1 -i 3000 (sl128_pics_tv_converged)\n" % (LAMBDA, 10 * LAMBDA))

# 3. Eight coils, 64x64: coil images, true maps, ESPIRiT maps (one set) from the fully sampled k-space.
m = 64
bart("phantom", "-x", m, "-s", 8, tmp("coilimg"))
bart("phantom", "-x", m, "-S", 8, out("coil8_truemaps"))
bart("phantom", "-x", m, out("coil8_truth"))
bart("fft", "-u", 3, tmp("coilimg"), out("coil8_kspace"))
bart("ecalib", "-m", 1, "-r", 20, out("coil8_kspace"), out("coil8_ecalib"))

# 4. fastMRI-layout HDF5: analytic values so the reader test can check every element.
s, c, h, w = np.meshgrid(np.arange(2), np.arange(3), np.arange(8), np.arange(6), indexing="ij")
multi = (s + 0.1 * c + 0.01 * h + 0.001 * w + 1j * (s - 0.5 * c - h + 0.25 * w)).astype(np.complex64)
with h5py.File(out("fastmri_multicoil.h5"), "w") as f:
    f.create_dataset("kspace", data=multi)
    f.create_dataset("ismrmrd_header", data=np.bytes_(b"<ismrmrdHeader/>"))
    f.attrs["acquisition"] = "CORPD_FBK"
with h5py.File(out("fastmri_singlecoil.h5"), "w") as f:
    f.create_dataset("kspace", data=multi[:, 0])
print("fixtures written to", os.path.abspath(OUT))

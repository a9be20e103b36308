#!/usr/bin/python3
"""Times scikit-image iradon on sinograms written by org.learnedrecon.benchmark.CtBenchmark.

Usage: bench_skimage_iradon.py REPEATS FILE:N:ANGLES:DETECTORS [...]
Each FILE is a little-endian float32 sinogram of shape (ANGLES, DETECTORS) (our layout; skimage's is the
transpose), angles uniform over [0, 180) degrees. For each, one warm-up run and REPEATS timed runs of
iradon(sino.T, theta, filter_name='ramp', circle=False, output_size=N); prints one line per sinogram:
  N ANGLES MEDIAN_WALL_SECONDS MEDIAN_CPU_SECONDS
"""
import sys
import time
import numpy as np
from skimage.transform import iradon


def main():
    repeats = int(sys.argv[1])
    for spec in sys.argv[2:]:
        path, n, angles, detectors = spec.rsplit(':', 3)
        n, angles, detectors = int(n), int(angles), int(detectors)
        sino = np.fromfile(path, dtype='<f4').reshape(angles, detectors).T.astype(np.float64)
        theta = np.linspace(0, 180, angles, endpoint=False)
        iradon(sino, theta=theta, filter_name='ramp', circle=False, output_size=n)
        times = []
        cpu = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            c0 = time.process_time()
            iradon(sino, theta=theta, filter_name='ramp', circle=False, output_size=n)
            cpu.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        print(n, angles, float(np.median(times)), float(np.median(cpu)), flush=True)


if __name__ == '__main__':
    main()

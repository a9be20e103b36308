#!/usr/bin/python3
"""Writes test-data/skimage-shepp-logan-400.u8: scikit-image's shepp_logan_phantom() (400 x 400, values k/255
as stored in skimage's PNG) as raw uint8 bytes, row-major, row 0 at the top; value = byte / 255.
Run with Debian's python (skimage 0.19): /usr/bin/python3 test-data/scripts/make_skimage_shepp_logan.py"""
import os
import numpy as np
from skimage.data import shepp_logan_phantom

p = shepp_logan_phantom()
q = np.round(p * 255)
assert np.abs(q - p * 255).max() < 1e-6, "skimage phantom is not 8-bit quantised"
out = os.path.join(os.path.dirname(__file__), "..", "skimage-shepp-logan-400.u8")
q.astype(np.uint8).tofile(out)
print(out, p.shape, p.mean())

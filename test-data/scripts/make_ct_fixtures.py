#!/usr/bin/python3
"""Makes the CT reference fixtures in test-data/ct/ with scikit-image (run with Debian's /usr/bin/python3).

Writes little-endian float32 raw arrays (row-major, C order) and a text header `skimage_parallel64.properties`
giving shapes, angles and the skimage version:

  phantom64.f32        (64, 64)   ellipse phantom, 4x4 supersampled, values in [0, 1]
  radon64.f32          (60, 91)   skimage radon(phantom, theta, circle=False), TRANSPOSED to (angles, detectors)
  iradon64_ramp.f32    (64, 64)   skimage iradon(radon, theta, filter_name='ramp', circle=False)

theta = np.linspace(0, 180, 60, endpoint=False) degrees.
Pixel (row, col) centre: x = col - N//2, y = row - N//2 (the Java CtGeometry convention).
"""
import os
import numpy as np
import skimage
from skimage.transform import radon, iradon

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'ct')
N = 64
SUB = 4


def ellipse(img, value, cx, cy, a, b, phi_deg):
    n = img.shape[0]
    c = n // 2
    s = (np.arange(SUB) + 0.5) / SUB - 0.5
    rows = (np.arange(n)[:, None] + s[None, :]).reshape(-1) - c
    cols = rows.copy()
    y, x = np.meshgrid(rows, cols, indexing='ij')
    x = x - cx
    y = y - cy
    phi = np.deg2rad(phi_deg)
    u = x * np.cos(phi) + y * np.sin(phi)
    v = -x * np.sin(phi) + y * np.cos(phi)
    inside = (u / a) ** 2 + (v / b) ** 2 <= 1
    img += value * inside.reshape(n, SUB, n, SUB).mean(axis=(1, 3))


def main():
    os.makedirs(OUT, exist_ok=True)
    img = np.zeros((N, N))
    ellipse(img, 1.0, 0, 0, 26, 20, 0)
    ellipse(img, -0.6, -6, 3, 10, 6, 30)
    ellipse(img, 0.4, 9, -7, 5, 8, -20)
    ellipse(img, 0.3, 4, 10, 3, 3, 0)
    theta = np.linspace(0, 180, 60, endpoint=False)
    sino = radon(img, theta=theta, circle=False)
    rec = iradon(sino, theta=theta, filter_name='ramp', circle=False)
    img.astype('<f4').tofile(os.path.join(OUT, 'phantom64.f32'))
    np.ascontiguousarray(sino.T).astype('<f4').tofile(os.path.join(OUT, 'radon64.f32'))
    rec.astype('<f4').tofile(os.path.join(OUT, 'iradon64_ramp.f32'))
    with open(os.path.join(OUT, 'skimage_parallel64.properties'), 'w') as f:
        f.write('# made by test-data/scripts/make_ct_fixtures.py\n')
        f.write('skimage.version=%s\n' % skimage.__version__)
        f.write('image.size=%d\n' % N)
        f.write('angles.count=%d\nangles.start.deg=0\nangles.range.deg=180\n' % len(theta))
        f.write('detectors=%d\n' % sino.shape[0])
        f.write('phantom=phantom64.f32\nradon=radon64.f32\niradon.ramp=iradon64_ramp.f32\n')
        f.write('iradon.size=%d\n' % rec.shape[0])


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Reference contrasts for src/dog/dog.test.ts, made with SciPy (Debian python3-scipy).

Writes src/dog/scipy-dog.fixture.json: a 16x16 integer image, the ON filter and the ON/OFF contrasts after
scipy.ndimage.correlate (integer output, so truncated), a zeroed 5-pixel border and the threshold 15.
Run: python3 packages/encoding/scripts/make-dog-fixture.py > packages/encoding/src/dog/scipy-dog.fixture.json
"""
import json

import numpy as np
from scipy.ndimage import correlate


def difference_of_gaussians(size, sigma1, sigma2):
    centre = (size + 1) / 2.0
    coords = np.arange(1, size + 1) - centre
    dist2 = coords[None, :] ** 2 + coords[:, None] ** 2
    gauss = lambda s: np.exp(-dist2 / (2.0 * s * s)) / s  # noqa: E731
    f = (gauss(sigma1) - gauss(sigma2)) / np.sqrt(2.0 * np.pi)
    f = f - f.mean()
    return f / f.max()


def contrasts(image, filt, border=5, threshold=15):
    c = correlate(image, filt, mode="constant")
    mask = np.zeros(c.shape)
    mask[border:-border, border:-border] = 1
    c = c * mask
    return np.where(c >= threshold, c, 0).astype(int)


rng = np.random.RandomState(3)
img = np.zeros((16, 16), dtype=np.int64)
img[4:12, 6:10] = rng.randint(100, 256, size=(8, 4))
img[7, 3:13] = 255
on, off = difference_of_gaussians(7, 1, 2), difference_of_gaussians(7, 2, 1)
print(json.dumps({
    "image": img.flatten().tolist(),
    "on": on.flatten().tolist(),
    "onContrast": contrasts(img, on).flatten().tolist(),
    "offContrast": contrasts(img, off).flatten().tolist(),
}))

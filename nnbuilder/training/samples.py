"""Generated samples as files: a ``.png`` grid for image data, a ``.npy`` array for anything (e.g. N×2 points).

Pure numpy plus Pillow (no torch, no Qt), so the CLI's ``generate`` and the app's gallery tile images the
same way. Files are written with ``nnbuilder.fileio.atomic_write``.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from ..fileio import atomic_write
from .errors import TrainingError


def as_images(samples: np.ndarray) -> np.ndarray | None:
    """(N, H, W) or (N, H, W, 3) float images from samples shaped (N, H, W), (N, 1, H, W) or (N, 3, H, W);
    None when the samples are not images (points, vectors, sequences)."""
    x = np.asarray(samples)
    if x.ndim == 3 and min(x.shape[1:]) >= 4:
        return x
    if x.ndim == 4 and x.shape[1] == 1 and min(x.shape[2:]) >= 4:
        return x[:, 0]
    if x.ndim == 4 and x.shape[1] == 3 and min(x.shape[2:]) >= 4:
        return np.transpose(x, (0, 2, 3, 1))
    return None


def sample_grid(samples: np.ndarray, columns: int | None = None, pad: int = 2) -> np.ndarray:
    """One uint8 picture of the samples in a grid (about square), pixels scaled from the data's range:
    0..1 when every value lies there (sigmoid outputs), else -1..1 (tanh), else min..max."""
    images = as_images(samples)
    if images is None:
        raise TrainingError("These samples are not images; save them as .npy instead of .png.", kind="data")
    n = len(images)
    if n == 0:
        raise TrainingError("There are no samples to draw.", kind="data")
    lo, hi = float(np.nanmin(images)), float(np.nanmax(images))
    if lo >= -1e-3 and hi <= 1 + 1e-3:
        lo, hi = 0.0, 1.0
    elif lo >= -1 - 1e-3 and hi <= 1 + 1e-3:
        lo, hi = -1.0, 1.0
    scaled = np.clip((np.nan_to_num(images, nan=lo) - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    cols = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    h, w = scaled.shape[1:3]
    shape = (rows * (h + pad) + pad, cols * (w + pad) + pad) + scaled.shape[3:]
    grid = np.full(shape, 0.0, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = scaled[i]
    return (grid * 255.0 + 0.5).astype(np.uint8)


def write_samples(path: str | Path, samples: np.ndarray, columns: int | None = None) -> Path:
    """Write ``samples`` to ``path``: .npy the raw float32 array, .png a grid (image data only) of ``columns``
    columns (default: about square; a conditional GAN's samples in turn per class: one class per column)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".npy":
        buf = io.BytesIO()
        np.save(buf, np.ascontiguousarray(samples, dtype=np.float32), allow_pickle=False)
        return atomic_write(p, buf.getvalue())
    if suffix == ".png":
        from PIL import Image

        grid = sample_grid(samples, columns)
        buf = io.BytesIO()
        Image.fromarray(grid).save(buf, format="PNG")
        return atomic_write(p, buf.getvalue())
    raise TrainingError(f"'{p.name}': samples are written as .png (a grid of images) or .npy (the raw array), "
                        f"not '{p.suffix or 'no extension'}'.", kind="data")

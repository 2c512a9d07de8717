"""GAN views: a mosaic of generated images, the GAN Lab picture of 2-D data, and hints in plain words."""

from __future__ import annotations

import math

import numpy as np

from ..messages import GanLabFrame, Hint, SampleGrid
from .supervised import as_images

SAMPLE_COUNT = 64  # samples in the fixed-noise grid (8 × 8 images; the GAN Lab view draws as many points)
CLASS_ROWS = 8  # a conditional GAN's grid: at most this many rows (noise vectors), one column per class
POINT_COUNT = 512  # generated points in the 2-D views
REAL_POINTS = 1000  # real points drawn behind them
HEAT_GRID = 60  # the discriminator's heatmap is HEAT_GRID × HEAT_GRID
ARROW_SHARE = 0.06  # the longest arrow is this share of the plot's width


def tile_mosaic(images: np.ndarray, columns: int | None = None, pad: int = 1) -> np.ndarray:
    """(n, H, W) or (n, H, W, 3) images -> one uint8 mosaic with ``pad`` white pixels between tiles.

    The whole batch is scaled by one range (the generator's output range, usually [-1, 1] for tanh), so a
    grey sample stays grey beside a bright one, as the data set would show them.
    """
    imgs = np.asarray(images, dtype=np.float32)
    n = len(imgs)
    if n == 0:
        return np.zeros((1, 1), dtype=np.uint8)
    cols = columns or int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / cols))
    h, w = imgs.shape[1:3]
    finite = imgs[np.isfinite(imgs)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if lo >= -1.0 - 1e-3 and hi <= 1.0 + 1e-3 and lo < -1e-3:
        lo, hi = -1.0, 1.0  # a tanh generator: show its full range, not each frame's own
    elif lo >= -1e-3 and hi <= 1.0 + 1e-3:
        lo, hi = 0.0, 1.0
    hi = hi if hi > lo else lo + 1.0
    scaled = np.nan_to_num((imgs - lo) / (hi - lo), nan=0.0).clip(0.0, 1.0)
    shape = (rows * (h + pad) - pad, cols * (w + pad) - pad) + imgs.shape[3:]
    mosaic = np.full(shape, 255, dtype=np.uint8)
    tiles = (scaled * 255.0 + 0.5).astype(np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        mosaic[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = tiles[i]
    return np.ascontiguousarray(mosaic)


def retile(mosaic: np.ndarray, count: int, columns: int, new_columns: int, pad: int = 1) -> np.ndarray:
    """A ``tile_mosaic`` of ``count`` tiles in ``columns`` columns, laid out again in ``new_columns``."""
    if new_columns == columns or count <= 0 or columns <= 0:
        return mosaic
    rows = math.ceil(count / columns)
    h = (mosaic.shape[0] + pad) // rows - pad
    w = (mosaic.shape[1] + pad) // columns - pad
    new_rows = math.ceil(count / new_columns)
    out = np.full((new_rows * (h + pad) - pad, new_columns * (w + pad) - pad) + mosaic.shape[2:], 255,
                  dtype=mosaic.dtype)
    for i in range(count):
        r, c = divmod(i, columns)
        nr, nc = divmod(i, new_columns)
        out[nr * (h + pad): nr * (h + pad) + h, nc * (w + pad): nc * (w + pad) + w] = \
            mosaic[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w]
    return np.ascontiguousarray(out)


def class_blocks(mosaic: np.ndarray, count: int, columns: int, blocks: int, pad: int = 1, gap: int = 8
                 ) -> np.ndarray:
    """A conditional GAN's ``tile_mosaic`` (one class per column, one noise vector per row) with its rows dealt
    into ``blocks`` blocks side by side, ``gap`` white pixels apart: every block keeps one class per column, so
    a short, wide tab shows 8 rows as two blocks of 4 at twice the size."""
    rows = math.ceil(count / max(columns, 1))
    if blocks <= 1 or count <= 0 or columns <= 0 or rows <= 1:
        return mosaic
    h = (mosaic.shape[0] + pad) // rows - pad
    w = (mosaic.shape[1] + pad) // columns - pad
    per = math.ceil(rows / blocks)
    block_w = columns * (w + pad) - pad
    out = np.full((per * (h + pad) - pad, blocks * block_w + (blocks - 1) * gap) + mosaic.shape[2:], 255,
                  dtype=mosaic.dtype)
    for i in range(count):
        r, c = divmod(i, columns)
        b, nr = divmod(r, per)
        x, y = b * (block_w + gap) + c * (w + pad), nr * (h + pad)
        out[y:y + h, x:x + w] = mosaic[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w]
    return np.ascontiguousarray(out)


def blocks_to_fit(rows: int, columns: int, width: float, height: float, header: float = 0.5,
                  gap: float = 0.3) -> int:
    """How many blocks of ``class_blocks`` show square tiles largest in a ``width`` × ``height`` box, with
    ``header`` tiles of height for the class names over each block and ``gap`` tiles between blocks."""
    if rows <= 1 or columns <= 0 or width <= 0 or height <= 0:
        return 1
    choices = [k for k in range(1, rows + 1) if rows % k == 0]

    def tile(k: int) -> float:
        return min(width / (k * columns + (k - 1) * gap), height / (rows // k + header))

    return max(choices, key=lambda k: (tile(k), -k))


def columns_to_fit(count: int, width: float, height: float) -> int:
    """The number of columns that shows ``count`` square tiles largest in a ``width`` × ``height`` box."""
    if count <= 0 or width <= 0 or height <= 0:
        return max(1, math.ceil(math.sqrt(max(count, 1))))
    return max(range(1, count + 1), key=lambda c: (min(width / c, height / math.ceil(count / c)), -c))


def sample_grid(samples: np.ndarray, epoch: int, position: float, steps: int,
                classes: list[str] | None = None) -> SampleGrid | None:
    """The Samples view's frame for the generator's output ``samples``: a mosaic for image-shaped samples,
    the points for 2-D ones, None for anything else (tables of more than two columns). ``classes``: a
    conditional GAN's class names, sample i being of class i mod classes: one column per class."""
    x = np.asarray(samples)
    if x.ndim == 2 and x.shape[1] == 2:
        return SampleGrid(epoch, position, steps, points=np.ascontiguousarray(x, dtype=np.float32), count=len(x))
    images = as_images(x)
    if images is None:
        return None
    if classes:
        cols = len(classes)
        images = images[:CLASS_ROWS * cols]
        return SampleGrid(epoch, position, steps, mosaic=tile_mosaic(images, cols), count=len(images), columns=cols,
                          classes=list(classes))
    images = images[:SAMPLE_COUNT]
    cols = int(math.ceil(math.sqrt(len(images))))
    return SampleGrid(epoch, position, steps, mosaic=tile_mosaic(images, cols), count=len(images), columns=cols)


def plane_grid(extent: tuple[float, float, float, float], n: int = HEAT_GRID) -> np.ndarray:
    """(n*n, 2) float32 points of a regular grid over ``extent``; row i of the image is y = ys[i]."""
    xs = np.linspace(extent[0], extent[1], n, dtype=np.float32)
    ys = np.linspace(extent[2], extent[3], n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return np.ascontiguousarray(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=np.float32)


def points_extent(points: np.ndarray, margin: float = 0.25) -> tuple[float, float, float, float]:
    """A square around ``points`` with a margin, so generated points that stray a little stay in view."""
    p = np.asarray(points, dtype=np.float64)
    p = p[np.all(np.isfinite(p), axis=1)]
    if not len(p):
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = p.min(axis=0), p.max(axis=0)
    center = (lo + hi) / 2
    half = max(float((hi - lo).max()) / 2, 1e-3) * (1 + margin)
    return (float(center[0] - half), float(center[0] + half), float(center[1] - half), float(center[1] + half))


def scale_arrows(gradient: np.ndarray, extent: tuple[float, float, float, float],
                 share: float = ARROW_SHARE) -> np.ndarray:
    """Scale the generator's per-sample directions for drawing: the longest becomes ``share`` of the plot's
    width, the others keep their relative lengths (a sample D already takes for real barely moves)."""
    g = np.nan_to_num(np.asarray(gradient, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if not g.size:
        return g.reshape(0, 2)
    longest = float(np.sqrt((g ** 2).sum(axis=1)).max())
    if longest <= 0:
        return np.zeros_like(g)
    return np.ascontiguousarray(g * (share * (extent[1] - extent[0]) / longest), dtype=np.float32)


def arrow_segments(points: np.ndarray, arrows: np.ndarray, head: float = 0.3) -> np.ndarray:
    """(k, 2) vertices of line segments in pairs (for ``connect="pairs"``): a shaft from each point along its
    arrow and two short barbs at the tip, so direction reads at a glance."""
    p = np.asarray(points, dtype=np.float32)
    a = np.asarray(arrows, dtype=np.float32)
    tip = p + a
    # barbs: the arrow turned by ±150°, ``head`` of its length
    c, s = math.cos(math.radians(150)), math.sin(math.radians(150))
    left = np.stack([a[:, 0] * c - a[:, 1] * s, a[:, 0] * s + a[:, 1] * c], axis=1) * head
    right = np.stack([a[:, 0] * c + a[:, 1] * s, -a[:, 0] * s + a[:, 1] * c], axis=1) * head
    segs = np.stack([p, tip, tip, tip + left, tip, tip + right], axis=1)  # (n, 6, 2)
    return np.ascontiguousarray(segs.reshape(-1, 2), dtype=np.float32)


def gan_lab_frame(real: np.ndarray, fake: np.ndarray, d_on_grid: np.ndarray, gradient: np.ndarray | None,
                  extent: tuple[float, float, float, float], epoch: int, position: float, *, d_steps: int = 0,
                  g_steps: int = 0, coverage: tuple[int, int, float] | None = None) -> GanLabFrame:
    """The GAN Lab frame: D's output on the grid reshaped to an image, arrows scaled to the plot."""
    d = np.asarray(d_on_grid, dtype=np.float32).reshape(-1)
    n = int(round(math.sqrt(len(d))))
    heat = np.ascontiguousarray(np.clip(np.nan_to_num(d, nan=0.5), 0.0, 1.0).reshape(n, n), dtype=np.float32)
    arrows = None if gradient is None else scale_arrows(gradient, extent)
    covered = modes = None
    quality = None
    if coverage is not None:
        covered, modes, quality = int(coverage[0]), int(coverage[1]), float(coverage[2])
    return GanLabFrame(epoch, position, np.ascontiguousarray(real, dtype=np.float32),
                       np.ascontiguousarray(fake, dtype=np.float32), heat, extent, arrows, int(d_steps),
                       int(g_steps), covered, modes, quality)


def hints_from(sentences: list[str]) -> list[Hint]:
    """The core's hint sentences as Hints with stable keys (the first words), one per kind of trouble."""
    out: list[Hint] = []
    seen: set[str] = set()
    for text in sentences:
        text = str(text).strip()
        if not text:
            continue
        key = " ".join(text.lower().split()[:4])
        if key in seen:
            continue
        seen.add(key)
        out.append(Hint(key=key, text=text))
    return out

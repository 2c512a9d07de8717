"""The Weights view: per-layer histograms on power-of-two ranges (so re-binning stays exact), strided weight
matrices and an image of the first convolution's filters, from one core ``Snapshot``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..messages import WeightsUpdate

HIST_BINS = 64  # even, so doubling a histogram's range merges bin pairs exactly (see merge_histogram)
MATRIX_MAX_SIDE = 512  # larger Dense matrices are strided down before they cross threads
MAX_FILTERS = 64
MAX_CHANNELS = 16  # a 1-D convolution's input channels shown side by side in each filter's row


def merge_histogram(counts: np.ndarray) -> np.ndarray:
    """Re-bin counts over [-R, R] into counts over [-2R, 2R] with the same number of bins, exactly.

    The old range becomes the middle half of the new one and each new bin there holds two old bins.
    """
    n = counts.shape[-1]
    out = np.zeros_like(counts)
    pairs = counts.reshape(*counts.shape[:-1], n // 2, 2).sum(axis=-1)
    out[..., n // 4 : n // 4 + n // 2] = pairs
    return out


def filter_mosaic(w: np.ndarray, max_filters: int = MAX_FILTERS, max_channels: int = MAX_CHANNELS) -> np.ndarray:
    """The first convolution's filters as one float32 image, in the weights' own units (the panel's colour key
    reads them); NaN marks the gaps between tiles.

    2-D filters (out, in, kh, kw) are tiled as a square-ish mosaic of (kh, kw) tiles, averaged over their input
    channels. 1-D filters (out, in, k) are one row per filter with the kernel's taps as columns and the input
    channels side by side (a NaN column between them): as (in, k) tiles in a mosaic, a kernel of 1 over 7
    channels was a 1-pixel-wide strip 7 tall per filter, and over one channel a grid of lone squares. With a
    kernel of 1 the row is the filter's weight for each input channel, like a Dense layer's matrix.
    """
    w = np.asarray(w, dtype=np.float32)[:max_filters]
    if w.ndim == 3:
        n, channels, k = w.shape
        channels = min(channels, max_channels)
        if k == 1:
            return np.ascontiguousarray(w[:, :channels, 0])
        rows = np.full((n, channels * (k + 1) - 1), np.nan, dtype=np.float32)
        for c in range(channels):
            rows[:, c * (k + 1) : c * (k + 1) + k] = w[:, c, :]
        return rows
    tiles = w.mean(axis=1)  # (out, kh, kw)
    n, th, tw = tiles.shape
    cols = int(np.ceil(np.sqrt(n)))
    grid_rows = int(np.ceil(n / cols))
    mosaic = np.full((grid_rows * (th + 1) - 1, cols * (tw + 1) - 1), np.nan, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        mosaic[r * (th + 1) : r * (th + 1) + th, c * (tw + 1) : c * (tw + 1) + tw] = tiles[i]
    return mosaic


def weights_update(snapshot: Any, position: float, hist_ranges: dict[str, float]) -> WeightsUpdate:
    """What the Weights view draws from one ``Snapshot``; ``hist_ranges`` (layer -> R) persists across a run
    and only ever doubles, so earlier histogram columns can be merged onto the same value axis."""
    update = WeightsUpdate(epoch=snapshot.epoch, position=position, grad_norms=dict(snapshot.grad_norms),
                           dead_units=dict(snapshot.dead_units))
    for name, w in snapshot.weights.items():
        w = np.asarray(w)
        if w.size == 0 or not np.issubdtype(w.dtype, np.floating):
            continue
        w32 = w.astype(np.float32, copy=False)
        finite = w32[np.isfinite(w32)]
        peak = float(np.abs(finite).max()) if finite.size else 0.0
        r = hist_ranges.get(name)
        if r is None:  # a power of two, so later doublings keep bins aligned
            r = float(2.0 ** np.ceil(np.log2(max(peak, 1e-3))))
        while peak > r and r < 1e30:
            r *= 2.0
        hist_ranges[name] = r
        counts, _ = np.histogram(finite, bins=HIST_BINS, range=(-r, r))
        update.histograms[name] = counts.astype(np.float32)
        update.shapes[name] = tuple(int(d) for d in w.shape)
        update.hist_ranges[name] = r
        if w.ndim == 2:
            rs = max(1, int(np.ceil(w.shape[0] / MATRIX_MAX_SIDE)))
            cs = max(1, int(np.ceil(w.shape[1] / MATRIX_MAX_SIDE)))
            update.matrices[name] = np.ascontiguousarray(w32[::rs, ::cs], dtype=np.float32)
        elif w.ndim in (3, 4) and update.filters is None:
            update.filters = filter_mosaic(w32)
            update.filters_layer = name
    return update

"""The sketch pad's pen and its MNIST-style centring, without Qt."""

from __future__ import annotations

import numpy as np

from nnbuilder.teach.sketch import new_picture, stroke


def test_strokes_are_soft_and_never_brighter_than_one() -> None:
    pic = stroke(new_picture(), (5, 14), (22, 14), 1.4)
    stroke(pic, (5, 14), (22, 14), 1.4)
    assert pic[13:15, 10].min() == 1.0 and 0 < pic[12, 10] < 1.0  # full ink on the line, soft at its edge
    assert pic[:8].max() == 0  # nothing far from the line


def test_centre_like_mnist_moves_the_centre_of_mass_and_keeps_the_ink() -> None:
    from nnbuilder.teach.sketch import centre_like_mnist

    pic = stroke(new_picture(), (3, 3), (9, 5), 1.5)
    out = centre_like_mnist(pic)
    ys, xs = np.mgrid[0:28, 0:28]
    assert abs((out * xs).sum() / out.sum() - 13.5) < 0.05 and abs((out * ys).sum() / out.sum() - 13.5) < 0.05
    assert abs(out.sum() - pic.sum()) < 1e-6 * pic.sum() + 1e-9
    assert centre_like_mnist(new_picture()).max() == 0

"""The sketch pad's two halves without Qt: strokes on a 28×28 picture, and the trained model that reads it.

The picture is float64 in [0, 1], ink 1 on black 0 like MNIST and Fashion-MNIST. Strokes are soft-edged
discs swept along the pen's path, because the training pictures are anti-aliased: a hard one-pixel pen gives
the network something it never saw. The model is the project's own network with its trained weights, either
the app's last run or the ``<name>.weights.safetensors`` file beside the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import TeachError

SIZE = 28
WEIGHTS_SUFFIX = ".weights.safetensors"
IMAGE_SETS = {"fashion_mnist": "Fashion-MNIST", "mnist_test": "MNIST digits"}


def new_picture() -> np.ndarray:
    return np.zeros((SIZE, SIZE), dtype=np.float64)


def stroke(picture: np.ndarray, start: tuple[float, float], end: tuple[float, float], radius: float = 1.4,
           softness: float = 0.8) -> np.ndarray:
    """Ink a segment (pixel coordinates x, y, may be fractional) into ``picture`` in place and return it.

    Each pixel takes the larger of its ink and the pen's coverage, so going over a line again does not make it
    brighter than 1, as with a real pen.
    """
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64) + 0.5
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    if length2 == 0:
        t = np.zeros_like(xs)
    else:
        t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0.0, 1.0)
    dist = np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))
    ink = np.clip((radius + softness - dist) / (2 * softness), 0.0, 1.0)
    np.maximum(picture, ink, out=picture)
    return picture


def centre_like_mnist(picture: np.ndarray) -> np.ndarray:
    """The picture moved (bilinear, sub-pixel) so its centre of mass is the image centre, as MNIST's own digits
    were prepared; a plain MLP has never seen a digit off centre and misreads one drawn high or to the side."""
    total = float(picture.sum())
    if total == 0:
        return picture.copy()
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    dx = SIZE / 2 - 0.5 - float((picture * xs).sum()) / total
    dy = SIZE / 2 - 0.5 - float((picture * ys).sum()) / total
    sx, sy = xs - dx, ys - dy
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = sx - x0, sy - y0
    out = np.zeros_like(picture, dtype=np.float64)
    for ox, wx in ((0, 1 - fx), (1, fx)):
        for oy, wy in ((0, 1 - fy), (1, fy)):
            xi, yi = x0 + ox, y0 + oy
            ok = (xi >= 0) & (xi < SIZE) & (yi >= 0) & (yi < SIZE)
            out[ok] += (wx * wy)[ok] * picture[yi[ok], xi[ok]]
    return np.clip(out, 0.0, 1.0)


def weights_path_for(project_path: str | Path) -> Path:
    """``mlp.nnb`` -> ``mlp.weights.safetensors`` beside it (where the app's Save weights puts them)."""
    p = Path(project_path)
    return p.with_name(p.stem + WEIGHTS_SUFFIX)


def class_names_for(project: Any, units: int) -> list[str]:
    from ..data.images import DIGIT_CLASSES, FASHION_CLASSES

    names = {"fashion_mnist": FASHION_CLASSES, "mnist_test": DIGIT_CLASSES}.get(project.data.dataset)
    if names is not None and len(names) == units:
        return list(names)
    return [str(i) for i in range(units)]


@dataclass
class SketchModel:
    """A compiled project network in eval mode that turns one 28×28 picture into class probabilities."""

    model: Any
    input_shape: tuple[int, ...]
    scale: float  # 1 when the project's data are divided by 255, else 255
    class_names: list[str]
    source: str  # where the weights came from, for the view to say

    def probabilities(self, picture: np.ndarray) -> np.ndarray:
        """Class probabilities (softmax applied exactly once) for a (28, 28) picture with values in [0, 1]."""
        import torch

        arr = np.asarray(picture, dtype=np.float32)
        if arr.shape != (SIZE, SIZE):
            raise TeachError(f"The sketch is {arr.shape}, not {SIZE}×{SIZE}.")
        x = torch.from_numpy(np.ascontiguousarray(arr * self.scale).reshape(1, *self.input_shape))
        param = next(self.model.parameters(), None)
        if param is not None:
            x = x.to(param.device)
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                out = self.model(x).float()
        finally:
            self.model.train(was_training)
        return _to_probabilities(out, getattr(self.model, "output_activation", None))[0].cpu().numpy()


def _to_probabilities(out: Any, activation: str | None) -> Any:
    import torch

    if activation == "softmax":
        return out
    if activation == "log_softmax":
        return out.exp()
    if out.shape[1] == 1:
        p = out if activation == "sigmoid" else torch.sigmoid(out)
        return torch.cat([1 - p, p], dim=1)
    if activation == "sigmoid":
        return out
    return torch.softmax(out, dim=1)


def _check_input(project: Any) -> tuple[int, ...]:
    from ..compiler import infer

    graph = project.graph()
    inf = infer(graph, project.training)
    if not inf.ok:
        raise TeachError(f"The network has problems to fix first: {inf.errors()[0].message}")
    if len(inf.inputs) != 1:
        raise TeachError("The sketch pad needs a network with exactly one Input.")
    node = graph.node(inf.inputs[0])
    shape = tuple(int(d) for d in (inf.nodes[node.id].output_shape or ()))
    if shape not in ((SIZE, SIZE), (SIZE * SIZE,), (1, SIZE, SIZE)):
        raise TeachError(f"The sketch pad draws {SIZE}×{SIZE} grey pictures, but the input '{node.display_name}' "
                         f"expects {'×'.join(map(str, shape)) or 'a single number'}; open an MNIST or Fashion-MNIST "
                         "network (input 28×28, 784 or 1×28×28).")
    return shape


def sketch_model(project: Any, *, model: Any = None, project_path: str | Path | None = None) -> SketchModel:
    """The project's network with trained weights: ``model`` (the app's last run) or the weights file.

    Raises a TeachError that says what to do when there are no trained weights: untrained guesses would
    teach nothing.
    """
    shape = _check_input(project)
    source = "the last training run"
    if model is None:
        if project_path is None:
            raise TeachError("There are no trained weights yet: train the network (or open a project saved with "
                             "Save weights) and open the sketch pad again.")
        path = weights_path_for(project_path)
        if not path.is_file():
            raise TeachError(f"There are no trained weights yet: train the network, or use Save weights so that "
                             f"'{path.name}' lies beside '{Path(project_path).name}'.")
        model = build_with_weights(project, path)
        source = f"'{path.name}'"
    units = _output_units(model, shape)
    normalize = bool(project.data.options.get("normalize", True))
    return SketchModel(model, shape, 1.0 if normalize else 255.0, class_names_for(project, units), source)


def build_with_weights(project: Any, path: Path) -> Any:
    """Compile the project and load a weights file into it, naming the file and layer on mismatch.

    The loading is the trainer's own (``nnbuilder.training.weights.load_state``): files from the app's Save
    weights, from ``nnbuilder train --out`` and from the exported ``train.py --out`` all load.
    """
    from .. import build_model
    from ..training.errors import TrainingError
    from ..training.weights import load_state

    model = build_model(project)
    graph = project.graph()
    titles = {n.id: n.display_name for n in graph.nodes}
    layer_names = {module: titles.get(nid, module) for nid, module in getattr(model, "node_modules", {}).items()}
    try:
        load_state(model, path, layer_names)
    except TrainingError as exc:
        advice = " Train this network again and save its weights." if "different network" in exc.message else ""
        raise TeachError(exc.message + advice) from exc
    return model


def _output_units(model: Any, shape: tuple[int, ...]) -> int:
    import torch

    param = next(model.parameters(), None)
    x = torch.zeros((1, *shape))
    if param is not None:
        x = x.to(param.device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        model.train(was_training)
    if out.dim() != 2:
        raise TeachError("The sketch pad needs a network that ends in one score per class.")
    return 2 if out.shape[1] == 1 else int(out.shape[1])

"""Saving and loading trained weights as safetensors, with errors that name the file and the layer.

safetensors holds plain tensors (no pickle, so opening a file from a classmate cannot run code);
``.pt``/``.pth`` state dicts are read with ``weights_only=True`` for the same reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from .errors import TrainingError


def _shape(t: Any) -> str:
    return "×".join(str(int(d)) for d in t.shape) or "a single number"


def save_state(model: torch.nn.Module, path: str | Path, metadata: dict[str, str] | None = None) -> Path:
    """Write the model's state dict (parameters and buffers) to ``path`` as safetensors, atomically (a crash
    mid-write leaves the previous file, never half of one)."""
    from safetensors.torch import save

    from ..fileio import atomic_write

    path = Path(path)
    tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = save(tensors, metadata={k: str(v) for k, v in (metadata or {}).items()})
        atomic_write(path, data)
    except OSError as exc:
        raise TrainingError(f"The weights could not be written to '{path.name}': {exc.strerror or exc}.",
                            kind="runtime") from exc
    return path


def read_state(path: str | Path) -> dict[str, torch.Tensor]:
    """Tensors from a safetensors file (or a .pt/.pth state dict), or a TrainingError naming the file."""
    path = Path(path)
    name = f"'{path.name}'"
    if path.is_dir():
        raise TrainingError(f"{name} is a folder, not a weights file.", kind="data")
    if not path.is_file():
        raise TrainingError(f"The weights file {name} does not exist.", kind="data")
    if path.suffix.lower() in (".pt", ".pth"):
        try:
            state = torch.load(str(path), map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same sentence
            raise TrainingError(f"{name} is not a PyTorch state dict that can be loaded safely ({exc}).",
                                kind="data") from exc
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise TrainingError(f"{name} does not hold a state dict of tensors.", kind="data")
        return dict(state)
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise TrainingError(f"{name} is not a safetensors weights file ({exc}).", kind="data") from exc


def _layer_phrase(key: str, model: torch.nn.Module, layer_names: dict[str, str]) -> str:
    """How a load error names the layer that holds ``key``: "'hidden'" for a network's own layer, or
    "'g_hidden' of the generator 'generator'" when ``key`` sits in a compiled network nested in ``model``.

    A GAN's weights file holds both networks, each under its role (``generator.g_hidden.0.weight``), and
    ``layer_names`` names only those networks ("generator 'generator'"); quoting that as a layer read
    "the layer 'generator 'generator''", which told the student neither the layer nor the network plainly.
    """
    parts = key.split(".")
    top = parts[0]
    label = layer_names.get(top, top)
    child = dict(model.named_children()).get(top)
    if len(parts) > 2 and hasattr(child, "node_modules"):  # a compiled graph: its children are the layers
        return f"'{parts[1]}' of the {label}"
    return f"'{label}'"


def from_exported_code(state: dict[str, torch.Tensor], model: torch.nn.Module,
                       layer_names: dict[str, str]) -> dict[str, torch.Tensor]:
    """``state`` under ``model``'s own names when it was saved by the exported code (``train.py --out``, or
    ``save_file(model.state_dict(), ...)`` with the exported ``model.py``): those name a layer's tensors
    ``hidden.weight`` where the compiled module has ``hidden.0.weight``. The names are mapped by the exporter's
    own rules (``nnbuilder.export.weights.compiled_names``, which gives the mapping ``nnbuilder export
    --weights`` uses). Any other state comes back unchanged, for the caller's checks to name what does not fit.
    """
    own = model.state_dict()
    if set(state) == set(own):
        return state
    from ..export.weights import compiled_names

    mapping = compiled_names(state, model, layer_names)
    if mapping is None or set(mapping.values()) != set(own):
        return state
    return {mapping[k]: v for k, v in state.items()}


def load_state(model: torch.nn.Module, path: str | Path, layer_names: dict[str, str]) -> None:
    """Copy the weights in ``path`` into ``model`` after checking every name and shape.

    ``layer_names`` maps a top-level module name to the layer name the student sees on the canvas, so a
    mismatch reads "the layer 'hidden' needs 128×784 but 'w.safetensors' holds 64×784". For a GAN it maps
    each network ("generator 'generator'") and the error names the layer inside it, too. A file saved by
    the exported ``model.py`` and ``train.py`` (``hidden.weight``, not ``hidden.0.weight``) loads as well.
    """
    path = Path(path)
    name = f"'{path.name}'"
    own = model.state_dict()
    state = from_exported_code(read_state(path), model, layer_names)

    def layer(key: str) -> str:
        return _layer_phrase(key, model, layer_names)

    missing = [k for k in own if k not in state]
    if missing:
        raise TrainingError(f"{name} has no weights for the layer {layer(missing[0])} ({missing[0]}); it was "
                            "saved from a different network.", kind="model")
    extra = [k for k in state if k not in own]
    if extra:
        raise TrainingError(f"{name} has weights for a layer {layer(extra[0])} ({extra[0]}) that this network "
                            "does not have; it was saved from a different network.", kind="model")
    for key, target in own.items():
        source = state[key]
        if tuple(source.shape) != tuple(target.shape):
            raise TrainingError(f"The layer {layer(key)} needs {key} shaped {_shape(target)} but {name} holds "
                                f"{_shape(source)}; it was saved from a different network.", kind="model")
    with torch.no_grad():
        for key, target in own.items():
            target.copy_(state[key].to(device=target.device, dtype=target.dtype))

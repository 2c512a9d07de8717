"""Weights between the compiled module and the exported ``model.py``, keyed by the exported layer names.

The compiled module wraps some layers (a Dense with an activation is ``Sequential(Linear, ReLU)``, a
recurrent layer keeps its ``nn.LSTM`` under ``.rnn``); the exported file uses the torch layer itself.
Each node's state is taken from the innermost module that holds all of it, so the keys are the
plain ``hidden.weight`` a reader of ``model.py`` expects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compiler import build_module, module_names
from ..project.model import Project
from .errors import ExportError
from .names import RESERVED, safe_text, snake
from .pytorch import ModelSource

#: How the note about untrained weights ends for ``nnbuilder export``; the app passes its own words.
CLI_WEIGHTS_HINT = "pass --weights to export trained ones"


@dataclass(frozen=True)
class StateWeights:
    """Weights in memory instead of a file (the app's last training run): a state dict under the compiled
    module's names (or the exported ones), and how a message calls them ("the last training run")."""

    state: Mapping[str, Any]
    description: str = "the given weights"


#: What ``export_project(weights=...)`` takes: a weights file, weights in memory, or None (initial weights).
Weights = str | Path | StateWeights | Mapping[str, Any] | None


def compile_model(project: Project, source: ModelSource) -> Any:
    """The compiled module with the project's seeded initial weights (as nnbuilder starts training)."""
    import torch

    torch.manual_seed(int(project.training.seed))
    return build_module(source.graph, project.training, source.inference)


def model_with_weights(project: Project, source: ModelSource, weights: Weights,
                       hint: str = CLI_WEIGHTS_HINT) -> tuple[Any, str]:
    """The compiled module with ``weights`` loaded, or with its seeded initial weights and a note saying so.

    ``hint`` ends that note: how to give trained weights where the export was asked for (the CLI's option,
    the app's Weights field).
    """
    model = compile_model(project, source)
    if weights is None:
        return model, (f"No weights given: the file holds the network's initial weights (seed "
                       f"{int(project.training.seed)}); {hint}.")
    load_weights(model, source, weights)
    return model, ""


def _core(module: Any) -> Any:
    """Descend through wrappers (no state of their own, one child holding all of it) to the layer itself."""
    while True:
        own = list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False))
        if own:
            return module
        stateful = [c for c in module.children() if any(True for _ in c.state_dict())]
        if len(stateful) != 1:
            return module
        module = stateful[0]


def node_modules(model: Any, source: ModelSource) -> dict[str, Any]:
    """node id -> the compiled submodule built for it."""
    table = getattr(model, "node_modules", None) or module_names(source.graph)
    out = {}
    for nid, name in table.items():
        try:
            out[nid] = model.get_submodule(name)
        except AttributeError:
            continue
    return out


def exported_state(model: Any, source: ModelSource) -> dict[str, Any]:
    """The compiled module's tensors under the exported names (``attr.weight``), CPU and contiguous."""
    modules = node_modules(model, source)
    state: dict[str, Any] = {}
    for nid, attr in source.attributes.items():
        module = modules.get(nid)
        if module is None:
            continue
        for key, value in _core(module).state_dict().items():
            state[f"{attr}.{key}"] = value.detach().to("cpu").contiguous().clone()
    expected = sum(1 for _ in model.state_dict())
    if len(state) != expected:
        raise ExportError(f"The weights of '{safe_text(source.graph.name)}' could not all be matched to the "
                          f"exported layers ({len(state)} of {expected} tensors).")
    return state


def _read(path: Path) -> dict[str, Any]:
    import torch

    if not path.is_file():
        raise ExportError(f"The weights file '{path.name}' does not exist.")
    if path.suffix.lower() in (".pt", ".pth"):
        try:
            state = torch.load(str(path), map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same sentence
            raise ExportError(f"'{path.name}' is not a PyTorch state dict that can be loaded safely ({exc}).") from exc
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise ExportError(f"'{path.name}' does not hold a state dict of tensors.")
        return dict(state)
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ExportError(f"'{path.name}' is not a safetensors weights file ({exc}).") from exc


def load_weights(model: Any, source: ModelSource, weights: str | Path | StateWeights | Mapping[str, Any]) -> None:
    """Load ``weights`` into the compiled ``model``: nnbuilder's own weights files, an exported one, or a state
    dict in memory (``StateWeights``, e.g. the app's last training run).

    A file saved by ``nnbuilder train --out`` or the app uses the compiled module's names; a file written
    by this exporter uses the exported names. Either works; anything else is named layer by layer.
    """
    import torch

    if isinstance(weights, Mapping):
        weights = StateWeights(weights)
    graph = safe_text(source.graph.name)
    if isinstance(weights, StateWeights):
        state = dict(weights.state)
        what = weights.description

        def mismatch(where: str) -> str:
            return (f"The weights of {what} do not fit the network: it has changed since (the layer tensor "
                    f"'{where}' of graph '{graph}'). Train it again, or choose other weights.")

        def wrong_shape(key: str, got: str, shape: str) -> str:
            return (f"The weights of {what} hold {key} shaped {got}, but the network now needs {shape}: it has "
                    "changed since. Train it again, or choose other weights.")
    else:
        path = Path(weights)
        state = _read(path)

        def mismatch(where: str) -> str:
            return (f"'{path.name}' was saved from a different network: it does not match the layer tensor "
                    f"'{where}' of graph '{graph}'.")

        def wrong_shape(key: str, got: str, shape: str) -> str:
            return (f"'{path.name}' holds {key} shaped {got}, but the network needs {shape}; it was saved from a "
                    "different network.")
    own = model.state_dict()
    if set(state) != set(own):
        exported = exported_state(model, source)
        if set(state) == set(exported):
            reverse = _exported_to_compiled(model, source)
            state = {reverse[k]: v for k, v in state.items()}
        else:
            missing = sorted(set(own) - set(state))
            raise ExportError(mismatch(missing[0] if missing else sorted(set(state) - set(own))[0]))
    for key, target in own.items():
        if tuple(state[key].shape) != tuple(target.shape):
            shape = "×".join(str(d) for d in target.shape)
            got = "×".join(str(d) for d in state[key].shape)
            raise ExportError(wrong_shape(key, got, shape))
    with torch.no_grad():
        for key, target in own.items():
            target.copy_(state[key].to(device=target.device, dtype=target.dtype))


def _exported_to_compiled(model: Any, source: ModelSource) -> dict[str, str]:
    modules = node_modules(model, source)
    names = {id(m): n for n, m in model.named_modules()}
    out: dict[str, str] = {}
    for nid, attr in source.attributes.items():
        module = modules.get(nid)
        if module is None:
            continue
        core = _core(module)
        prefix = names[id(core)]
        for key in core.state_dict():
            out[f"{attr}.{key}"] = f"{prefix}.{key}"
    return out


def _attribute_stem(layer_name: str) -> str | None:
    """The attribute ``Namer`` gives a layer called ``layer_name`` before any ``_2`` for a repeat (``Hidden
    layer`` -> ``hidden_layer``, ``train`` -> ``train_``); None when the name has no ASCII letter or digit
    (the exporter then names the layer after its type, which the compiled module does not record)."""
    if not re.search(r"[0-9A-Za-z]", unicodedata.normalize("NFKD", layer_name).encode("ascii", "ignore").decode()):
        return None
    stem = snake(layer_name, "layer")
    return stem + "_" if stem in RESERVED else stem


def _repeat(attr: str, stem: str) -> int | None:
    """0 when ``attr`` is ``stem`` itself, n for ``stem_n`` (n >= 2), else None."""
    if attr == stem:
        return 0
    m = re.fullmatch(re.escape(stem) + r"_(\d+)", attr)
    return int(m.group(1)) if m and int(m.group(1)) >= 2 else None


def compiled_names(keys: Any, model: Any, layer_names: Mapping[str, str]) -> dict[str, str] | None:
    """exported name -> the compiled ``model``'s name for each of ``keys``, when the keys are those of the
    network's exported ``model.py`` (``hidden.weight`` for the compiled ``hidden.0.weight``); None when they
    are not (another network, or already the compiled names).

    Used where only the compiled module and its layers' canvas names are at hand (loading a weights file
    into a trainer or the sketch pad). The names are the exporter's: each layer's canvas name as ``Namer``
    writes it, repeats numbered ``_2``, ``_3`` in the network's order, the tensors those of the innermost
    module (``_core``), exactly as ``exported_state`` writes them. ``layer_names`` maps a compiled module
    name to the layer's name on the canvas.
    """
    table = getattr(model, "node_modules", None)
    if not table:
        return None
    groups: dict[str, set[str]] = {}
    for key in keys:
        attr, dot, rest = str(key).partition(".")
        if not dot:
            return None
        groups.setdefault(attr, set()).add(rest)
    names = {id(m): n for n, m in model.named_modules()}
    layers: list[tuple[str | None, str, set[str]]] = []  # (attribute stem, compiled prefix, tensor names)
    for module_name in table.values():
        try:
            module = model.get_submodule(module_name)
        except AttributeError:
            continue
        core = _core(module)
        inner = set(core.state_dict())
        if inner:
            layers.append((_attribute_stem(layer_names.get(module_name, module_name)), names[id(core)], inner))
    free = dict(groups)
    out: dict[str, str] = {}
    unnamed = []
    for stem, prefix, inner in layers:
        if stem is None:
            unnamed.append((prefix, inner))
            continue
        numbered = sorted((n, a) for a in free if (n := _repeat(a, stem)) is not None and free[a] == inner)
        if not numbered:
            return None
        attr = numbered[0][1]
        del free[attr]
        out.update({f"{attr}.{k}": f"{prefix}.{k}" for k in inner})
    for prefix, inner in unnamed:  # named after their type by the exporter: take the one tensor set that fits
        fits = [a for a in free if free[a] == inner]
        if len(fits) != 1:
            return None
        del free[fits[0]]
        out.update({f"{fits[0]}.{k}": f"{prefix}.{k}" for k in inner})
    return None if free else out


def exported_bytes(state: dict[str, Any], metadata: dict[str, str]) -> bytes:
    """The safetensors file of ``state`` in memory: an export is worked out before anything is written, so the
    app can ask before it replaces a file that differs (see ``ExportPlan``)."""
    from safetensors.torch import save

    return bytes(save(state, metadata=metadata))


def save_exported(state: dict[str, Any], path: Path, metadata: dict[str, str]) -> Path:
    """Write tensors as safetensors, atomically (a crash leaves the old file or the new one)."""
    from ..fileio import atomic_write

    return atomic_write(path, exported_bytes(state, metadata))

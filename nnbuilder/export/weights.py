"""Weights between the compiled module and the exported ``model.py``, keyed by the exported layer names.

The compiled module wraps some layers (a Dense with an activation is ``Sequential(Linear, ReLU)``, a
recurrent layer keeps its ``nn.LSTM`` under ``.rnn``); the exported file uses the torch layer itself.
Each node's state is taken from the innermost module that holds all of it, so the keys are the
plain ``hidden.weight`` a reader of ``model.py`` expects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..compiler import build_module, module_names
from ..project.model import Project
from .errors import ExportError
from .names import safe_text
from .pytorch import ModelSource


def compile_model(project: Project, source: ModelSource) -> Any:
    """The compiled module with the project's seeded initial weights (as nnbuilder starts training)."""
    import torch

    torch.manual_seed(int(project.training.seed))
    return build_module(source.graph, project.training, source.inference)


def model_with_weights(project: Project, source: ModelSource, weights: str | Path | None) -> tuple[Any, str]:
    """The compiled module with ``weights`` loaded, or with its seeded initial weights and a note saying so."""
    model = compile_model(project, source)
    if weights is None:
        return model, (f"No weights given: the file holds the network's initial weights (seed "
                       f"{int(project.training.seed)}); pass --weights to export trained ones.")
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


def load_weights(model: Any, source: ModelSource, path: str | Path) -> None:
    """Load ``path`` into the compiled ``model``: nnbuilder's own weights files or an exported one.

    A file saved by ``nnbuilder train --out`` or the app uses the compiled module's names; a file written
    by this exporter uses the exported names. Either works; anything else is named layer by layer.
    """
    import torch

    path = Path(path)
    state = _read(path)
    own = model.state_dict()
    if set(state) != set(own):
        exported = exported_state(model, source)
        if set(state) == set(exported):
            reverse = _exported_to_compiled(model, source)
            state = {reverse[k]: v for k, v in state.items()}
        else:
            missing = sorted(set(own) - set(state))
            where = missing[0] if missing else sorted(set(state) - set(own))[0]
            raise ExportError(f"'{path.name}' was saved from a different network: it does not match the layer "
                              f"tensor '{where}' of graph '{safe_text(source.graph.name)}'.")
    for key, target in own.items():
        if tuple(state[key].shape) != tuple(target.shape):
            shape = "×".join(str(d) for d in target.shape)
            got = "×".join(str(d) for d in state[key].shape)
            raise ExportError(f"'{path.name}' holds {key} shaped {got}, but the network needs {shape}; it was saved "
                              "from a different network.")
    with torch.no_grad():
        for key, target in own.items():
            target.copy_(state[key].to(dtype=target.dtype))


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


def save_exported(state: dict[str, Any], path: Path, metadata: dict[str, str]) -> Path:
    """Write tensors as safetensors, atomically (a crash leaves the old file or the new one)."""
    from safetensors.torch import save

    from ..fileio import atomic_write

    return atomic_write(path, save(state, metadata=metadata))

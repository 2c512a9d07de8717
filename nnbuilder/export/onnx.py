"""ONNX through torch.export (``torch.onnx.export(..., dynamo=True)``), checked before it is kept.

The batch size is dynamic; for recurrent networks the sequence length is too, and graph networks take
any number of nodes. When onnxruntime is installed the file is run at two batch sizes (and two sequence
lengths) and compared with PyTorch; a file that cannot be exported or gives different numbers is not
written, and the message names the layers at fault (each layer is then tried on its own).
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
from pathlib import Path
from typing import Any

from ..project.model import Project
from .errors import ExportError
from .names import safe_text
from .pytorch import ModelSource

TOLERANCE = 1e-4
RECURRENT = ("SimpleRNN", "LSTM", "GRU")
MISSING = ("ONNX export needs the onnx and onnxscript packages; install them with "
           "pip install 'nnbuilder[onnx]' (or pip install onnx onnxscript).")


MISSING_BUNDLED = ("ONNX export is not part of this installed copy of nnbuilder (it would add about 46 MB); "
                   "export to Python instead and run torch.onnx.export on model.py, or install nnbuilder with pip "
                   "and its onnx extra.")


def _require_onnx() -> None:
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        import sys

        raise ExportError(MISSING_BUNDLED if getattr(sys, "frozen", False) else MISSING) from None


def _recurrent(source: ModelSource) -> bool:
    return any(n.type in RECURRENT for n in source.graph.nodes)


def _examples(source: ModelSource, batch: int, seq_extra: int = 0) -> tuple[Any, ...]:
    """Inputs for one check: ``batch`` samples (or nodes), sequences ``seq_extra`` steps longer."""
    import torch

    gen = torch.Generator().manual_seed(batch * 31 + seq_extra)
    out = []
    recurrent = _recurrent(source)
    for (nid, _name, kind), dt in zip(source.inputs, source.input_dtypes, strict=True):
        if kind == "graph":
            a = (torch.rand(batch, batch, generator=gen) < 0.3).float()
            a = ((a + a.T + torch.eye(batch)) > 0).float()
            d = a.sum(1).rsqrt()
            out.append(d[:, None] * a * d[None, :])
            continue
        shape = list(source.inference.nodes[nid].output_shape or ())
        if source.graph.node(nid).type == "Label":  # a conditional GAN's class, one-hot
            out.append(torch.nn.functional.one_hot(torch.randint(0, shape[0], (batch,), generator=gen),
                                                   shape[0]).float())
            continue
        if recurrent and len(shape) >= 1:
            shape[0] += seq_extra
        if dt == "int64":
            high = max((n.params.get("input_dim", 2) for n in source.inference.nodes.values()
                        if n.spec is not None and n.spec.type == "Embedding"), default=2)
            out.append(torch.randint(0, int(high), (batch, *shape), generator=gen))
        else:
            out.append(torch.randn(batch, *shape, generator=gen))
    return tuple(out)


def _dynamic_shapes(source: ModelSource) -> tuple[dict[int, Any], ...]:
    from torch.export import Dim

    batch = Dim("batch", min=1)
    nodes = Dim("nodes", min=1)
    seq = Dim("sequence", min=1)
    graph = any(kind == "graph" for _n, _v, kind in source.inputs)
    shapes = []
    for _nid, _name, kind in source.inputs:
        if kind == "graph":
            shapes.append({0: nodes, 1: nodes})
        elif graph:
            shapes.append({0: nodes})
        elif _recurrent(source):
            shapes.append({0: batch, 1: seq})
        else:
            shapes.append({0: batch})
    return tuple(shapes)


def _export(model: Any, args: tuple[Any, ...], path: Path, dynamic: Any, input_names: list[str],
            output_names: list[str]) -> None:
    import torch

    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "torchvision is not installed" and progress lines are not for users
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            program = torch.onnx.export(model, args, dynamo=True, dynamic_shapes=dynamic, input_names=input_names,
                                        output_names=output_names, verbose=False)
            program.save(str(path))
    finally:
        logger.setLevel(level)


def _max_error(path: Path, model: Any, args: tuple[Any, ...], input_names: list[str]) -> float | None:
    """Largest |onnxruntime - torch| over the outputs, or None without onnxruntime."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    import numpy as np
    import torch

    ort.set_default_logger_severity(4)  # a failing check is reported in our sentence, not as a log line
    options = ort.SessionOptions()
    options.log_severity_level = 4
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feeds = {name: a.numpy() for name, a in zip(input_names, args, strict=True)}
    got = session.run(None, feeds)
    with torch.no_grad():
        want = model(*args)
    want = [want] if isinstance(want, torch.Tensor) else list(want)
    return max(float(np.max(np.abs(g - w.numpy()))) if g.size else 0.0 for g, w in zip(got, want, strict=True))


def _checks(source: ModelSource) -> list[tuple[int, int]]:
    """(batch, extra sequence steps) pairs the file must pass: two batch sizes, two lengths for sequences."""
    checks = [(3, 0), (5, 0)]
    if _recurrent(source):
        checks.append((4, 7))
    return checks


def _verify(path: Path, model: Any, source: ModelSource,
            input_names: list[str]) -> tuple[float | None, str, bool]:
    """(largest difference, what went wrong or "", whether only a longer sequence failed)."""
    worst: float | None = None
    for batch, extra in _checks(source):
        args = _examples(source, batch, extra)
        try:
            err = _max_error(path, model, args, input_names)
        except Exception as exc:  # noqa: BLE001 - onnxruntime refusing the file is a failed check
            return float("inf"), f"onnxruntime cannot run it ({str(exc).splitlines()[0][:200]})", extra > 0
        if err is None:
            return None, "", False
        worst = err if worst is None else max(worst, err)
        if not err <= TOLERANCE:
            what = f"{batch} samples" + (f" and sequences {extra} steps longer" if extra else "")
            return err, f"its outputs differ from PyTorch's by {err:.2g} with {what}", extra > 0
    return worst, "", False


def _culprits(model: Any, source: ModelSource) -> list[str]:
    """Canvas names of the layers that cannot be exported (or verified) on their own."""
    import torch

    from .weights import node_modules

    modules = node_modules(model, source)
    inf = source.inference
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        for nid in inf.order:
            info = inf.nodes[nid]
            module = modules.get(nid)
            if module is None or info.input_shapes is None or len(info.input_shapes) != 1:
                continue
            node = source.graph.node(nid)
            shape = list(info.input_shapes[0])
            dims: dict[int, Any] = {0: torch.export.Dim("batch", min=1)}
            if node.type in RECURRENT:
                dims[1] = torch.export.Dim("sequence", min=1)
            ok = True
            for batch, extra in ((3, 0), (5, 0), (4, 7)) if node.type in RECURRENT else ((3, 0), (5, 0)):
                s = list(shape)
                if extra:
                    s[0] += extra
                x = torch.randn(batch, *s)
                path = Path(tmp) / f"{len(bad)}.onnx"
                try:
                    if extra == 0 and batch == 3:
                        _export(module.eval(), (x,), path, ({**dims},), ["x"], ["y"])
                    err = _max_error(path, module, (x,), ["x"])
                except Exception:  # noqa: BLE001 - any failure marks the layer
                    ok = False
                    break
                if err is not None and not err <= TOLERANCE:
                    ok = False
                    break
            if not ok:
                bad.append(f"{safe_text(node.display_name)} ({info.spec.title if info.spec else node.type})")
    return bad


def export_onnx(project: Project, source: ModelSource, out: Path, weights: Any, weights_hint: str | None = None) -> Any:
    """Write ``out`` (a .onnx file, or model.onnx inside a folder) after checking it runs like PyTorch.

    ``weights_hint`` ends the note about untrained weights (default: the CLI's wording)."""
    return plan_onnx(project, source, out, weights, weights_hint).write()


def plan_onnx(project: Project, source: ModelSource, out: Path, weights: Any, weights_hint: str | None = None) -> Any:
    """The checked ONNX file in memory (an ``ExportPlan``), not yet at ``out``: the app asks before it replaces
    a file that differs. The conversion runs in a temporary folder, so nothing appears beside ``out`` yet."""
    from .exporters import ExportPlan, ExportResult
    from .weights import CLI_WEIGHTS_HINT, model_with_weights

    _require_onnx()
    given = out
    if out.is_dir():
        out = out / "model.onnx"
    model, note = model_with_weights(project, source, weights, weights_hint or CLI_WEIGHTS_HINT)
    model.eval()
    input_names = [name for _nid, name, _k in source.inputs]
    outputs = source.inference.outputs
    output_names = ["output"] if len(outputs) == 1 else [f"output_{i + 1}" for i in range(len(outputs))]
    scratch = tempfile.TemporaryDirectory(prefix="nnbuilder-onnx-")
    tmp = Path(scratch.name) / "model.onnx"
    graph_name = safe_text(source.graph.name)
    try:
        try:
            _export(model, _examples(source, 3), tmp, _dynamic_shapes(source), input_names, output_names)
        except Exception as exc:  # noqa: BLE001 - exporter failures become one sentence with the culprits
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            bad = _culprits(model, source)
            where = f"the layers {', '.join(bad)} cannot be exported" if bad else f"the exporter failed ({reason})"
            raise ExportError(f"The graph '{graph_name}' cannot be written as ONNX: {where}.") from exc
        worst, problem, sequence = _verify(tmp, model, source, input_names)
        if problem and sequence:
            layers = ", ".join(f"{safe_text(n.display_name)} ({n.type})" for n in source.graph.nodes
                               if n.type in RECURRENT)
            steps = next((s.output_shape[0] for s in source.inference.nodes.values()
                          if s.spec is not None and s.spec.type == "Input" and s.output_shape), "?")
            raise ExportError(f"The graph '{graph_name}' cannot be written as ONNX: PyTorch's ONNX exporter fixes "
                              f"the sequence length of the recurrent layers {layers} at {steps} time steps, so the "
                              "file would reject other lengths; no file was written.")
        if problem:
            bad = _culprits(model, source)
            where = f"the layers {', '.join(bad)} do not export correctly" if bad else problem
            raise ExportError(f"The graph '{graph_name}' cannot be written as ONNX: {where}; no file was written.")
        data = tmp.read_bytes()
    finally:
        scratch.cleanup()
    notes = [note] if note else []
    if worst is None:
        notes.append("onnxruntime is not installed, so the file was not compared with PyTorch.")
    else:
        notes.append(f"Checked with onnxruntime: largest difference from PyTorch {worst:.1e}.")
    return ExportPlan(ExportResult("onnx", out, [out], notes), {out: data}, given)

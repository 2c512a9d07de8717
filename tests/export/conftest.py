"""Helpers for the export tests: import a generated model.py, build small projects, run without nnbuilder."""

from __future__ import annotations

import importlib.util
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from nnbuilder.project import Edge, Graph, Node, Project

_counter = itertools.count()


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def import_code(code: str, folder: Path, name: str = "model") -> ModuleType:
    """Write ``code`` to folder/name.py and import it under a unique module name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"exported_{name}_{next(_counter)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chain(layers: list[tuple[str, dict]], input_shape: list[int], name: str = "Chain", dtype: str = "float32",
          labels: list[str] | None = None) -> Project:
    g = Graph()
    g.add_node(Node("input", "Input", {"shape": input_shape, "dtype": dtype}))
    prev = "input"
    for i, (typ, params) in enumerate(layers):
        nid = f"layer{i}"
        g.add_node(Node(nid, typ, dict(params), label=(labels[i] if labels else "")))
        g.add_edge(Edge(prev, nid))
        prev = nid
    return Project(name=name, graphs=[g])


def site_packages() -> str:
    import torch

    return str(Path(torch.__file__).resolve().parent.parent)


def run_without_nnbuilder(args: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``python -S args`` in ``cwd`` with only the environment's site-packages on the path.

    -S skips site processing, so the editable install's path hook never runs; the prelude then proves
    nnbuilder cannot be found before the script starts.
    """
    prelude = ("import importlib.util, runpy, sys; sys.path.insert(0, '.'); "
               "assert importlib.util.find_spec('nnbuilder') is None, 'nnbuilder is importable'; "
               "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = site_packages()
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run([sys.executable, "-S", "-c", prelude, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)

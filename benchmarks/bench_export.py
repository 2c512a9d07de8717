"""Exports of every example, and the lecture MLP's exported train.py against ``nnbuilder train``.

Prints, in one run:

* per example: whether model.py equals the compiled module (largest difference), and what the ONNX export
  does (largest onnxruntime difference, or the sentence that explains why it refuses);
* the lecture MLP (resources/examples/fashion_mnist_mlp.nnb) trained for the project's 5 epochs with the same
  seed both ways: final validation accuracies, their difference (target <= 0.01) and the time ratio
  train.py / nnbuilder train.

    python benchmarks/bench_export.py [--epochs 5] [--skip-onnx] [--skip-mlp]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "resources" / "examples"


def python_equality(path: Path, tmp: Path) -> float:
    import torch

    from nnbuilder.export import model_source
    from nnbuilder.export.weights import compile_model, exported_state
    from nnbuilder.project import load_project

    project = load_project(path)
    source = model_source(project)
    compiled = compile_model(project, source).eval()
    file = tmp / f"{path.stem}_model.py"
    file.write_text(source.code)
    spec = importlib.util.spec_from_file_location(path.stem + "_model", file)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    model = getattr(module, source.class_name)()
    model.load_state_dict(exported_state(compiled, source))
    model.eval()
    args = []
    for nid, _name, kind in source.inputs:
        args.append(torch.eye(6) if kind == "graph" else torch.randn(6, *source.inference.nodes[nid].output_shape))
    with torch.no_grad():
        return float((compiled(*args) - model(*args)).abs().max())


def onnx_result(path: Path, tmp: Path) -> str:
    from nnbuilder.export import ExportError, export_project
    from nnbuilder.project import load_project

    try:
        result = export_project(load_project(path), "onnx", tmp / f"{path.stem}.onnx")
    except ExportError as exc:
        return f"refused: {exc}"
    return "; ".join(n for n in result.notes if "onnxruntime" in n)


def run_json(cmd: list[str], cwd: Path) -> tuple[list[dict], float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--skip-onnx", action="store_true")
    parser.add_argument("--skip-mlp", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for path in sorted(EXAMPLES.glob("*.nnb")):
            line = f"{path.stem:24s} model.py max |diff| {python_equality(path, tmp):.1e}"
            if not args.skip_onnx:
                line += f" | ONNX: {onnx_result(path, tmp)}"
            print(line, flush=True)
        if args.skip_mlp:
            return
        mlp = EXAMPLES / "fashion_mnist_mlp.nnb"
        folder = tmp / "mlp"
        subprocess.run([sys.executable, "-m", "nnbuilder", "export", str(mlp), "--to", "python", "-o", str(folder)],
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True, capture_output=True)
        ours, t_script = run_json([sys.executable, "train.py", "--epochs", str(args.epochs), "--json",
                                   "--device", "cpu"], folder)
        base, t_app = run_json([sys.executable, "-m", "nnbuilder", "train", str(mlp), "--epochs", str(args.epochs),
                                "--json", "--device", "cpu"], ROOT)
        a = [r["val_accuracy"] for r in ours if "val_accuracy" in r]
        b = [r["val_accuracy"] for r in base if "val_accuracy" in r]
        print(f"lecture MLP, {args.epochs} epochs, seed 0: val_accuracy train.py {a[-1]:.4f}, nnbuilder train "
              f"{b[-1]:.4f}, difference {abs(a[-1] - b[-1]):.4f} (target <= 0.01)")
        print(f"per epoch: {' '.join(f'{x:.4f}/{y:.4f}' for x, y in zip(a, b, strict=False))}")
        print(f"time train.py / nnbuilder train: {t_script / t_app:.2f} ({t_script:.0f} s / {t_app:.0f} s)")


if __name__ == "__main__":
    main()

"""Every bundled example trained briefly on CUDA and on the CPU, epoch times side by side.

For each resources/examples/*.nnb: train on each device for at most ``--budget`` seconds (stopping
cooperatively through ``Trainer.stop``), then print the median epoch time (the first epoch, which pays for
allocations and kernel selection, is left out when there are more) and the CPU/GPU ratio. When an epoch
does not finish within the budget, its time is estimated from the measured samples per second (marked ~).

Without CUDA it says so and exits 0, so ``make bench`` works everywhere.

    python benchmarks/gpu_examples.py [--budget 20] [--epochs 3] [--amp] [--cpu-only] [--only NAME]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "resources" / "examples"


def run(example: Path, device: str, budget: float, epochs: int, amp: bool) -> dict[str, object]:
    from nnbuilder import load_project
    from nnbuilder.training import BatchEnd, EpochEnd, Failed, Trainer, TrainingError, TrainingStarted

    project = load_project(example)
    project.training.mixed_precision = amp
    info: dict[str, object] = {"epochs": 0, "rates": []}
    start = [0.0]
    trainer: Trainer

    def callback(event: object) -> None:
        if isinstance(event, TrainingStarted):
            info["num_train"] = event.num_train
            info["batches"] = event.batches_per_epoch
            start[0] = time.perf_counter()
        elif isinstance(event, BatchEnd):
            info["rates"].append(event.samples_per_second)  # type: ignore[union-attr]
        elif isinstance(event, EpochEnd):
            info["epochs"] = event.epoch
            info.setdefault("times", []).append(event.seconds)  # type: ignore[union-attr]
        if time.perf_counter() - start[0] > budget and start[0]:
            trainer.stop()

    try:
        trainer = Trainer(project, device=device, callback=callback, base_dir=example.parent)
    except TrainingError as exc:
        return {"error": str(exc)}
    result = trainer.fit(epochs=min(epochs, project.training.epochs))
    if isinstance(result, Failed):
        return {"error": result.message}
    times = info.get("times") or []
    if times:
        use = times[1:] if len(times) > 1 else times
        info["epoch_s"] = statistics.median(use)
        info["estimated"] = False
    elif info["rates"]:
        rates = info["rates"][1:] or info["rates"]  # type: ignore[index]
        info["epoch_s"] = int(info.get("num_train", 0)) / max(statistics.median(rates), 1e-9)  # type: ignore[arg-type]
        info["estimated"] = True
    if result.history:
        last = result.history[-1]
        info["metric"] = next((f"{k} {last[k]:.3f}" for k in ("val_accuracy", "accuracy", "val_mae", "mae")
                               if k in last), "")
    return info


def fmt(info: dict[str, object]) -> str:
    if "error" in info:
        return f"failed: {info['error']}"
    if "epoch_s" not in info:
        return "no batch finished"
    mark = "~" if info.get("estimated") else ""
    return f"{mark}{info['epoch_s']:.3f} s/epoch"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=float, default=20.0, help="seconds per example and device")
    p.add_argument("--epochs", type=int, default=3, help="at most this many epochs per example")
    p.add_argument("--amp", action="store_true", help="mixed precision on both devices (the CPU only where it computes bfloat16 in hardware)")
    p.add_argument("--cpu-only", action="store_true", help="time the CPU column even without CUDA")
    p.add_argument("--only", help="run only examples whose file name contains this")
    args = p.parse_args()
    import torch

    from nnbuilder.training import list_devices, warm_up

    warm_up()
    has_cuda = torch.cuda.is_available()
    if not has_cuda and not args.cpu_only:
        print("No CUDA device here (torch " + torch.__version__ + "); nothing to compare. "
              "Run with --cpu-only to time the CPU column alone.")
        return 0
    labels = dict(list_devices())
    devices = (["cuda:0"] if has_cuda else []) + ["cpu"]
    print("devices: " + ", ".join(f"{d} = {labels.get(d, d)}" for d in devices)
          + f"; budget {args.budget:g} s, at most {args.epochs} epochs, amp {'on' if args.amp else 'off'}")
    print(f"{'example':28s} " + " ".join(f"{d:>22s}" for d in devices) + ("   cpu/gpu" if has_cuda else ""))
    for example in sorted(EXAMPLES.glob("*.nnb")):
        if args.only and args.only not in example.stem:
            continue
        row = {d: run(example, d, args.budget, args.epochs, args.amp) for d in devices}
        cells = " ".join(f"{fmt(row[d]):>22s}" for d in devices)
        ratio = ""
        if has_cuda and "epoch_s" in row["cuda:0"] and "epoch_s" in row["cpu"]:
            ratio = f"   {float(row['cpu']['epoch_s']) / max(float(row['cuda:0']['epoch_s']), 1e-9):8.1f}x"
        metric = next((str(row[d].get("metric")) for d in devices if row[d].get("metric")), "")
        print(f"{example.stem:28s} {cells}{ratio}   {metric}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``train_ddp.py``: ``train.py``'s training on several processes with DistributedDataParallel.

It imports its settings, data, model, loss and metrics from ``train.py`` next to it, so the two
scripts cannot drift apart; what it adds is the distributed part: one process per GPU (or CPU
process), a DistributedSampler, gradients averaged by DDP, metrics summed over all processes,
rank-0 logging and checkpoints, and resuming from a checkpoint.
"""

from __future__ import annotations

from ..project.model import Project
from .data import DataPlan
from .errors import ExportError
from .names import safe_text
from .pytorch import ModelSource
from .train_script import TrainPlan


def ddp_source(project: Project, source: ModelSource, data: DataPlan, plan: TrainPlan) -> str:
    """The text of ``train_ddp.py``; ExportError when the network does not train in mini-batches."""
    if plan.mode == "graph":
        raise ExportError("A graph network trains on the whole graph in one step per epoch, so it cannot be split "
                          "over processes; use the python export's train.py instead.")
    if plan.mode == "perceptron":
        raise ExportError("The perceptron rule updates weights without gradients, so DistributedDataParallel does "
                          "not apply; use the python export's train.py instead.")
    title = safe_text(project.name)
    return f'''"""Train {title} on several processes with DistributedDataParallel (torchrun).

    torchrun --standalone --nproc_per_node=2 train_ddp.py          # one machine, 2 GPUs or 2 CPU processes
    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29400 train_ddp.py

Settings, data, model, loss and metrics come from train.py, so a run here trains what train.py trains.
--batch-size is per process. Rank 0 logs and writes checkpoints/last.pt after every epoch;
--resume checkpoints/last.pt continues from it. NCCL on CUDA, gloo on CPU.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
from safetensors.torch import save_file
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from train import (BATCH_SIZE, EARLY_STOPPING, EPOCHS, MIN_DELTA, MONITOR, PATIENCE, RESTORE_BEST, SEED,
                   SHUFFLE, EarlyStopping, Metrics, evaluate, forward, load_data, loss_fn, make_model, make_optimizer)

HERE = Path(__file__).resolve().parent
FIELDS = ("loss", "count", "correct", "abs_err", "sq_err", "elements")


def all_reduce_metrics(sums, device):
    """The same totals on every process: each one saw only its share of the rows."""
    values = torch.tensor([float(getattr(sums, f)) for f in FIELDS], dtype=torch.float64, device=device)
    dist.all_reduce(values)
    total = Metrics()
    for name, value in zip(FIELDS, values.tolist(), strict=True):
        setattr(total, name, int(value) if name in ("count", "elements") else value)
    return total


def fingerprint(model):
    digest = hashlib.sha256()
    for key, value in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def save_checkpoint(path, model, optimizer, scheduler, epoch, history, stopper):
    """Rank 0 only; written to a temporary name first so a crash never leaves half a checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({{"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict() if scheduler is not None else None,
                "epoch": epoch, "history": history,
                "best": stopper.best, "best_epoch": stopper.best_epoch, "wait": stopper.wait}}, tmp)
    os.replace(tmp, path)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="train up to this epoch (counted from 1)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="samples per batch and process")
    parser.add_argument("--cpu", action="store_true", help="use CPU processes (gloo) even when CUDA is present")
    parser.add_argument("--weights", help="start from these weights (safetensors) instead of the seeded ones")
    parser.add_argument("--resume", help="continue from a checkpoint written by an earlier run")
    parser.add_argument("--checkpoint", default=str(HERE / "checkpoints" / "last.pt"), help="checkpoint to write")
    parser.add_argument("--out", default=str(HERE / "trained_ddp.safetensors"), help="where rank 0 saves the weights")
    parser.add_argument("--json", action="store_true", help="rank 0 prints one JSON object per epoch")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cuda = torch.cuda.is_available() and not args.cpu
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{{local_rank}}") if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    def log(record, text):
        if rank == 0:
            print(json.dumps(record) if args.json else text, flush=True)

    parts = load_data()
    x, y = parts["x"], parts["y"]
    x_train, y_train = x[parts["train_idx"]], y[parts["train_idx"]]
    val_rows = parts["val_idx"][rank::world]  # each process validates its share; the sums are combined
    x_val, y_val = x[val_rows].to(device), y[val_rows].to(device)
    has_val = len(parts["val_idx"]) > 0

    model = make_model(device, args.weights)  # the same seed on every process: the same initial weights
    optimizer, scheduler = make_optimizer(model, device, args.epochs)
    monitor = MONITOR if has_val or not MONITOR.startswith("val_") else MONITOR.removeprefix("val_")
    stopper = EarlyStopping(monitor, PATIENCE, MIN_DELTA)
    history, start_epoch = [], 1
    if args.resume:
        checkpoint = torch.load(args.resume, map_location=device, weights_only=True)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        if scheduler is not None and checkpoint["scheduler"] is not None:
            scheduler.load_state_dict(checkpoint["scheduler"])
        history = list(checkpoint["history"])
        stopper.best, stopper.best_epoch = checkpoint["best"], checkpoint["best_epoch"]
        stopper.wait = checkpoint["wait"]
        start_epoch = int(checkpoint["epoch"]) + 1
        log({{"resumed_from": start_epoch - 1}}, f"Resumed from epoch {{start_epoch - 1}} ({{args.resume}}).")
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)

    train_set = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=SHUFFLE, seed=SEED)
    loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
    log({{"processes": world, "backend": dist.get_backend(), "train": len(train_set)}},
        f"Training on {{world}} processes ({{dist.get_backend()}}), {{len(train_set)}} samples, "
        f"{{args.batch_size}} per batch and process.")
    best_state = None
    torch.manual_seed(SEED + rank)  # dropout masks differ between processes, as their batches do
    for epoch in range(start_epoch, args.epochs + 1):
        started = time.perf_counter()
        sampler.set_epoch(epoch)
        ddp.train()
        sums = Metrics()
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            out = forward(ddp, xb)
            loss = loss_fn(out, yb)
            loss.backward()  # DDP averages the gradients of all processes here
            optimizer.step()
            with torch.no_grad():
                sums.update(out.detach(), yb, {"loss" if plan.loss == "sse" else "loss.detach() * len(xb)"})
        logs = all_reduce_metrics(sums, device).values()
        if has_val:
            logs.update(all_reduce_metrics(evaluate(model, x_val, y_val), device).values("val_"))
        history.append(logs)
        improved = stopper.improved(epoch, logs)
        if improved and EARLY_STOPPING and RESTORE_BEST:
            best_state = {{k: v.detach().clone() for k, v in model.state_dict().items()}}
        stop = EARLY_STOPPING and stopper.should_stop(improved)
        if scheduler is not None:
            scheduler.step()
        seconds = time.perf_counter() - started
        log({{"epoch": epoch, **logs, "seconds": round(seconds, 4)}},
            f"Epoch {{epoch}}/{{args.epochs}} - {{seconds:.1f}}s - " + " - ".join(f"{{k}}: {{v:.4f}}" for k, v in logs.items()))
        if rank == 0:
            save_checkpoint(Path(args.checkpoint), model, optimizer, scheduler, epoch, history, stopper)
        if stop:
            log({{"stopped_early": epoch}}, f"Stopped early: {{monitor}} had not improved for {{PATIENCE}} epochs.")
            break
    if best_state is not None and stopper.best_epoch != len(history):
        model.load_state_dict(best_state)
        log({{"restored_epoch": stopper.best_epoch}}, f"Weights restored from the best epoch ({{stopper.best_epoch}}).")

    prints = [None] * world
    dist.all_gather_object(prints, fingerprint(model))
    if len(set(prints)) != 1:
        raise RuntimeError(f"The processes ended with different weights: {{prints}}")
    log({{"identical_weights": True, "fingerprint": prints[0]}},
        f"All {{world}} processes hold identical weights ({{prints[0][:12]}}).")
    if "x_test" in parts:
        rows = torch.arange(len(parts["x_test"]))[rank::world]
        test = all_reduce_metrics(evaluate(model, parts["x_test"][rows].to(device), parts["y_test"][rows].to(device)),
                                  device).values()
        log({{"final": True, **{{"test_" + k: v for k, v in test.items()}}}},
            "Test: " + " - ".join(f"{{k}}: {{v:.4f}}" for k, v in test.items()))
    if rank == 0:
        save_file({{k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}}, args.out)
        log({{"weights": args.out}}, f"Weights saved to {{args.out}}")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
    # Gloo's worker threads can still be releasing the last collective's tensors when the interpreter
    # begins to shut down; a release then aborts a finished run with SIGABRT. Everything is saved by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
'''

"""``nnbuilder train``, ``evaluate`` and ``generate``: the trainer from a terminal or a script.

Registered by ``nnbuilder.cli`` through ``add_commands``; importing this module does not import torch
(the handlers do), so ``nnbuilder --help`` stays instant.

Output contract for scripts (``--json``): one JSON object per line on stdout - one per epoch with
``epoch``, ``loss``, ``val_loss``, each metric (``accuracy``, ``val_accuracy``, ...) and ``seconds``, then a
final one with ``"final": true`` and the test metrics as ``test_loss``, ``test_accuracy``, ... The progress
bar goes to stderr and only when stderr is a terminal, so pipes and CI logs stay clean.

A GAN project (a generator and a discriminator graph) trains and evaluates both networks together, so
``--graph`` (which picks one network of a project with several) is refused for it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, TextIO

DEVICE_HELP = "auto, cpu, cuda, cuda:N or mps (default: the project's setting)"
GAN_GRAPH_REFUSAL = ("--graph picks one network of a project with several graphs and does not apply to a GAN, "
                     "which trains its generator and discriminator together.")
#: Logged values that count things (a GAN's modes covered): printed as whole numbers, not as "3.0000".
COUNT_KEYS = frozenset({"modes"})


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``train``, ``evaluate`` and ``generate`` subcommands to the main parser."""
    t = sub.add_parser("train", help="train a project's network on its data set",
                       description="Train a project's network on its data set and report each epoch.")
    t.add_argument("file", help="the .nnb project file")
    t.add_argument("--epochs", type=_positive_int, help="number of epochs (default: the project's)")
    t.add_argument("--batch-size", type=_positive_int, help="samples per batch (default: the project's)")
    t.add_argument("--device", help=DEVICE_HELP)
    t.add_argument("--seed", type=_seed, help="random seed for weights, split and shuffling (0 to 2**63-1)")
    t.add_argument("--graph", help="graph to train when the project has several (not for a GAN project, "
                   "whose generator and discriminator train together)")
    t.add_argument("--json", action="store_true", help="print one JSON object per epoch, then the test metrics")
    t.add_argument("--out", metavar="WEIGHTS", help="save the trained weights here (safetensors)")
    t.set_defaults(handler=cmd_train, parser=t)

    e = sub.add_parser("evaluate", help="score saved weights on the test (or another) split",
                       description="Load trained weights into a project's network and report loss and metrics.")
    e.add_argument("file", help="the .nnb project file")
    e.add_argument("--weights", required=True, help="a .safetensors file saved by train --out or the app")
    e.add_argument("--split", choices=("test", "val", "train"),
                   help="which part of the data (default: test; train for a GAN project, which has no test split)")
    e.add_argument("--device", help=DEVICE_HELP)
    e.add_argument("--graph", help="graph to evaluate when the project has several (not for a GAN project)")
    e.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    e.set_defaults(handler=cmd_evaluate, parser=e)

    g = sub.add_parser("generate", help="write samples from a trained GAN's generator",
                       description="Load a GAN's trained weights and write generated samples: a .png grid for image "
                       "data, a .npy array for any data (e.g. N×2 points).")
    g.add_argument("file", help="the .nnb project file (with a generator and a discriminator graph)")
    g.add_argument("--weights", required=True, help="a .safetensors file saved by train --out or the app")
    g.add_argument("-n", "--count", type=_positive_int, default=64, help="how many samples (default 64)")
    g.add_argument("-o", "--out", required=True, help="where to write: a .png or .npy file")
    g.add_argument("--seed", type=int, help="seed for the noise (default: a fresh draw each time)")
    g.add_argument("--label", help="a conditional GAN's class, by number or name (default: every class in turn, "
                   "one per column of a .png grid)")
    g.add_argument("--device", help=DEVICE_HELP)
    g.set_defaults(handler=cmd_generate, graph=None)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text[:40]!r}") from None
    if not 0 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError("must be between 0 and 9223372036854775807 (2**63-1)")
    return value


def _check_out(path: str) -> None:
    """Refuse a weights path that cannot be written before training, not after it (the weights would be lost)."""
    import tempfile

    p = Path(path)
    if p.is_dir():
        raise _user_error(f"--out {path}: is a folder; give a file name such as {p / 'weights.safetensors'}.")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=p.parent):
            pass
        if p.exists():
            with p.open("ab"):
                pass
    except (FileExistsError, NotADirectoryError):
        blocker = next((a for a in p.parents if a.exists() and not a.is_dir()), p.parent)
        raise _user_error(f"--out {path}: {blocker} is a file, not a folder.") from None
    except OSError as exc:
        raise _user_error(f"--out {path}: cannot be written ({exc.strerror or exc}).") from None


def _user_error(message: str) -> Exception:
    from ..errors import UserError

    return UserError(message)


def _load(args: argparse.Namespace, *, graph_for_gan: bool = False) -> Any:
    """The project of ``args.file``; ``--graph`` on a GAN project is bad usage (exit 2, as argparse's errors)
    unless ``graph_for_gan`` (``summary``, which can show one of its networks).

    ``--graph`` on a GAN project used to train the generator alone as a supervised network, which failed with
    a sentence about class ids and output units that said nothing about the real mistake.
    """
    from ..project import load_project

    project = load_project(args.file)  # ProjectError -> exit 1 with its sentence
    if project.is_gan and getattr(args, "graph", None) is not None and not graph_for_gan:
        args.parser.error(GAN_GRAPH_REFUSAL)  # prints the usage and the sentence, raises SystemExit(2)
    return project


def _make_trainer(args: argparse.Namespace, callback: Any = None, project: Any = None) -> Any:
    from .errors import TrainingError
    from .trainer import Trainer

    project = project if project is not None else _load(args)
    training = project.training
    if getattr(args, "batch_size", None):
        training.batch_size = args.batch_size
    if getattr(args, "seed", None) is not None:
        training.seed = args.seed
    try:
        return Trainer(project, graph=args.graph, device=args.device, callback=callback,
                       base_dir=Path(args.file).resolve().parent)
    except TrainingError as exc:
        raise _user_error(exc.message) from None


def _clean(value: Any) -> Any:
    """JSON has no NaN: non-finite numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt_value(key: str, value: float) -> str:
    """``value`` as the text output prints it: a count (``modes``, ``val_modes``) as a whole number, since
    "modes: 3.0000" suggests a fraction of a mode; everything else with four decimals."""
    base = key.removeprefix("val_").removeprefix("test_")
    if base in COUNT_KEYS and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}"


def _fmt_logs(logs: dict[str, float]) -> str:
    return " - ".join(f"{k}: {_fmt_value(k, v)}" for k, v in logs.items())


class _Progress:
    """Keras-style progress: a bar on a terminal's stderr, one line per epoch, a final summary."""

    def __init__(self, as_json: bool, out: TextIO, err: TextIO) -> None:
        self.as_json = as_json
        self.out, self.err = out, err
        self.bar = err.isatty()
        self.epochs = 0
        self.last_draw = 0.0

    def __call__(self, event: Any) -> None:
        from .events import BatchEnd, EpochEnd, TrainingStarted

        if isinstance(event, TrainingStarted):
            self.epochs = event.epochs
            if not self.as_json:
                print(f"Training on {event.where}: {event.num_train} samples, {event.num_val} for validation, "
                      f"{event.batches_per_epoch} batches per epoch.", file=self.out, flush=True)
            for note in event.notes:
                print(f"note: {note}", file=self.err, flush=True)
        elif isinstance(event, BatchEnd) and self.bar:
            now = time.monotonic()
            if now - self.last_draw < 0.1 and event.batch != event.batches:
                return
            self.last_draw = now
            width = 24
            done = int(width * event.batch / max(1, event.batches))
            metrics = "".join(f" - {k}: {_fmt_value(k, v)}" for k, v in event.metrics.items())
            self.err.write(f"\rEpoch {event.epoch}/{self.epochs} [{'=' * done}{'.' * (width - done)}] "
                           f"{event.batch}/{event.batches} - loss: {event.loss:.4f}{metrics} "
                           f"- {event.samples_per_second:,.0f} samples/s\x1b[K")
            self.err.flush()
        elif isinstance(event, EpochEnd):
            if self.bar:
                self.err.write("\r\x1b[K")
                self.err.flush()
            if self.as_json:
                record = {"epoch": event.epoch, **{k: _clean(v) for k, v in event.logs.items()},
                          "seconds": round(event.seconds, 4)}
                print(json.dumps(record), file=self.out, flush=True)
            else:
                print(f"Epoch {event.epoch}/{event.epochs} - {event.seconds:.1f}s - {_fmt_logs(event.logs)}",
                      file=self.out, flush=True)


def cmd_generate(args: argparse.Namespace) -> int:
    from .errors import TrainingError
    from .samples import write_samples

    trainer = _make_trainer(args)
    try:
        trainer.load_weights(args.weights)
        samples = trainer.generate(args.count, args.seed, args.label)
        classes = int(getattr(trainer.step, "classes", 0) or 0)
        columns = classes if classes and args.label is None and args.count >= classes else None
        trainer_path = write_samples(args.out, samples, columns)
    except TrainingError as exc:
        raise _user_error(exc.message) from None
    except OSError as exc:
        raise _user_error(f"The samples could not be written to '{args.out}': {exc.strerror or exc}.") from None
    shape = "×".join(str(d) for d in samples.shape)
    print(f"Wrote {len(samples)} samples ({shape}) to {trainer_path}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .events import Failed

    if args.out:
        _check_out(args.out)
    progress = _Progress(args.json, sys.stdout, sys.stderr)
    trainer = _make_trainer(args, progress)
    result = trainer.fit(epochs=args.epochs)
    if isinstance(result, Failed):
        raise _user_error(result.message)
    saved = None
    if args.out:
        saved = trainer.save_weights(args.out)
    test = result.test_logs or {}
    if args.json:
        final = {"final": True, "epochs": len(result.history), "stopped_early": result.stopped_early,
                 "best_epoch": result.best_epoch, **{f"test_{k}": _clean(v) for k, v in test.items()}}
        if saved is not None:
            final["weights"] = str(saved)
        print(json.dumps(final), flush=True)
    else:
        print(result.message)
        for hint in result.hints:
            print(f"hint: {hint}")
        if test:
            print(f"Test: {_fmt_logs(test)}")
        if saved is not None:
            print(f"Weights saved to {saved}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score saved weights. Without ``--split``: the test split, or a GAN's training data (a GAN has no test
    split, so a fixed default of 'test' made every GAN evaluation fail unless the user knew the option)."""
    from .errors import TrainingError

    project = _load(args)
    split = args.split or ("train" if project.is_gan else "test")
    trainer = _make_trainer(args, project=project)
    try:
        trainer.load_weights(args.weights)
        logs = trainer.evaluate(split)
    except TrainingError as exc:
        raise _user_error(exc.message) from None
    if args.json:
        print(json.dumps({"split": split, **{k: _clean(v) for k, v in logs.items()}}))
    else:
        print(f"{split}: {_fmt_logs(logs)}")
    return 0

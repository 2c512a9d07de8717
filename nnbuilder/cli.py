"""``nnbuilder``: the desktop app, and subcommands for scripts and terminals.

Exit codes: 0 success, 1 a user error (one plain line, no traceback), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .errors import UserError
from .project import ProjectError, load_project

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2

__all__ = ["EXIT_OK", "EXIT_USAGE", "EXIT_USER", "UserError", "main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nnbuilder",
        description="Draw neural networks, compile them to PyTorch and watch them learn. "
        "Without a command, opens the app (on FILE when given).",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="check a project file and list its problems")
    v.add_argument("file")

    s = sub.add_parser("summary", help="print the model summary (layers, output shapes, parameters)")
    s.add_argument("file")
    s.add_argument("--graph", help="graph to summarise when the project has several")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")

    _add_training_commands(sub)
    _add_export_command(sub)
    return p


def _add_export_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    x = sub.add_parser("export", help="write the network as PyTorch code, ONNX, safetensors or a torchrun script",
                       description="Write a project's network for use outside nnbuilder.")
    x.add_argument("file", help="the .nnb project file")
    x.add_argument("--to", required=True, choices=("python", "onnx", "safetensors", "torchrun"),
                   help="python: model.py + train.py folder; onnx: a .onnx file; safetensors: the weights; "
                        "torchrun: the python folder plus train_ddp.py")
    x.add_argument("--weights", help="trained weights to include (.safetensors from train --out or the app)")
    x.add_argument("--graph", help="graph to export (default: the generator of a GAN project, else the model)")
    x.add_argument("-o", "--output", required=True, metavar="PATH", help="folder (python, torchrun) or file")
    x.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .export import export_project

    project = _open(args.file)
    result = export_project(project, args.to, args.output, weights=args.weights, graph=args.graph,
                            base_dir=Path(args.file).resolve().parent, source_name=Path(args.file).name)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"Exported {args.to} to {result.path}")
    return EXIT_OK


def _add_training_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Subcommands that need torch; their modules are imported only when they run."""
    try:
        from .training import cli as training_cli
    except ImportError:
        return
    training_cli.add_commands(sub)


def _open(path: str):  # type: ignore[no-untyped-def]
    return load_project(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from .compiler import infer

    project = _open(args.file)
    worst = 0
    for g in project.graphs:
        inf = infer(g, project.training)
        for prob in inf.problems:
            where = f"{g.name}/{prob.node}" if prob.node else g.name
            print(f"{prob.severity}: {where}: {prob.message}")
        if not inf.ok:
            worst = 1
    if worst:
        print(f"{args.file}: the network has errors (see above).", file=sys.stderr)
        return EXIT_USER
    print(f"{args.file}: OK")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from . import summarize

    project = _open(args.file)
    s = summarize(project, args.graph)
    if args.json:
        print(json.dumps(s.to_dict(), indent=2))
    else:
        print(s.format())
        for prob in s.problems:
            if prob.severity != "info":
                print(f"{prob.severity}: {prob.node or ''}: {prob.message}")
    return EXIT_USER if any(p.is_error for p in s.problems) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"validate", "summary", "train", "evaluate", "export", "generate"}
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        return _open_app(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or {"validate": cmd_validate, "summary": cmd_summary}.get(
        args.command or "")
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(handler(args))
    except (ProjectError, UserError) as exc:
        print(f"nnbuilder: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("nnbuilder: interrupted.", file=sys.stderr)
        return 130


def _open_app(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: nnbuilder [FILE] | nnbuilder COMMAND ... (see nnbuilder --help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        from .app.main import run_app
    except ImportError as exc:  # the desktop app is not installed in this environment
        print(f"nnbuilder: the desktop app cannot start ({exc}).", file=sys.stderr)
        _parser().print_help()
        return EXIT_USER
    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    raise SystemExit(main())

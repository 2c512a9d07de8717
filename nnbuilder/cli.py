"""``nnbuilder``: the desktop app, and subcommands for scripts and terminals.

Exit codes: 0 success, 1 a user error (one plain line, no traceback), 2 bad usage (including a misspelt
command). Without a command the app opens, unless there is no display: then one sentence and exit 1.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

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
    from . import __version__

    p.add_argument("--version", action="version", version=f"nnbuilder {__version__}")
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
    """Every problem the app's Problems panel lists for the file: each graph's own, and what the data settings
    reveal (an unknown data set, a missing data file, an Input or output that does not fit the data, a GAN's
    two networks), from the same ``add_data_checks`` the app calls, so the two never disagree."""
    from .compiler import infer
    from .compiler.data_checks import add_data_checks

    project = _open(args.file)
    base_dir = Path(args.file).resolve().parent  # where Train looks for the data set's relative paths
    worst = 0
    for g in project.graphs:
        inf = add_data_checks(project, g, infer(g, project.training), base_dir)
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


#: Commands that load the project's data set (export only for the formats that ship it).
_DATA_COMMANDS = {"train", "evaluate", "generate"}
_DATA_EXPORTS = {"python", "torchrun"}


def _check_data_set(args: argparse.Namespace) -> None:
    """Before a command that loads the data set: refuse an unknown data set or a missing data file with a
    sentence naming the project file and the field to change (``FILE at $.data.dataset: ...``), as every other
    error about a file does, instead of the data layer's sentence that named neither."""
    if args.command not in _DATA_COMMANDS and not (args.command == "export" and getattr(args, "to", None)
                                                   in _DATA_EXPORTS):
        return
    from .compiler.data_checks import dataset_problems

    project = _open(args.file)
    for problem in dataset_problems(project, Path(args.file).resolve().parent):
        if problem.is_error:
            raise ProjectError(problem.message, file=args.file, path=f"$.{problem.field}")


def cmd_summary(args: argparse.Namespace) -> int:
    """One network's table, or both of a GAN project's, each under a heading naming its role and graph (the
    generator alone hid half of what trains). ``--graph`` still picks one network. With ``--json`` a GAN prints
    ``{"generator": {...}, "discriminator": {...}}``, each with its ``graph``."""
    from . import summarize
    from .compiler import summarize_graph

    project = _open(args.file)
    if not project.is_gan or args.graph is not None:
        parts = [("", "", summarize(project, args.graph))]
    else:
        parts = []
        for role in ("generator", "discriminator"):
            graph = project.role_graph(role)
            assert graph is not None  # is_gan: both roles are there
            parts.append((role, graph.name, summarize_graph(graph, project.training,
                                                            f"{project.name} / {graph.name}")))
    if args.json:
        if len(parts) == 1:
            print(json.dumps(parts[0][2].to_dict(), indent=2))
        else:
            print(json.dumps({role: {"graph": name, **s.to_dict()} for role, name, s in parts}, indent=2))
    else:
        for i, (role, name, s) in enumerate(parts):
            if role:
                print(f"{chr(10) if i else ''}{role.capitalize()} (graph '{name}')")
            print(s.format())
            for prob in s.problems:
                if prob.severity != "info":
                    print(f"{prob.severity}: {prob.node or ''}: {prob.message}")
    return EXIT_USER if any(p.is_error for _, _, s in parts for p in s.problems) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"validate", "summary", "train", "evaluate", "export", "generate"}
    if argv and argv[0] not in commands and not argv[0].startswith("-") and _looks_like_command(argv[0]):
        return _unknown_command(argv[0])
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
        _check_data_set(args)
        return int(handler(args))
    except (ProjectError, UserError) as exc:
        print(f"nnbuilder: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("nnbuilder: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # "nnbuilder summary f.nnb | head -3": the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit would fail on the closed pipe
        return EXIT_OK
    except MemoryError:
        print("nnbuilder: ran out of memory; the project or its data is too large for this computer.",
              file=sys.stderr)
        return EXIT_USER
    except Exception as exc:  # noqa: BLE001 - a script sees one line, never a traceback
        if isinstance(exc, _loaded_user_errors()):
            print(f"nnbuilder: {exc}", file=sys.stderr)
            return EXIT_USER
        if os.environ.get("NNBUILDER_DEBUG"):
            raise
        print(f"nnbuilder: unexpected error ({type(exc).__name__}: {exc}); this is a bug in nnbuilder, please "
              "report it with the file that caused it (NNBUILDER_DEBUG=1 shows the details).", file=sys.stderr)
        return EXIT_USER


def _loaded_user_errors() -> tuple[type[BaseException], ...]:
    """The data and training errors (sentences for the user), from their modules only if already imported."""
    found = []
    for module, name in (("nnbuilder.data.errors", "DataError"), ("nnbuilder.training.errors", "TrainingError")):
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type):
            found.append(cls)
    return tuple(found)


def _command_names() -> list[str]:
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def _looks_like_command(word: str) -> bool:
    """A bare word that is no file here (``valdiate``) is a misspelt command, not a project to open."""
    if os.sep in word or (os.altsep and os.altsep in word) or "." in word:
        return False
    try:
        return not Path(word).exists()
    except (OSError, ValueError):
        return False


def _unknown_command(word: str) -> int:
    names = _command_names()
    close = difflib.get_close_matches(word, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    print(f"usage: nnbuilder [FILE] | nnbuilder COMMAND ...\nnnbuilder: unknown command '{word}'.{hint} "
          f"Commands: {', '.join(names)}. To open a file, give its path (e.g. ./{word}.nnb).", file=sys.stderr)
    return EXIT_USAGE


def _no_display() -> str | None:
    """Why the desktop app cannot show a window here, or None. Checked before Qt loads, because Qt's X11
    plugin aborts the whole process (SIGABRT, a core dump) when it finds no display."""
    if sys.platform in ("win32", "darwin"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs ... need no X server
    if os.environ.get("WAYLAND_DISPLAY") and not platform.startswith("xcb"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "there is no display to open the app on (DISPLAY is not set)"
    if not _x_server_answers(display):
        return f"the display {display} does not answer (is the X server running?)"
    return None


def _x_server_answers(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return True  # a form we do not know; let Qt try
    try:
        if host in ("", "unix"):
            path = f"/tmp/.X11-unix/X{number}"
            if not os.path.exists(path):
                return _abstract_x_socket(number)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2.0)
                sock.connect(path)
            return True
        with socket.create_connection((host, 6000 + int(number)), timeout=2.0):
            return True
    except OSError:
        return False


def _abstract_x_socket(number: str) -> bool:
    """X servers on Linux also listen on an abstract socket, which has no file in /tmp/.X11-unix."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            sock.connect(f"\0/tmp/.X11-unix/X{number}")
        return True
    except OSError:
        return False


def _open_app(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: nnbuilder [FILE] | nnbuilder COMMAND ... (see nnbuilder --help)", file=sys.stderr)
        return EXIT_USAGE
    reason = _no_display()
    if reason:
        print(f"nnbuilder: the desktop app cannot start: {reason}; run it in a desktop session, or use a "
              "command such as 'nnbuilder validate FILE' (see nnbuilder --help).", file=sys.stderr)
        return EXIT_USER
    try:
        from .app.main import run_app
    except ImportError as exc:  # the desktop app is not installed in this environment
        print(f"nnbuilder: the desktop app cannot start ({exc}).", file=sys.stderr)
        _parser().print_help()
        return EXIT_USER
    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    raise SystemExit(main())

"""Reading and writing ``.nnb`` project files: parse -> migrate -> validate -> resolve.

JSON only (never pickle or eval). Every fault becomes one ``ProjectError`` that names the file,
the JSON path (``$.graphs[0].nodes[2].params.units``) and what is wrong, so a student can fix the
file by hand. Saving is atomic and deterministic so project files diff well under version control.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fileio import atomic_write
from . import format_v2
from .errors import ProjectError
from .migrate import v1_to_v2, v2_to_v3
from .model import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DataConfig,
    EarlyStoppingConfig,
    Edge,
    Graph,
    Node,
    OptimizerConfig,
    Project,
    TrainingConfig,
    valid_id,
)

LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mse", "mae",
          "huber", "sse", "perceptron")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("none", "step", "cosine", "exponential")
METRICS = ("accuracy", "mae", "mse", "rmse")
DEVICES_PREFIXES = ("auto", "cpu", "cuda", "mps")
#: What early stopping can watch: the loss and every metric, on the training or the validation split.
MONITORS = ("loss", "val_loss", *METRICS, *(f"val_{m}" for m in METRICS), "acc", "val_acc")

# Limits far above any drawn network, so a damaged or hostile file is refused with a sentence instead of
# filling memory or taking hours: a project file is read only up to MAX_PROJECT_BYTES.
MAX_PROJECT_BYTES = 64 * 1024 * 1024
MAX_GRAPHS = 64
MAX_NODES = 50_000
MAX_EDGES = 200_000
MAX_OPTIONS_DEPTH = 32
#: The characters JSON allows between values: a file of only these holds no project at all.
_JSON_SPACE = " \t\r\n"

#: version -> function turning a document of that version into the next version.
#: Add an entry here whenever FORMAT_VERSION is raised; old files then keep opening.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: v1_to_v2, 2: v2_to_v3}


class _Ctx:
    """Where we are in the document, so errors can name the JSON path."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> ProjectError:
        return ProjectError(message, file=self.file, path=path)

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {_kind(value)}.")
        return value

    def arr(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, found {_kind(value)}.")
        return value

    def string(self, value: Any, path: str, allow_empty: bool = True) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, found {_kind(value)}.")
        if not allow_empty and not value:
            raise self.fail(path, "must not be empty.")
        return value

    def integer(self, value: Any, path: str, lo: int | None = None, hi: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected a whole number, found {_kind(value)}.")
        if lo is not None and value < lo:
            raise self.fail(path, f"must be at least {lo}, found {_kind(value)}.")
        if hi is not None and value > hi:
            raise self.fail(path, f"must be at most {hi}, found {_kind(value)}.")
        return value

    def number(self, value: Any, path: str, lo: float | None = None, hi: float | None = None,
               lo_open: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise self.fail(path, f"expected a number, found {_kind(value)}.")
        if lo is not None and (value < lo or (lo_open and value == lo)):
            raise self.fail(path, f"must be {'above' if lo_open else 'at least'} {lo}, found {_kind(value)}.")
        if hi is not None and value > hi:
            raise self.fail(path, f"must be at most {hi}, found {_kind(value)}.")
        try:
            return float(value)
        except OverflowError:
            raise self.fail(path, f"is too large ({_kind(value)}).") from None

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, found {_kind(value)}.")
        return value

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            raise self.fail(path, f"must be one of {', '.join(choices)}, found {_kind(value)}.")
        return value

    def required(self, d: dict[str, Any], key: str, path: str) -> Any:
        """``d[key]``, refusing its absence as such: "found null" would send the reader looking for a null that
        is not in the file. The path is the object's, as the missing field has no place in the file to point at.
        """
        if key not in d:
            raise self.fail(path, f"the field {key!r} is missing.")
        return d[key]

    def known_keys(self, d: dict[str, Any], path: str, allowed: set[str]) -> None:
        extra = sorted(set(d) - allowed)
        if extra:
            raise self.fail(_child(path, extra[0]), f"unknown field {_short(extra[0])} (expected one of "
                            f"{', '.join(sorted(allowed))}).")


def _kind(value: Any) -> str:
    """How a JSON value reads in a message: the number itself, the text itself (shortened), or its kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, int):
        if abs(value) >= 10**15:
            digits = len(str(abs(value)))
            return f"{'-' if value < 0 else ''}a number with {digits} digits"
        return str(value)
    if isinstance(value, str):
        return f"text {value[:60] + '…' if len(value) > 60 else value!r}"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _json_spelling(value: Any) -> str:
    """``repr(value)`` with JSON's words for what Python spells its own way (true, false, null, NaN, Infinity),
    so a message quotes the value as the file holds it; text keeps the quotes every other message uses."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return _kind(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_json_spelling, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json_spelling(k)}: {_json_spelling(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _in_json_words(message: str, value: Any) -> str:
    """A layer parameter's refusal with the value it ends on (``not True``: the layer registry speaks Python,
    as the inspector does) spelt as the file has it (``not true``); any other message is kept as it is."""
    try:
        python, spelt = repr(value), _json_spelling(value)
    except (RecursionError, ValueError):  # nested hundreds deep, or an int too long to print: keep the message
        return message
    if python != spelt and message.endswith(f" {python}"):
        return message[: -len(python)] + spelt
    return message


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _child(path: str, key: str) -> str:
    """``$.a.b`` for plain keys, ``$.a["odd key"]`` for the rest, so a path never spans lines."""
    return f"{path}.{key}" if _PLAIN_KEY.match(key) else f"{path}[{json.dumps(key)}]"


def _short(text: str) -> str:
    return repr(text[:60] + "…" if len(text) > 60 else text)


def _check_text(value: Any, path: str, ctx: _Ctx, numbers: bool = False) -> None:
    """Refuse what JSON cannot carry back out as UTF-8: lone surrogates, in keys and values, anywhere
    (and, with ``numbers``, NaN and infinities too).

    Checked before a document is interpreted and before one is written, so whatever loads can be saved.
    """
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, str):
            _check_str(v, p, ctx)
        elif numbers and isinstance(v, float) and not math.isfinite(v):
            raise ctx.fail(p, f"expected a number, found {_kind(v)} (JSON has no such number).")
        elif isinstance(v, dict):
            for k, item in v.items():
                _check_str(k, p, ctx, key=True)
                stack.append((item, _child(p, k)))
        elif isinstance(v, list):
            stack.extend((item, f"{p}[{i}]") for i, item in enumerate(v))


def _check_str(text: str, path: str, ctx: _Ctx, key: bool = False) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        what = "a field name" if key else "the text"
        raise ctx.fail(path, f"{what} holds an invalid character (a lone UTF-16 surrogate "
                             f"{text[exc.start]!a}); replace it with the character meant.") from None


def _check_options(value: Any, path: str, ctx: _Ctx, depth: int = 0) -> None:
    """Data options are free-form, so check them as strictly as JSON writing would: finite numbers only."""
    if depth > MAX_OPTIONS_DEPTH:
        raise ctx.fail(path, f"is nested more than {MAX_OPTIONS_DEPTH} levels deep.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ctx.fail(path, f"expected a number, found {_kind(value)} (JSON has no such number).")
    if isinstance(value, dict):
        for k, item in value.items():
            _check_options(item, _child(path, k), ctx, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_options(item, f"{path}[{i}]", ctx, depth + 1)


# ---------------------------------------------------------------------------- reading


def loads_project(text: str, file: str | None = None) -> Project:
    """Parse a project from JSON text; ``file`` only names the source in error messages."""
    ctx = _Ctx(file)
    if not isinstance(text, str):
        raise ProjectError(f"expected project text, found {type(text).__name__}.", file=file)
    if len(text) > MAX_PROJECT_BYTES:
        raise ProjectError(f"is larger than {MAX_PROJECT_BYTES // (1024 * 1024)} MB; that is not a project "
                           "nnbuilder wrote.", file=file)
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors add
    if not text.strip(_JSON_SPACE):  # JSON's "Expecting value at line 1, column 1" would hide the plain fault
        raise ProjectError("is empty: it holds no project." if not text else
                           "is empty (only spaces and line breaks): it holds no project.", file=file)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectError(f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                           "the file may be truncated or edited by hand.", file=file) from None
    except RecursionError:
        raise ProjectError("is nested too deeply to be a project file (lists or objects inside each other "
                           "hundreds of levels deep).", file=file) from None
    except ValueError as exc:  # a number with more digits than Python converts (4,300)
        what = "holds a number with thousands of digits" if "digits" in str(exc) else f"cannot be read ({exc})"
        raise ProjectError(f"{what}; that is not a project nnbuilder wrote.", file=file) from None
    doc = ctx.obj(doc, "$")
    if _SURROGATE_ESCAPE.search(text) or not _encodes(text):
        _check_text(doc, "$", ctx)  # the slow walk only when there may be a surrogate, to name its path
    doc = migrate(doc, ctx)
    return _project_from_dict(doc, ctx)


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a ``.nnb`` file; raises ProjectError (never anything else) for bad input."""
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise ProjectError("is not a regular file (it is a device, pipe or socket), so it cannot be a "
                               "project.", file=str(p))
        if info.st_size > MAX_PROJECT_BYTES:
            raise ProjectError(f"is {info.st_size / (1024 * 1024):,.0f} MB; a project file is at most "
                               f"{MAX_PROJECT_BYTES // (1024 * 1024)} MB, so this is not one nnbuilder wrote.",
                               file=str(p))
        with p.open("rb") as fh:
            raw = fh.read(MAX_PROJECT_BYTES + 1)
    except FileNotFoundError:
        raise ProjectError("no such file.", file=str(p)) from None
    except IsADirectoryError:
        raise ProjectError("is a folder, not a project file.", file=str(p)) from None
    except OSError as exc:
        raise ProjectError(f"cannot be read ({exc.strerror or exc}).", file=str(p)) from None
    except ValueError as exc:  # e.g. a path with a NUL character
        raise ProjectError(f"is not a usable file name ({exc}).", file=str(p)) from None
    if len(raw) > MAX_PROJECT_BYTES:
        raise ProjectError(f"grew past {MAX_PROJECT_BYTES // (1024 * 1024)} MB while being read.", file=str(p))
    return loads_project(_decode(raw, str(p)), str(p))


_BOM = b"\xef\xbb\xbf"
#: Bytes text does not hold (all controls but tab, line feed, form feed and carriage return).
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])
#: How much of a file is looked at to tell text in another encoding from a binary file.
_SNIFF_BYTES = 1024 * 1024
#: Above this share of control bytes and bytes that are not UTF-8, a file is taken for binary.
_BINARY_SHARE = 0.1


def _decode(raw: bytes, file: str) -> str:
    """The file's text (a UTF-8 byte-order mark dropped), or a ProjectError saying where it is not UTF-8.

    A project that another program saved as Latin-1 or Windows-1252 is all valid UTF-8 but for an accented
    letter or two, so the message names the first bad byte's line and column (as the JSON errors do) and its
    offset; only a file that looks binary (an image renamed .nnb) is asked whether it is a project at all.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with its byte-order mark: what Windows PowerShell 5's ">" and Notepad's "Unicode" write. The
        # text is all there, so it is read (and saved again as UTF-8) rather than called binary for its NULs.
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ProjectError(f"is UTF-16 text with a broken character at byte {exc.start}: save it as UTF-8.",
                               file=file) from None
    body = raw[len(_BOM):] if raw.startswith(_BOM) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
    if _looks_binary(body):
        raise ProjectError("is not a text (UTF-8) file; is it really an nnbuilder project?", file=file)
    line = body.count(b"\n", 0, start) + 1
    line_start = body.rfind(b"\n", 0, start) + 1
    column = len(body[line_start:start].decode("utf-8")) + 1  # in characters, as JSON's columns; all UTF-8
    raise ProjectError(f"has a byte that is not UTF-8 text at line {line}, column {column} (byte "
                       f"0x{body[start]:02X} at offset {start + len(raw) - len(body)}): was it saved by another "
                       "program in another encoding? Save it as UTF-8.", file=file)


def _looks_binary(data: bytes) -> bool:
    """Whether bytes that are not all UTF-8 are a binary file rather than text in another encoding.

    Binary formats hold NUL bytes (PNG, JPEG, ZIP headers all do) or, compressed, a large share of control
    bytes and bytes that are not UTF-8; text in a single-byte encoding differs from UTF-8 only in its few
    letters outside ASCII, a small share of a project file's JSON.
    """
    sample = data[:_SNIFF_BYTES]
    if b"\0" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    text = sample.decode("utf-8", errors="replace")
    not_utf8 = text.count("\ufffd") - sample.count("\ufffd".encode())
    return controls + not_utf8 > _BINARY_SHARE * len(text)


def migrate(doc: dict[str, Any], ctx: _Ctx | None = None) -> dict[str, Any]:
    ctx = ctx or _Ctx(None)
    if "format" not in doc:
        raise ctx.fail("$", "the field 'format' is missing; this is not an nnbuilder project.")
    fmt = doc.get("format")
    if fmt != FORMAT_NAME:
        raise ctx.fail("$.format", f"expected {FORMAT_NAME!r}, found {_kind(fmt)}; this is not an nnbuilder project.")
    if "version" not in doc:
        raise ctx.fail("$", f"the field 'version' is missing (files this nnbuilder writes have version "
                            f"{FORMAT_VERSION}).")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ctx.fail("$.version", f"expected a positive whole number, found {_kind(version)}.")
    if version > FORMAT_VERSION:
        raise ctx.fail("$.version", f"the file was written by a newer nnbuilder (format version {_kind(version)}; "
                       f"this version reads up to {FORMAT_VERSION}). Update nnbuilder to open it.")
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ctx.fail("$.version", f"format version {version} can no longer be read.")
        doc = step(doc)
        version = doc["version"]
    return doc


def _project_from_dict(doc: dict[str, Any], ctx: _Ctx) -> Project:
    ctx.known_keys(doc, "$", {"format", "version", "name", "notes", "graphs", "data", "training"})
    name = ctx.string(doc.get("name", "Untitled"), "$.name")
    notes = ctx.string(doc.get("notes", ""), "$.notes")
    graphs_raw = ctx.arr(ctx.required(doc, "graphs", "$"), "$.graphs")
    if not graphs_raw:
        raise ctx.fail("$.graphs", "a project needs at least one graph.")
    if len(graphs_raw) > MAX_GRAPHS:
        raise ctx.fail("$.graphs", f"has {len(graphs_raw):,} graphs; a project holds at most {MAX_GRAPHS}.")
    graphs = [_graph_from_dict(g, f"$.graphs[{i}]", ctx) for i, g in enumerate(graphs_raw)]
    seen: set[str] = set()
    for i, g in enumerate(graphs):
        if g.name in seen:
            raise ctx.fail(f"$.graphs[{i}].name", f"two graphs are called {g.name!r}; graph names must differ.")
        seen.add(g.name)
    data = _data_from_dict(doc.get("data", {}), ctx)
    training = _training_from_dict(doc.get("training", {}), ctx)
    return Project(name=name, graphs=graphs, data=data, training=training, notes=notes)


def _graph_from_dict(raw: Any, path: str, ctx: _Ctx) -> Graph:
    from ..layers import get_spec  # the registry is pure Python; imported late to keep io light

    d = ctx.obj(raw, path)
    ctx.known_keys(d, path, {"name", "role", "nodes", "edges", "optimizer"})
    g = Graph(name=ctx.string(d.get("name", "model"), f"{path}.name", allow_empty=False),
              role=ctx.choice(d.get("role", "model"), f"{path}.role", ("model", "generator", "discriminator")))
    nodes_raw = ctx.arr(d.get("nodes", []), f"{path}.nodes")
    if len(nodes_raw) > MAX_NODES:
        raise ctx.fail(f"{path}.nodes", f"has {len(nodes_raw):,} nodes; a graph holds at most {MAX_NODES:,}.")
    g.optimizer = format_v2.read_graph_optimizer(d.get("optimizer"), f"{path}.optimizer", ctx)
    ids: set[str] = set()
    for i, nraw in enumerate(nodes_raw):
        npath = f"{path}.nodes[{i}]"
        n = ctx.obj(nraw, npath)
        ctx.known_keys(n, npath, {"id", "type", "params", "position", "label", "trainable"})
        nid = ctx.string(ctx.required(n, "id", npath), f"{npath}.id", allow_empty=False)
        if nid in ids:
            raise ctx.fail(f"{npath}.id", f"duplicate node id {nid!r}; every node needs its own id.")
        ids.add(nid)
        tname = ctx.string(ctx.required(n, "type", npath), f"{npath}.type", allow_empty=False)
        try:
            spec = get_spec(tname)
        except KeyError:
            raise ctx.fail(f"{npath}.type", f"node {nid!r} has unknown layer type {_short(tname)}.") from None
        params_raw = ctx.obj(n.get("params", {}), f"{npath}.params")
        params: dict[str, Any] = {}
        for key, value in params_raw.items():
            try:
                pspec = spec.param(key)
            except KeyError:
                known = ", ".join(p.name for p in spec.params) or "none"
                raise ctx.fail(_child(f"{npath}.params", key),
                               f"{spec.title} node {nid!r} has no parameter {_short(key)} "
                               f"(its parameters: {known}).") from None
            try:
                params[key] = pspec.coerce(value)
            except ValueError as exc:
                raise ctx.fail(_child(f"{npath}.params", key),
                               f"{spec.title} node {nid!r}: {key} {_in_json_words(str(exc), value)}.") from None
        pos = ctx.arr(n.get("position", [0, 0]), f"{npath}.position")
        if len(pos) != 2:
            raise ctx.fail(f"{npath}.position", f"expected [x, y], found a list of {len(pos)}.")
        position = (ctx.number(pos[0], f"{npath}.position[0]"), ctx.number(pos[1], f"{npath}.position[1]"))
        node = Node(id=nid, type=spec.type, params=params, position=position,
                    label=ctx.string(n.get("label", ""), f"{npath}.label"),
                    trainable=ctx.boolean(n.get("trainable", True), f"{npath}.trainable"))
        if not valid_id(nid):
            raise ctx.fail(f"{npath}.id", f"{nid!r} is not a valid node id (a letter or _ first, then letters, "
                           "digits, _ and -).")
        g.nodes.append(node)  # ids were checked above; Graph.add_node would rescan every node (quadratic)
    edges_raw = ctx.arr(d.get("edges", []), f"{path}.edges")
    if len(edges_raw) > MAX_EDGES:
        raise ctx.fail(f"{path}.edges", f"has {len(edges_raw):,} connections; a graph holds at most {MAX_EDGES:,}.")
    keys: set[tuple[str, str, str, str]] = set()
    by_id = {n.id: n for n in g.nodes}
    for i, eraw in enumerate(edges_raw):
        epath = f"{path}.edges[{i}]"
        e = ctx.obj(eraw, epath)
        ctx.known_keys(e, epath, {"source", "source_port", "target", "target_port"})
        src = ctx.string(ctx.required(e, "source", epath), f"{epath}.source", allow_empty=False)
        dst = ctx.string(ctx.required(e, "target", epath), f"{epath}.target", allow_empty=False)
        for end, nid in (("source", src), ("target", dst)):
            if nid not in ids:
                raise ctx.fail(f"{epath}.{end}", f"edge points to node {nid!r}, which does not exist.")
        sport = ctx.string(e.get("source_port", "out"), f"{epath}.source_port", allow_empty=False)
        tport = ctx.string(e.get("target_port", "in"), f"{epath}.target_port", allow_empty=False)
        edge = Edge(src, dst, sport, tport)
        refusal = g.check_connect(edge, in_graph=True, nodes=by_id)
        if refusal is not None and refusal.field in ("source_port", "target_port"):  # the rest: Problems
            raise ctx.fail(f"{epath}.{refusal.field}", refusal.message)
        if edge.key in keys:  # a set, not Graph.add_edge's scan: loading stays linear
            raise ctx.fail(epath, f"{src} is already connected to {dst}.")
        keys.add(edge.key)
        g.edges.append(edge)
    return g


def _data_from_dict(raw: Any, ctx: _Ctx) -> DataConfig:
    d = ctx.obj(raw, "$.data")
    ctx.known_keys(d, "$.data", {"dataset", "options"})
    options = dict(ctx.obj(d.get("options", {}), "$.data.options"))
    _check_options(options, "$.data.options", ctx)
    return DataConfig(dataset=ctx.string(d.get("dataset", DataConfig.dataset), "$.data.dataset", allow_empty=False),
                      options=options)


def _training_from_dict(raw: Any, ctx: _Ctx) -> TrainingConfig:
    p = "$.training"
    d = ctx.obj(raw, p)
    ctx.known_keys(d, p, {"loss", "optimizer", "epochs", "batch_size", "shuffle", "metrics", "validation_split",
                          "early_stopping", "seed", "device", "mixed_precision", "gan"})
    t = TrainingConfig()
    t.loss = ctx.choice(d.get("loss", t.loss), f"{p}.loss", LOSSES)
    o = ctx.obj(d.get("optimizer", {}), f"{p}.optimizer")
    op = f"{p}.optimizer"
    ctx.known_keys(o, op, format_v2.OPTIMIZER_KEYS)
    oc = OptimizerConfig()
    t.optimizer = OptimizerConfig(
        name=ctx.choice(_lower(o.get("name", oc.name)), f"{op}.name", OPTIMIZERS),
        lr=ctx.number(o.get("lr", oc.lr), f"{op}.lr", 0.0, 100.0, lo_open=True),
        momentum=ctx.number(o.get("momentum", oc.momentum), f"{op}.momentum", 0.0, 1.0),
        nesterov=ctx.boolean(o.get("nesterov", oc.nesterov), f"{op}.nesterov"),
        weight_decay=ctx.number(o.get("weight_decay", oc.weight_decay), f"{op}.weight_decay", 0.0, 10.0),
        schedule=ctx.choice(o.get("schedule", oc.schedule), f"{op}.schedule", SCHEDULES),
        step_size=ctx.integer(o.get("step_size", oc.step_size), f"{op}.step_size", 1),
        gamma=ctx.number(o.get("gamma", oc.gamma), f"{op}.gamma", 0.0, 1.0, lo_open=True),
    )
    format_v2.read_betas(o, op, ctx, t.optimizer)
    t.gan = format_v2.read_gan(d.get("gan", {}), f"{p}.gan", ctx)
    t.epochs = ctx.integer(d.get("epochs", t.epochs), f"{p}.epochs", 1, 100_000)
    t.batch_size = ctx.integer(d.get("batch_size", t.batch_size), f"{p}.batch_size", 1, 1_000_000)
    t.shuffle = ctx.boolean(d.get("shuffle", t.shuffle), f"{p}.shuffle")
    metrics = ctx.arr(d.get("metrics", t.metrics), f"{p}.metrics")
    t.metrics = [ctx.choice(m, f"{p}.metrics[{i}]", METRICS) for i, m in enumerate(metrics)]
    t.validation_split = ctx.number(d.get("validation_split", t.validation_split), f"{p}.validation_split",
                                    0.0, 0.9)
    es = ctx.obj(d.get("early_stopping", {}), f"{p}.early_stopping")
    ep = f"{p}.early_stopping"
    ctx.known_keys(es, ep, {"enabled", "monitor", "patience", "min_delta", "restore_best"})
    ec = EarlyStoppingConfig()
    t.early_stopping = EarlyStoppingConfig(
        enabled=ctx.boolean(es.get("enabled", ec.enabled), f"{ep}.enabled"),
        monitor=ctx.choice(es.get("monitor", ec.monitor), f"{ep}.monitor", MONITORS),
        patience=ctx.integer(es.get("patience", ec.patience), f"{ep}.patience", 0, 100_000),
        min_delta=ctx.number(es.get("min_delta", ec.min_delta), f"{ep}.min_delta", 0.0),
        restore_best=ctx.boolean(es.get("restore_best", ec.restore_best), f"{ep}.restore_best"),
    )
    t.seed = ctx.integer(d.get("seed", t.seed), f"{p}.seed", 0, 2**63 - 1)
    device = ctx.string(d.get("device", t.device), f"{p}.device", allow_empty=False)
    if device.split(":")[0] not in DEVICES_PREFIXES:
        raise ctx.fail(f"{p}.device", f"must be auto, cpu, cuda, cuda:N or mps, found {device!r}.")
    t.device = device
    t.mixed_precision = ctx.boolean(d.get("mixed_precision", t.mixed_precision), f"{p}.mixed_precision")
    return t


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# ---------------------------------------------------------------------------- writing


def project_to_dict(project: Project) -> dict[str, Any]:
    """The document in a fixed key order; defaults written out so files are self-explaining."""
    t = project.training
    o = t.optimizer
    es = t.early_stopping
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": project.name,
        "notes": project.notes,
        "graphs": [
            {
                "name": g.name,
                "role": g.role,
                **format_v2.graph_optimizer_dict(g),
                "nodes": [_node_dict(n) for n in g.nodes],
                "edges": [
                    {"source": e.source, "source_port": e.source_port, "target": e.target,
                     "target_port": e.target_port}
                    for e in g.edges
                ],
            }
            for g in project.graphs
        ],
        "data": {"dataset": project.data.dataset, "options": _sorted(project.data.options)},
        "training": {
            "loss": t.loss,
            "optimizer": format_v2.optimizer_dict(o),
            "epochs": t.epochs,
            "batch_size": t.batch_size,
            "shuffle": t.shuffle,
            "metrics": list(t.metrics),
            "validation_split": t.validation_split,
            "early_stopping": {"enabled": es.enabled, "monitor": es.monitor, "patience": es.patience,
                               "min_delta": es.min_delta, "restore_best": es.restore_best},
            "seed": t.seed,
            "device": t.device,
            "mixed_precision": t.mixed_precision,
            "gan": format_v2.gan_dict(t.gan),
        },
    }


def _node_dict(n: Node) -> dict[str, Any]:
    d: dict[str, Any] = {"id": n.id, "type": n.type}
    if n.label:
        d["label"] = n.label
    d["params"] = _sorted(n.params)
    d["position"] = [_round(n.position[0]), _round(n.position[1])]
    if not n.trainable:
        d["trainable"] = False
    return d


def _round(v: float) -> float:
    r = round(float(v), 2)
    return int(r) if r.is_integer() else r


def _sorted(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in sorted(d)}


def dumps_project(project: Project) -> str:
    """The file's text; ProjectError (naming the field) when something in the project cannot be written."""
    doc = project_to_dict(project)
    ctx = _Ctx(None)
    _check_options(doc["data"]["options"], "$.data.options", ctx)
    try:
        text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        if _encodes(text):
            return text
    except (ValueError, TypeError, RecursionError):
        pass
    _check_text(doc, "$", ctx, numbers=True)  # names the field at fault
    raise ProjectError("The project holds values a project file cannot store (check names, labels and notes).")


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash mid-save leaves the old file intact, never half a file.

    Raises ProjectError when the project holds something a file cannot carry (nothing is written then)
    and OSError when the file cannot be written; the old file is intact either way.
    """
    p = Path(path)
    text = dumps_project(project)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(p, text.encode("utf-8"))

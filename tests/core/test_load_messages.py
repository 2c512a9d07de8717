"""What a refused project file is told: the plain fault, not the parser's or Python's view of it.

Each case here once loaded with a message that was true but imprecise: an empty file reported as bad JSON at
line 1, a missing field as a null, a JSON ``true`` as Python's ``True``, one stray byte as "not a text file".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nnbuilder.project import ProjectError, load_project, loads_project
from tests.conftest import EXAMPLES

XOR = EXAMPLES / "perceptron_xor.nnb"  # the example the tester damaged: nodes "input" and "neuron" (a Dense)


def _doc() -> dict[str, Any]:
    return json.loads(XOR.read_text(encoding="utf-8"))


def _refusal(path: Path) -> ProjectError:
    with pytest.raises(ProjectError) as ei:
        load_project(path)
    return ei.value


def _text_refusal(doc: dict[str, Any]) -> ProjectError:
    with pytest.raises(ProjectError) as ei:
        loads_project(json.dumps(doc), "bad.nnb")
    return ei.value


# -- 1. an empty file --------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"   ", b"\n", b" \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"],
                         ids=["0 bytes", "spaces", "newline", "mixed blanks", "bom only", "bom newline"])
def test_an_empty_file_is_called_empty_not_bad_json(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.nnb"
    f.write_bytes(content)
    msg = str(_refusal(f))
    assert msg.startswith(f"{f}: is empty") and msg.endswith("it holds no project."), msg
    assert "JSON" not in msg and "line 1" not in msg, msg
    with pytest.raises(ProjectError, match=r"^x\.nnb: is empty"):
        loads_project(content.decode("utf-8"), "x.nnb")


def test_text_after_blanks_is_still_parsed_as_json(tmp_path: Path) -> None:
    f = tmp_path / "junk.nnb"
    f.write_bytes(b"\n\n  x")
    assert "is not valid JSON (Expecting value at line 3, column 3)" in str(_refusal(f))


# -- 2. a missing required field, told apart from an explicit null -----------------------------------------
def test_a_node_without_an_id_names_the_missing_field_at_the_node(tmp_path: Path) -> None:
    doc = _doc()
    del doc["graphs"][0]["nodes"][1]["id"]
    f = tmp_path / "node_no_id.nnb"
    f.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    err = _refusal(f)
    assert str(err) == f"{f} at $.graphs[0].nodes[1]: the field 'id' is missing."
    assert err.path == "$.graphs[0].nodes[1]"
    doc["graphs"][0]["nodes"][1]["id"] = None  # an explicit null is still a null
    assert str(_text_refusal(doc)) == "bad.nnb at $.graphs[0].nodes[1].id: expected text, found null."


def _drop(*keys: Any) -> Any:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return mutate


@pytest.mark.parametrize(("keys", "where"), [
    (("format",), "$"),
    (("version",), "$"),
    (("graphs",), "$"),
    (("graphs", 0, "nodes", 0, "type"), "$.graphs[0].nodes[0]"),
    (("graphs", 0, "edges", 0, "source"), "$.graphs[0].edges[0]"),
    (("graphs", 0, "edges", 0, "target"), "$.graphs[0].edges[0]"),
], ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else None)
def test_every_required_field_is_missing_not_null(keys: tuple[Any, ...], where: str) -> None:
    doc = _doc()
    _drop(*keys)(doc)
    err = _text_refusal(doc)
    assert err.path == where
    assert err.detail.startswith(f"the field '{keys[-1]}' is missing"), err
    assert "null" not in str(err)


@pytest.mark.parametrize(("keys", "fragment"), [
    (("format",), "at $.format: expected 'nnbuilder-project', found null"),
    (("version",), "at $.version: expected a positive whole number, found null"),
    (("graphs",), "at $.graphs: expected a list, found null"),
    (("graphs", 0, "nodes", 0, "type"), "at $.graphs[0].nodes[0].type: expected text, found null"),
    (("graphs", 0, "edges", 0, "target"), "at $.graphs[0].edges[0].target: expected text, found null"),
])
def test_an_explicit_null_in_a_required_field_is_still_called_null(keys: tuple[Any, ...], fragment: str) -> None:
    doc = _doc()
    target: Any = doc
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = None
    assert fragment in str(_text_refusal(doc))


def test_optional_fields_still_take_their_defaults_when_missing() -> None:
    doc = _doc()
    for key in ("name", "notes", "data", "training"):
        doc.pop(key)
    node = doc["graphs"][0]["nodes"][1]
    for key in ("params", "position", "label"):
        node.pop(key, None)
    for key in ("source_port", "target_port"):
        doc["graphs"][0]["edges"][0].pop(key)
    project = loads_project(json.dumps(doc))
    assert project.name == "Untitled" and project.graphs[0].nodes[1].params == {}


# -- 3. values quoted as the file spells them --------------------------------------------------------------
@pytest.mark.parametrize(("param", "value", "ending"), [
    ("units", True, "units must be a whole number, not true."),
    ("units", False, "units must be a whole number, not false."),
    ("units", None, "units must be a whole number, not null."),
    ("units", float("nan"), "units must be a whole number, not NaN."),
    ("units", float("-inf"), "units must be a whole number, not -Infinity."),
    ("activation", True, "not true."),
    ("use_bias", None, "use_bias must be true or false, not null."),
    ("use_bias", [True, None], "use_bias must be true or false, not [true, null]."),
    ("use_bias", {"on": False}, "use_bias must be true or false, not {'on': false}."),
])
def test_a_refused_parameter_value_is_quoted_in_json_spelling(param: str, value: Any, ending: str) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["params"][param] = value
    msg = str(_text_refusal(doc))
    assert msg.startswith(f"bad.nnb at $.graphs[0].nodes[1].params.{param}: Dense node 'neuron': "), msg
    assert msg.endswith(ending), msg
    for python in ("True", "False", "None", "nan", "inf"):
        assert python not in msg.split(": ", 2)[-1], msg


def test_values_without_python_words_are_quoted_as_before() -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["params"]["activation"] = "banana"
    assert str(_text_refusal(doc)).endswith("step, not 'banana'.")
    doc = _doc()
    doc["graphs"][0]["nodes"][0]["params"]["shape"] = [-2]
    assert str(_text_refusal(doc)).endswith("shape must hold positive whole numbers, not [-2].")
    doc["graphs"][0]["nodes"][0]["params"]["shape"] = [2, True]
    assert str(_text_refusal(doc)).endswith("shape must hold positive whole numbers, not [2, true].")


@pytest.mark.parametrize(("value", "found"), [(True, "found true."), (None, "found null."), (3, "found 3.")])
def test_a_graph_optimizer_name_that_is_not_text_is_not_called_text(value: Any, found: str) -> None:
    doc = _doc()
    doc["graphs"][0]["optimizer"] = {"name": value}
    msg = str(_text_refusal(doc))
    assert msg.startswith("bad.nnb at $.graphs[0].optimizer.name: must be one of") and msg.endswith(found), msg
    doc["graphs"][0]["optimizer"] = {"name": "ADAM"}  # text is still read in any case
    assert loads_project(json.dumps(doc)).graphs[0].optimizer.name == "adam"


# -- 4. one byte that is not UTF-8 in an otherwise good file -----------------------------------------------
def test_a_stray_byte_is_located_by_line_column_and_offset(tmp_path: Path) -> None:
    raw = XOR.read_bytes()
    assert raw.splitlines()[3] == b'  "name": "Perceptron: XOR cannot be learned",'
    f = tmp_path / "nonutf8.nnb"
    f.write_bytes(raw.replace(b"XOR cannot", b"XOR \xe9 cannot"))
    assert str(_refusal(f)) == (
        f"{f}: has a byte that is not UTF-8 text at line 4, column 28 (byte 0xE9 at offset "
        f"{raw.index(b'XOR cannot') + 4}): was it saved by another program in another encoding? Save it as UTF-8.")


def test_the_column_counts_characters_and_the_offset_counts_bytes(tmp_path: Path) -> None:
    f = tmp_path / "latin.nnb"
    # a byte-order mark, then two-byte "é"s before the Latin-1 one on the same line
    f.write_bytes(b'\xef\xbb\xbf{"name": "\xc3\xa9t\xc3\xa9 caf\xe9"}')
    msg = str(_refusal(f))
    assert "at line 1, column 18 (byte 0xE9 at offset 22)" in msg, msg  # 17 characters, 3 + 19 bytes
    f.write_bytes(b'{"name": "x"}\r\n\xff')  # at the very start of a line; a lone lead byte at the end
    assert "at line 2, column 1 (byte 0xFF at offset 15)" in str(_refusal(f))
    doc = XOR.read_bytes()
    lines = doc.count(b"\n") + 1
    f.write_bytes(doc + b"\xc3")  # a file cut inside a two-byte character
    assert f"at line {lines}, column 1 (byte 0xC3 at offset {len(doc)})" in str(_refusal(f))


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),  # an image renamed .nnb
    bytes(range(256)) * 4,  # the tester's binary.nnb
    bytes((i * 37 + 128) % 256 for i in range(4096) if (i * 37 + 128) % 256),  # noise without NUL bytes
    b"\x80\x81\x82\xff",
], ids=["png", "all bytes", "noise", "four bad bytes"])
def test_a_binary_file_is_still_asked_whether_it_is_a_project(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "picture.nnb"
    f.write_bytes(content)
    assert str(_refusal(f)) == f"{f}: is not a text (UTF-8) file; is it really an nnbuilder project?"


def test_a_port_name_with_a_line_break_keeps_the_message_on_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The command line prints one line per error: a port named "\\n" split "has no output port '" from "'."."""
    import json

    from nnbuilder.project import ProjectError, load_project
    from tests.conftest import EXAMPLES

    data = json.loads((EXAMPLES / "perceptron_xor.nnb").read_text(encoding="utf-8"))
    data["graphs"][0]["edges"][0]["source_port"] = "\n"
    path = tmp_path / "port.nnb"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        load_project(path)
    except ProjectError as exc:
        assert "\n" not in str(exc) and "port '\\n'" in str(exc), str(exc)
    else:
        raise AssertionError("a port that does not exist was accepted")


def test_a_project_saved_as_utf16_opens(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Windows PowerShell 5's ">" writes UTF-16 with a byte-order mark: the file was called binary ("is it
    really an nnbuilder project?") for the NUL bytes of its ASCII letters, though all its text was there."""
    from nnbuilder.project import ProjectError, load_project, save_project
    from tests.conftest import EXAMPLES

    text = (EXAMPLES / "perceptron_xor.nnb").read_text(encoding="utf-8")
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.nnb"
        data = text.encode(encoding)
        path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
        project = load_project(path)
        assert project.name == load_project(EXAMPLES / "perceptron_xor.nnb").name
        save_project(project, path)
        assert path.read_bytes()[:1] == b"{"  # saved back as UTF-8
    broken = tmp_path / "broken.nnb"
    broken.write_bytes(b"\xff\xfe" + "{}".encode("utf-16-le") + b"\x00\xd8")  # a lone high surrogate
    try:
        load_project(broken)
    except ProjectError as exc:
        assert "UTF-16" in str(exc) and "\n" not in str(exc), str(exc)
    else:
        raise AssertionError("a broken UTF-16 file was accepted")

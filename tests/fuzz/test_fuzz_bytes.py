"""Damaged bytes (not damaged JSON) against the file reader: only a one-line ProjectError escapes, and where it
names a byte that is not UTF-8, its line, column, offset and value are the first such byte's."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from nnbuilder.project import ProjectError, load_project
from tests.fuzz.cases import EXAMPLE_FILES
from tests.fuzz.conftest import OUTCOMES, TALLY, fuzz

EXAMPLE_BYTES = [p.read_bytes() for p in EXAMPLE_FILES]
_STRAY = re.compile(r"not UTF-8 text at line (\d+), column (\d+) \(byte 0x([0-9A-F]{2}) at offset (\d+)\)")


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """An example with a few bytes overwritten, inserted or cut off, sometimes behind a byte-order mark."""
    raw = bytearray(draw(st.sampled_from(EXAMPLE_BYTES)))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(raw) - 1))
        kind = draw(st.sampled_from(["overwrite", "insert", "cut"]))
        if kind == "overwrite":
            raw[i] = draw(st.integers(0x80, 0xFF) | st.integers(0, 0xFF))
        elif kind == "insert":
            raw[i:i] = draw(st.binary(min_size=1, max_size=4))
        else:
            del raw[max(i, 1):]  # a file cut short, never to nothing
    if draw(st.booleans()):
        raw[:0] = b"\xef\xbb\xbf"
    return bytes(raw)


def _first_bad_byte(raw: bytes) -> tuple[int, int, int, int]:
    """(line, column, offset, byte) of the first byte that is not UTF-8, found the slow, obvious way."""
    skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    line, column = 1, 1
    i = skip
    while i < len(raw):
        for width in (1, 2, 3, 4):
            try:
                char = raw[i:i + width].decode("utf-8")
            except UnicodeDecodeError:
                continue
            break
        else:
            return line, column, i, raw[i]
        line, column = (line + 1, 1) if char == "\n" else (line, column + 1)
        i += width
    raise AssertionError("the file is all UTF-8")


@fuzz(scale=1.5)
@given(damaged_files())
def test_damaged_bytes_are_refused_with_one_line_naming_the_first_bad_byte(raw: bytes) -> None:
    TALLY["damaged bytes"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.nnb"
        path.write_bytes(raw)
        try:
            load_project(path)
        except ProjectError as exc:
            OUTCOMES["refused"] += 1
            message = str(exc)
        else:
            OUTCOMES["loaded"] += 1
            return
    assert message.startswith(str(path)) and message.endswith((".", ")", "?")) and "\n" not in message, message
    stray = _STRAY.search(message)
    if stray is not None:
        OUTCOMES["stray byte named"] += 1
        line, column, byte, offset = int(stray[1]), int(stray[2]), int(stray[3], 16), int(stray[4])
        assert (line, column, offset, byte) == _first_bad_byte(raw), message

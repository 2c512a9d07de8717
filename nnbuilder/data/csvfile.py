"""Reading delimited text tables (CSV, semicolon- or tab-separated, optionally gzipped).

Student files are often hand-made or exported from spreadsheets, so every failure is reported with the line
number a text editor shows and the column's name, rather than as a ``ValueError`` from deep inside numpy.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError, describe
from .idx import read_bytes

# Cell values read as "missing": the household-power file uses '?', spreadsheets export empty cells or NA.
MISSING_TOKENS = frozenset({"", "?", "na", "n/a", "nan", "null", "none", "-"})
DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    """Cells as strings, column-major would need a transpose per use, so rows are kept as read."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # 1-based line number of each row in the file, for messages
    has_header: bool

    @property
    def num_columns(self) -> int:
        return len(self.header)

    def column_values(self, index: int) -> list[str]:
        return [row[index] for row in self.rows]

    def column_index(self, ref: str | int, option: str = "column") -> int:
        """Resolve a column given by name (exact, then ignoring case) or 0-based index (negative from the end)."""
        n = self.num_columns
        if isinstance(ref, bool):
            ref = str(ref)
        if isinstance(ref, int | np.integer):
            if -n <= int(ref) < n:
                return int(ref) % n
            raise DataError(
                f"The {option} index {ref} is outside the {n} columns of {describe(self.path)} (counting from 0)."
            )
        name = str(ref).strip()
        if name in self.header:
            return self.header.index(name)
        lowered = [h.lower() for h in self.header]
        if name.lower() in lowered:
            return lowered.index(name.lower())
        if name.lstrip("-").isdigit():
            return self.column_index(int(name), option)
        shown = ", ".join(f"'{h}'" for h in self.header[:12]) + (" ..." if n > 12 else "")
        raise DataError(f"{describe(self.path)} has no column '{name}' (option '{option}'); its columns are {shown}.")

    def numeric_column(self, index: int, allow_missing: bool = False) -> np.ndarray:
        """float64 values of one column; missing cells become NaN when allowed, otherwise they are an error."""
        values = self.column_values(index)
        try:
            out = np.asarray(values, dtype=np.float64)
        except ValueError:
            out = np.empty(len(values), dtype=np.float64)
            for i, cell in enumerate(values):
                text = cell.strip()
                if text.lower() in MISSING_TOKENS:
                    out[i] = np.nan
                    continue
                try:
                    out[i] = float(text)
                except ValueError:
                    raise DataError(
                        f"{describe(self.path)} line {self.lines[i]}, column '{self.header[index]}': "
                        f"'{_short(cell)}' is not a number."
                    ) from None
        bad = ~np.isfinite(out)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            if np.isinf(out[i]):
                raise DataError(
                    f"{describe(self.path)} line {self.lines[i]}, column '{self.header[index]}': "
                    f"'{_short(values[i])}' is not a finite number."
                )
            if not allow_missing:
                raise DataError(
                    f"{describe(self.path)} line {self.lines[i]}, column '{self.header[index]}' has a missing value "
                    f"('{_short(values[i])}'); fill it in or remove the row."
                )
        return out

    def is_numeric_column(self, index: int) -> bool:
        return all(_is_number(c) or c.strip().lower() in MISSING_TOKENS for c in self.column_values(index))


def read_table(path: Path, header: str = "auto", min_rows: int = 1) -> Table:
    """Parse a delimited text file into a ``Table``; rows must all have as many cells as the first one.

    header: "yes", "no" or "auto". Auto treats the first row as a header when some column holds a non-number
    there but a number in the second row - the pattern of every titled numeric table, and never true of a
    headerless numeric one.
    """
    data = read_bytes(Path(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise DataError(f"The file {describe(path)} is not a text table (it contains binary data).")
    if not text.strip():
        raise DataError(f"The file {describe(path)} is empty.")
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = max(DELIMITERS, key=first_line.count) if any(d in first_line for d in DELIMITERS) else ","
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = -1
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if width < 0:
                width = len(row)
            elif len(row) != width:
                raise DataError(
                    f"{describe(path)} line {reader.line_num} has {len(row)} value{'s' if len(row) != 1 else ''} "
                    f"but the first row has {width}; "
                    "every row needs the same number of columns."
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(f"{describe(path)} line {reader.line_num} could not be read as a table ({exc}).") from exc
    if header == "auto":
        has_header = len(rows) >= 2 and any(
            not _is_number(a) and a.strip().lower() not in MISSING_TOKENS and _is_number(b)
            for a, b in zip(rows[0], rows[1], strict=True)
        )
    elif header in ("yes", "no"):
        has_header = header == "yes"
    else:
        raise DataError(f"The header option must be 'auto', 'yes' or 'no', not '{header}'.")
    if has_header:
        names = [h.strip() or f"column {i + 1}" for i, h in enumerate(rows[0])]
        rows, lines = rows[1:], lines[1:]
    else:
        names = [f"column {i + 1}" for i in range(max(width, 0))]
    if len(rows) < min_rows:
        raise DataError(
            f"The file {describe(path)} has {len(rows)} data row{'s' if len(rows) != 1 else ''}; "
            f"at least {min_rows} {'are' if min_rows != 1 else 'is'} needed."
        )
    return Table(Path(path), names, rows, lines, has_header)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _short(cell: str, limit: int = 30) -> str:
    cell = cell.strip()
    return cell if len(cell) <= limit else cell[: limit - 3] + "..."

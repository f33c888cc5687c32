"""Reading workbooks (XLSX, XLSM, XLS, ODS) and CSV files row by row.

Workbooks are read with python-calamine (Rust's calamine): a sheet is parsed once into
calamine's compact cell range and handed to Python one row at a time, so the file is never held
as Python objects whole. CSV files are decoded and split as they are read.

CSV as offices write it: German Excel saves "CSV (Trennzeichen-getrennt)" with ``;`` and
Windows-1252, "CSV UTF-8" with ``;`` and a byte-order mark; other programs write UTF-8 with
``,``. The encoding is taken from a byte-order mark, else UTF-8 if the first 64 KiB decode as
UTF-8, else Windows-1252; a byte that does not fit later in the file is read as Windows-1252
rather than failing the import (files pasted together from both are common). The delimiter is
the one among ``;``, ``,``, tab and ``|`` that splits the first lines into the most consistent
number of fields (``;`` first on a tie: with decimal commas, ``,`` also splits consistently).

Every sheet yields rows from row 1 and cells from column A, whatever calamine skipped, so
that row numbers and column letters are those Excel shows. Merged cells are filled: every cell
of a merged range has the value of its top-left cell (a quarter merged down over ten actors
belongs to each of them).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

import python_calamine

from exchange.messages import Code, Issue, Severity, issue
from exchange.values import Raw

WORKBOOK_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})
_SNIFF_BYTES: Final = 64 * 1024
_DELIMITERS: Final = (";", "\t", ",", "|")
_FALLBACK: Final = "kiezgraph-cp1252"
_CP1252_UNDEFINED: Final = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """A byte that is not UTF-8 is read as Windows-1252 (its five unused bytes as Latin-1)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad), exc.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


class ReadError(Exception):
    """The file cannot be read at all; ``issue`` says why, in either language."""

    def __init__(self, found: Issue) -> None:
        super().__init__(found.text("en"))
        self.issue = found


Merged = list[tuple[int, int, int, int]]  # 0-based (first row, first column, last row, last column)


@dataclass
class Sheet:
    """One sheet (a CSV file is one sheet): its name, and its rows read when asked for."""

    name: str
    hidden: bool
    # Loads the sheet only when its rows are wanted: one sheet's cells in memory at a time.
    _load: Callable[[], tuple[Iterator[list[Raw]], Merged]]

    def rows(self) -> Iterator[list[Raw]]:
        """Rows from row 1, cells from column A, merged cells filled. Read once."""
        source, merged = self._load()
        if not merged:
            yield from source
            return
        covering: dict[int, list[tuple[int, int, int]]] = {}
        for r0, c0, r1, c1 in merged:
            for r in range(r0, r1 + 1):
                covering.setdefault(r, []).append((r0, c0, c1))
        anchors: dict[tuple[int, int], Raw] = {}
        for r, cells in enumerate(source):
            filled = cells
            for r0, c0, c1 in covering.pop(r, ()):
                if r == r0:
                    anchors[(r0, c0)] = filled[c0] if c0 < len(filled) else ""
                value = anchors.get((r0, c0), "")
                if len(filled) <= c1:
                    filled = filled + [""] * (c1 + 1 - len(filled))
                for c in range(c0, c1 + 1):
                    filled[c] = value
            yield filled


@dataclass
class Workbook:
    """The sheets of a file; close it (or use ``with``) to release the file."""

    sheets: list[Sheet]
    _close: list[Callable[[], object]] = field(default_factory=list)

    def close(self) -> None:
        for release in self._close:
            release()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _kind_of(path: Path | None, head: bytes) -> str:
    suffix = path.suffix.lower() if path else ""
    if suffix in WORKBOOK_SUFFIXES or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "workbook"
    if suffix in CSV_SUFFIXES or not suffix:
        return "csv"
    raise ReadError(issue(Code.FILE_FORMAT_UNKNOWN, Severity.ERROR, suffix=suffix))


def open_workbook(source: str | Path | BinaryIO, name: str | None = None) -> Workbook:
    """Open an XLSX/XLSM/XLS/ODS workbook or a CSV file, by its suffix or, failing that, its first bytes.

    ``source`` is a path or a seekable binary file (an upload); ``name`` its file name if it has one.
    """
    path = Path(source) if isinstance(source, str | Path) else (Path(name) if name else None)
    try:
        stream: BinaryIO = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    except OSError as exc:
        raise ReadError(issue(Code.FILE_UNREADABLE, Severity.ERROR, reason=exc.strerror or str(exc))) from exc
    head = stream.read(8)
    stream.seek(0)
    try:
        if _kind_of(path, head) == "workbook":
            return _calamine(stream, own=isinstance(source, str | Path))
        return _csv(stream, path.stem if path else "CSV", own=isinstance(source, str | Path))
    except ReadError:
        if isinstance(source, str | Path):
            stream.close()
        raise


def _calamine(stream: BinaryIO, own: bool) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(stream)
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise ReadError(issue(Code.FILE_UNREADABLE, Severity.ERROR, reason=str(exc) or type(exc).__name__)) from exc

    def loader(name: str) -> Callable[[], tuple[Iterator[list[Raw]], Merged]]:
        def load() -> tuple[Iterator[list[Raw]], Merged]:
            try:
                sheet = book.get_sheet_by_name(name)
            except (python_calamine.CalamineError, ValueError) as exc:
                raise ReadError(issue(Code.FILE_UNREADABLE, Severity.ERROR, reason=str(exc))) from exc
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            return _calamine_rows(sheet), merged

        return load

    sheets = [
        Sheet(meta.name, meta.visible != python_calamine.SheetVisibleEnum.Visible, loader(meta.name))
        for meta in book.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    return Workbook(sheets, [book.close, stream.close] if own else [book.close])


def _calamine_rows(sheet: python_calamine.CalamineSheet) -> Iterator[list[Raw]]:
    # calamine's rows start at row 1 but at the first column that holds data (python-calamine 0.9;
    # tests/test_exchange_read.py checks it on a sheet that starts at B3): pad to column A.
    if sheet.start is None:
        return
    pad: list[Raw] = [""] * sheet.start[1]
    for row in sheet.iter_rows():
        yield [*pad, *row]


def sniff_encoding(head: bytes) -> str:
    """UTF-8 unless the first bytes look like Windows-1252: more bytes that are not UTF-8 than
    characters that are (one stray byte in a UTF-8 file does not make it Windows-1252)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return "utf-8" if bad == 0 or good >= bad else "cp1252"


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's lines into the most consistent number of fields."""
    lines = sample.splitlines()[:-1] or sample.splitlines()  # the last line may be cut off
    best, best_rank = ",", (0.0, 0)
    for delimiter in _DELIMITERS:
        counts = [
            len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter) if any(c.strip() for c in r)
        ]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        rank = (counts.count(mode) / len(counts), mode)
        if rank[0] > best_rank[0] + 1e-9:  # earlier delimiters win ties
            best, best_rank = delimiter, rank
    return best


def _csv(stream: BinaryIO, name: str, own: bool) -> Workbook:
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    encoding = sniff_encoding(head)
    sample = codecs.getincrementaldecoder(encoding)(errors=_FALLBACK).decode(head, final=False)
    delimiter = sniff_delimiter(sample.lstrip("\ufeff"))
    reader = io.TextIOWrapper(stream, encoding=encoding, errors=_FALLBACK, newline="")

    def rows() -> Iterator[list[Raw]]:
        try:
            for row in csv.reader(reader, delimiter=delimiter):
                yield list(row)
        except csv.Error as exc:  # a NUL byte, a field beyond csv's size limit: not a text table
            raise ReadError(issue(Code.FILE_UNREADABLE, Severity.ERROR, reason=str(exc))) from exc

    def load() -> tuple[Iterator[list[Raw]], Merged]:
        return rows(), []

    # A caller's own stream (an upload) stays open: detach the wrapper instead of closing it.
    return Workbook([Sheet(name, False, load)], [reader.close if own else reader.detach])

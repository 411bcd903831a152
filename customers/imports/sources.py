"""Reading an import file as chunks of text cells: CSV (UTF-8 with or without BOM, or
GBK/GB18030 as a Chinese Excel saves it) and XLSX (read-only, XML parsed by defusedxml).

Every cell arrives as a stripped string (dates, numbers and blanks from XLSX included), so
validation works on one type. Files are streamed in chunks; nothing holds the whole file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _


class SourceError(Exception):
    """The file as a whole cannot be read (format, encoding, size, header)."""


@dataclass
class Chunk:
    """Consecutive rows of the file: `frame` has one string column per file column (numbered
    from 0) and `line`, the row's line number (the header is line 1)."""

    frame: pd.DataFrame


def detect_encoding(path: Path) -> str:
    """"utf-8-sig" for UTF-8 (with or without BOM), "gb18030" for GBK/GB18030 text."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        handle.seek(0)
        for encoding in ("utf-8", "gb18030"):
            decoder = codecs.getincrementaldecoder(encoding)()
            handle.seek(0)
            try:
                while block := handle.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return "utf-8-sig" if encoding == "utf-8" else encoding
    raise SourceError(_("The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV UTF-8 "
                        "or as an Excel workbook and try again."))


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise SourceError(
            _("The file is %(size)d MB; the limit is %(limit)d MB.")
            % {"size": size // 2**20, "limit": settings.IMPORT_MAX_BYTES // 2**20}
        )
    if size == 0:
        raise SourceError(_("The file is empty."))


class CsvSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding = detect_encoding(path)
        with path.open(encoding=self.encoding, newline="") as handle:
            try:
                self.headers = next(csv.reader(handle))
            except StopIteration:
                raise SourceError(_("The file is empty.")) from None
            except csv.Error as error:
                raise SourceError(_("The header line cannot be read: %(error)s")
                                  % {"error": error}) from None

    def chunks(self, size: int) -> Iterator[Chunk]:
        width = len(self.headers)
        try:
            reader = pd.read_csv(
                self.path, encoding=self.encoding, header=None, skiprows=1, dtype=str,
                keep_default_na=False, na_filter=False, chunksize=size, names=range(width),
                skip_blank_lines=True, engine="c",
            )
            first = 2
            for frame in reader:
                frame = frame.fillna("")
                frame["line"] = range(first, first + len(frame))
                first += len(frame)
                yield Chunk(frame)
        except pd.errors.ParserError as error:
            raise SourceError(
                _("The file is not valid CSV: %(error)s") % {"error": error}
            ) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


class XlsxSource:
    def __init__(self, path: Path) -> None:
        import openpyxl

        self.path = path
        self._check_archive()
        try:
            self.workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise SourceError(
                _("The workbook cannot be opened: %(error)s") % {"error": error}
            ) from None
        self.sheet = self.workbook.worksheets[0]
        rows = self.sheet.iter_rows(values_only=True)
        try:
            self.headers = [_cell(value) for value in next(rows)]
        except StopIteration:
            raise SourceError(_("The first sheet is empty.")) from None

    def _check_archive(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            raise SourceError(_("The file is not an Excel workbook (.xlsx).")) from None
        if unpacked > settings.IMPORT_XLSX_MAX_UNPACKED_BYTES:
            raise SourceError(_("The workbook unpacks to more than %(limit)d MB.")
                              % {"limit": settings.IMPORT_XLSX_MAX_UNPACKED_BYTES // 2**20})

    def chunks(self, size: int) -> Iterator[Chunk]:
        width = len(self.headers)
        rows: list[list[str]] = []
        lines: list[int] = []
        line = 1
        for values in self.sheet.iter_rows(min_row=2, values_only=True):
            line += 1
            cells = [_cell(value) for value in values[:width]]
            if not any(cells):
                continue
            cells.extend([""] * (width - len(cells)))
            rows.append(cells)
            lines.append(line)
            if len(rows) >= size:
                yield self._chunk(rows, lines, width)
                rows, lines = [], []
        if rows:
            yield self._chunk(rows, lines, width)
        self.workbook.close()

    @staticmethod
    def _chunk(rows, lines, width) -> Chunk:
        frame = pd.DataFrame(rows, columns=range(width), dtype=str)
        frame["line"] = lines
        return Chunk(frame)


def open_source(path: str | Path) -> CsvSource | XlsxSource:
    path = Path(path)
    if not path.is_file():
        raise SourceError(_("There is no file at %(path)s.") % {"path": path})
    _check_size(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return XlsxSource(path)
    if suffix in (".csv", ".txt"):
        return CsvSource(path)
    raise SourceError(_("Import a .csv or .xlsx file (Excel 97–2003 .xls is not supported)."))

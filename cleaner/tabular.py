"""Read tables: Parquet, Arrow IPC (`.arrow`, `.feather`, `.ipc`; a Hugging Face `save_to_disk` folder's
files), and CSV. Each row is one record, read as a JSON object would be (`cleaner.read._record`).

Part of the read stage (`cleaner.read` hands these files here). A row's `text` or `html` column
(named otherwise with `--text-field` / `--html-field`) is its content, `id`, `url`, `title`, ...
are used as in a JSON record, and every other column is kept in `extra`, so nothing is dropped.
Values that JSON cannot hold become text: a timestamp its ISO form, bytes their UTF-8 reading
(with escapes for bytes that are not UTF-8), a decimal its digits.

Rows are read a record batch at a time (`BATCH_ROWS`), or for Parquet `row_groups` at a time, so
memory follows the batch, not the file. `Source.index` is the 1-based row number in the file.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import io
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from cleaner.config import CleanerConfig
from cleaner.records import Article, Quarantined, Source

BATCH_ROWS = 1_024
TABLE_FORMATS = ("parquet", "arrow", "csv")


def read_table(path: Path, source: Source, config: CleanerConfig,
               row_groups: Iterable[int] | None = None, first_row: int = 0) -> Iterator[Article | Quarantined]:
    """The records of a Parquet, Arrow or CSV file, one a row, in file order.

    `row_groups` (Parquet only): read just these row groups, whose first row is row `first_row`
    (0-based) of the file: the piece of a big file one worker takes. A file that cannot be opened
    as its format is one quarantined record (`read.unreadable`), naming the format's error.
    """
    from cleaner.read import _quarantine, _record

    number = first_row
    try:
        for row in _rows(path, source.format, row_groups):
            number += 1
            yield _record(row, _at(source, number), "utf-8", config)
    except Exception as error:  # noqa: BLE001 - pyarrow raises several types for a bad file
        reason = f"cannot read {source.format} file at row {number + 1}: {type(error).__name__}: {error}"
        yield _quarantine(_at(source, number + 1), "read.unreadable", reason, "", config)
        return
    if number == first_row == 0 and row_groups is None:
        yield _quarantine(source, "read.empty_file", "the table holds no rows", "", config)


def _rows(path: Path, fmt: str, row_groups: Iterable[int] | None) -> Iterator[dict]:
    """Each row as a dict of plain values (`plain`)."""
    if fmt == "csv":
        yield from _csv_rows(path)
        return
    for batch in _batches(path, fmt, row_groups):
        names = batch.schema.names
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns):
            yield {name: plain(value) for name, value in zip(names, values)}


def _batches(path: Path, fmt: str, row_groups: Iterable[int] | None):
    """The record batches of a Parquet or Arrow file (IPC file format, or stream as `datasets` writes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if fmt == "parquet":
        with pq.ParquetFile(path) as pf:
            groups = list(row_groups) if row_groups is not None else None
            yield from pf.iter_batches(batch_size=BATCH_ROWS, row_groups=groups)
        return
    with pa.memory_map(str(path), "r") as source:
        try:
            reader = pa.ipc.open_file(source)
        except pa.ArrowInvalid:  # not the IPC file format: the stream format (datasets' .arrow files)
            source.seek(0)
            yield from pa.ipc.open_stream(source)
            return
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


def _csv_rows(path: Path) -> Iterator[dict]:
    """The rows of a CSV file (header line first), every value a string; gzip inflated on the fly.

    An empty cell is CSV's only way to write a missing value, so it is read as null (None), as a
    Parquet null is: an empty `published` is no date, not a date that fails the contract.
    """
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    csv.field_size_limit(sys.maxsize)
    with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
        for row in csv.DictReader(text):
            extra = row.pop(None, None)  # values past the header's columns
            if extra:
                row["_extra_values"] = extra
            yield {key: (value if value != "" else None) for key, value in row.items()}


def plain(value: object) -> object:
    """A table value as something JSON holds, so that `extra` can be written as it is.

    >>> plain(dt.datetime(2024, 3, 1, 12, 0)), plain(b"caf\\xc3\\xa9"), plain(decimal.Decimal("1.50"))
    ('2024-03-01T12:00:00', 'café', '1.50')
    >>> plain({"k": [float("nan"), 1]}), plain(b"\\xff")
    ({'k': [None, 1]}, 'base64:/w==')
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(value).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def _at(source: Source, index: int) -> Source:
    return Source(source.path, source.sha256, index, source.format)

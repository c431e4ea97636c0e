"""Read WARC and ARC files (`.warc`, `.warc.gz`, `.arc`, `.arc.gz`): each HTML page fetched is an article.

Part of the read stage (`cleaner.read` hands these files here). The library is warcio: measured on
a 64 MB WARC.gz of 7,231 records built from the ScrapingHub pages (`scripts/make_warc.py --repeat
10`), FastWARC 2.0.1 iterates it in 1.0 s and warcio 1.8.1 in 1.8-2.3 s, but FastWARC reads no ARC
file ("Invalid WARC header" on warcio's `space-in-url.arc`) and hands a chunked HTTP body over with
its chunk sizes in it (`example-iana.org-chunked.warc`: 7,238 bytes, warcio 7,223, the page). At
0.3 ms a record next to tens of milliseconds to clean a page, the reader's speed does not show.

What each record becomes (`record_outcome`):

- a `response` (or an ARC record) with a 2xx HTTP status and an HTML content type (`HTML_TYPES`),
  or a `resource` record of an HTML type: an `Article` of content type "html", `url` from
  `WARC-Target-URI`, the WARC record's date in `extra["fetched"]` (the cleaner's fallback for
  `published`), `extra["warc_offset"]` (the record's byte offset in the file, compressed for .gz,
  what a CDX index and `warcio extract FILE OFFSET` use) and `extra["warc_record_id"]`;
- any other record: a `Skipped` of a kind in `SKIPPED_KINDS` (`warc.request`, `warc.revisit`,
  `warc.response_not_html`, ...), counted in the ledger's `skipped_by_kind`, never published;
- a record that cannot be parsed (a bad header line, a truncated gzip member, an unreadable HTTP
  head): a `Quarantined` (`read.bad_record`) naming the byte offset where it starts; the reader
  then looks for the next record start after it and goes on from there (`_next_start`).

`Source.index` is the record's 1-based number in the file, every record counted (skipped ones too).
"""
from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from cleaner.config import CleanerConfig
from cleaner.decode import binary_kind, decode
from cleaner.records import Article, Quarantined, Skipped, Source, article_id

#: Content types (before any ";") of a page that is cleaned as an article.
HTML_TYPES = frozenset(("text/html", "application/xhtml+xml", "application/xhtml"))

#: What a record that is not an article is counted as, with what it means.
SKIPPED_KINDS = {
    "warc.warcinfo": "the file's own description (an ARC file's filedesc header too)",
    "warc.request": "the HTTP request the crawler sent",
    "warc.metadata": "crawler metadata about another record (outlinks, hops)",
    "warc.revisit": "a page fetched again and found unchanged: its content is in an earlier record",
    "warc.resource": "a resource record that is not an HTML page (DNS answers, screenshots, text)",
    "warc.response_not_html": "a response whose content type is not HTML (images, scripts, PDF)",
    "warc.response_not_2xx": "a response whose HTTP status is not 2xx (404, redirects, errors)",
    "warc.response_no_http": "a response record without an HTTP head (dns:, ftp: or a bare payload)",
    "warc.conversion": "a converted copy of another record",
    "warc.continuation": "a segment of a record split across files",
    "warc.other": "a record of a WARC-Type the standard does not define",
}

#: Where the next record may start, for resuming after a broken one: a gzip member for .gz files,
#: a "WARC/1.x" line for WARC, an "URL IP 14-digit-date" header line for ARC.
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")
_WARC_START = re.compile(rb"(?:^|(?<=\n))WARC/1\.[01]\r?\n")
_ARC_START = re.compile(rb"(?:^|(?<=\n))[a-zA-Z][a-zA-Z0-9+.-]*:\S* \S+ \d{14} ")
SCAN_BYTES = 1 << 20


def read_archive(path: Path, source: Source, config: CleanerConfig, start: int = 0, end: int | None = None,
                 number: int = 0) -> Iterator[Article | Quarantined | Skipped]:
    """The records of a WARC or ARC file (or of the records starting in [start, end)), in order.

    `source` names the file (path, sha256, format); `number` is how many records come before
    `start`. Never raises for what is in the file: a broken record is quarantined and reading goes
    on at the next record start found after it.
    """
    first = number
    for outcome in _records(path, source, config, start, end, number):
        number += 1
        yield outcome
    if number == first == 0:
        yield Quarantined(source=source, stage="read", checks=["read.empty_file"], reasons=["no WARC or ARC records"])


def _records(path: Path, source: Source, config: CleanerConfig, start: int, end: int | None,
             number: int) -> Iterator[Article | Quarantined | Skipped]:
    """`read_archive`'s records: one warcio iterator per run of readable records, a new one after
    each broken record, from the next place a record starts (`_next_start`).

    A record is broken when warcio raises on it, when its content ends before its Content-Length
    (a truncated file, a corrupt gzip member that warcio reads to the end of the file), or when
    warcio's offsets go backwards (it lost its place after a bad header line).
    """
    from warcio.archiveiterator import ArchiveIterator

    gz = source.path.lower().endswith(".gz")
    quiet = io.StringIO()  # warcio prints its warnings; the quarantine records say it instead
    with open(path, "rb") as raw:
        while start is not None and (end is None or start < end):
            raw.seek(start)
            archive = ArchiveIterator(raw, arc2warc=True)
            records = iter(archive)
            offset, problem = start, None
            while problem is None:
                try:
                    with contextlib.redirect_stderr(quiet):
                        record = next(records, None)
                        if record is None:
                            return
                        if archive.offset < offset:
                            raise ValueError("the reader lost its place (a bad header line before this record?)")
                        offset = archive.offset
                        if end is not None and offset >= end:
                            return
                        outcome = record_outcome(record, _at(source, number + 1), offset, config)
                        archive.read_to_end()
                        missing = getattr(record.raw_stream, "limit", 0)
                        quiet.seek(0)
                        quiet.truncate()
                except Exception as error:  # noqa: BLE001 - warcio raises many types for one broken record
                    problem = f"cannot be read: {type(error).__name__}: {_first_line(error)}"
                    break
                if missing > 0:
                    problem = f"is truncated: {missing:,} of its {record.length:,} bytes are missing"
                    break
                number += 1
                yield outcome
                offset = archive.offset
            number += 1
            yield _bad(_at(source, number), f"record at byte {offset:,} {problem}")
            start = _next_start(raw, offset + 1, gz, source.format)


def record_outcome(record, source: Source, offset: int, config: CleanerConfig) -> Article | Quarantined | Skipped:
    """What one WARC record becomes: an article, a skipped record of a kind, or a quarantined one."""
    kind = skipped_kind(record)
    if kind is not None:
        return Skipped(source, kind)
    extra = {"warc_offset": offset}
    for key, name in (("WARC-Record-ID", "warc_record_id"), ("WARC-Date", "fetched")):
        value = record.rec_headers.get_header(key)
        if value:
            extra[name] = value
    if record.rec_headers.get_header("WARC-Truncated"):
        extra["warc_truncated"] = record.rec_headers.get_header("WARC-Truncated")
    limit = config.max_record_bytes
    try:
        data = record.content_stream().read(limit + 1)
    except Exception as error:  # noqa: BLE001 - a broken chunked or compressed body: this record only
        return _bad(source, f"record at byte {offset:,}: the page cannot be read: {type(error).__name__}: "
                    f"{_first_line(error)}")
    if len(data) > limit:
        return Quarantined(source=source, stage="read", checks=["read.record_too_large"],
                           reasons=[f"record at byte {offset:,}: the page is over the limit of {limit:,} bytes"])
    kind_of = binary_kind(data)
    if kind_of:
        return Quarantined(source=source, stage="read", checks=["read.binary"],
                           reasons=[f"record at byte {offset:,}: declared HTML, but the content looks like {kind_of}"])
    text, encoding = decode(data, html=True)
    if not text.strip():
        return Quarantined(source=source, stage="read", checks=["read.empty_file"],
                           reasons=[f"record at byte {offset:,}: the page is empty"])
    if encoding != "utf-8":
        extra["encoding"] = encoding
    url = record.rec_headers.get_header("WARC-Target-URI")
    return Article(id=article_id(source, text), source=source, raw=text, content_type="html", url=url or None,
                   extra=extra)


def skipped_kind(record) -> str | None:
    """The `SKIPPED_KINDS` kind of a record that is not an HTML page fetched whole, or None for a page."""
    rec_type = record.rec_type
    if rec_type == "resource":
        return None if _media_type(record.rec_headers.get_header("Content-Type")) in HTML_TYPES else "warc.resource"
    if rec_type != "response":
        return f"warc.{rec_type}" if f"warc.{rec_type}" in SKIPPED_KINDS else "warc.other"
    http = record.http_headers
    if http is None or not http.protocol.upper().startswith("HTTP/"):
        return "warc.response_no_http"
    if not http.get_statuscode().startswith("2"):
        return "warc.response_not_2xx"
    if _media_type(http.get_header("Content-Type")) not in HTML_TYPES:
        return "warc.response_not_html"
    return None


def _media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower case, without parameters.

    >>> _media_type("Text/HTML; charset=UTF-8"), _media_type(None)
    ('text/html', '')
    """
    return (content_type or "").split(";", 1)[0].strip().lower()


def _next_start(raw, after: int, gz: bool, fmt: str) -> int | None:
    """The offset of the first place at or after `after` where a record starts, or None at the end.

    In a .gz file, a place is a gzip member whose first bytes inflate to a record header: three
    bytes that look like a member's start turn up inside compressed data about once in 16 MB.
    """
    pattern = _GZIP_MEMBER if gz else (_ARC_START if fmt == "arc" else _WARC_START)
    pos = after
    while True:
        raw.seek(pos)
        buf = raw.read(SCAN_BYTES + 64)
        if not buf:
            return None
        for found in pattern.finditer(buf):
            at = pos + found.start()
            if not gz or _member_holds_a_record(raw, at, fmt):
                return at
        if len(buf) <= SCAN_BYTES:
            return None
        pos += SCAN_BYTES


def _member_holds_a_record(raw, at: int, fmt: str) -> bool:
    """True when the gzip member at `at` inflates to the start of a WARC or ARC record header."""
    raw.seek(at)
    try:
        head = zlib.decompressobj(31).decompress(raw.read(4096), 64)
    except zlib.error:
        return False
    return bool(_WARC_START.match(head) or _ARC_START.match(head) or head.startswith(b"filedesc://"))


def _bad(source: Source, reason: str) -> Quarantined:
    return Quarantined(source=source, stage="read", checks=["read.bad_record"], reasons=[reason])


def _at(source: Source, index: int) -> Source:
    return Source(source.path, source.sha256, index, source.format)


def _first_line(error: Exception) -> str:
    """An exception's message on one line (warcio's span several), cut to a readable length.

    >>> _first_line(ValueError("\\n  bad header\\n  more"))
    'bad header'
    """
    text = next((line.strip() for line in str(error).splitlines() if line.strip()), "") or repr(error)
    return text[:300]


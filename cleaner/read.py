"""Read input files into `Article` records, or `Quarantined` ones when the input is bad.

Only this module opens input files. It does not clean anything: a .txt file's raw text is the whole
file, an .html file's raw is the decoded page, a JSON record's `text` or `html` is taken as given.
Every problem with the content becomes a `Quarantined` record (stage "read") with one of the check
ids in `CHECKS`, so the counts add up: each input record is read, or quarantined with a reason.

Formats, by name suffix (case-insensitive, each optionally followed by .gz):

- .txt .text: one text article per file;
- .html .htm: one HTML article per file;
- .jsonl .ndjson: one JSON object per line, read as a stream, line by line;
- .json: one object or a list of objects (a .json file that holds JSON lines, as
  `datasets.Dataset.to_json` writes them, is read as JSON lines);
- .warc .arc: web archives, read record by record (`cleaner.warc`): each HTML page fetched is an
  article, every other record a `Skipped` counted by kind;
- .parquet .arrow .feather .ipc .csv: tables, one record a row (`cleaner.tabular`); a folder that
  `datasets.Dataset.save_to_disk` wrote is read as its .arrow files (its metadata files are not
  records).

Limits come from `CleanerConfig`: a whole file (.txt, .html, .json) is read into memory only up to
`max_file_bytes`, a .gz stream is never inflated past `max_file_bytes`, and no record's raw content
is passed on past `max_record_bytes` (a WARC file is streamed record by record, whatever its size).
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.decode import binary_kind, byte_order_mark, decode, decode_line
from cleaner.records import Article, Quarantined, Skipped, Source, article_id

#: Name suffix -> `Source.format`. A name may add ".gz" to any of them.
FORMATS = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json",
    ".warc": "warc", ".arc": "arc",
    ".parquet": "parquet", ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow", ".csv": "csv",
}
#: Formats read from a file that must be seekable: never gzipped.
UNCOMPRESSED_ONLY = ("parquet", "arrow")
#: The metadata files `datasets.Dataset.save_to_disk` writes beside its .arrow files: not records.
DATASET_METADATA = ("dataset_info.json", "state.json", "dataset_dict.json")
SUFFIXES = tuple(FORMATS) + tuple(suffix + ".gz" for suffix in FORMATS)

#: Every check id this module puts in `Quarantined.checks`, with what it means.
CHECKS = {
    "read.unreadable": "the file could not be opened or read (permissions, vanished, a directory)",
    "read.unsupported_format": "a file given directly whose name has no supported suffix",
    "read.gzip_error": "a truncated or corrupt .gz file",
    "read.too_large": "the file, or its decompressed stream, is over config.max_file_bytes",
    "read.binary": "the bytes look like an image, archive or other binary file",
    "read.empty_file": "the file is empty or holds only whitespace",
    "read.record_too_large": "one record is over config.max_record_bytes; it is not parsed",
    "read.invalid_json": "a JSON line or file that does not parse",
    "read.not_an_object": "a JSON record that is not an object",
    "read.no_records": "a JSON list that holds no records",
    "read.no_text": "a JSON record without a 'text' or 'html' string",
    "read.wrong_type": "a known JSON field holding the wrong type",
    "read.bad_record": "a WARC or ARC record that cannot be parsed (bad header, truncated member); the rest of the file is read",
    "read.link_outside": "a symbolic link to something outside the input folders (not followed without --follow-links)",
    "read.error": "the reader failed on this file: a bug, reported with the exception instead of a traceback",
}

#: Why a name under an input folder is not read, for the list of skipped files (`skipped_inputs`).
SKIP_REASONS = {
    "hidden": "hidden (its name starts with '.')",
    "unsupported": "not a supported input type (.txt .html .jsonl .json .warc .arc .parquet .arrow .csv, optionally .gz)",
    "version": "a version published by news-cleaner (its files are output, not input)",
    "dataset_metadata": "a Hugging Face dataset's metadata (its .arrow files are read)",
    "dataset": "a dataset published by news-cleaner (its versions and index are output, not input)",
    "folder_link": "a link to a folder inside the input folders (its files are read where they are)",
    "seen": "a folder already walked through another link (--follow-links)",
}

#: Keys of a JSON record that map onto `Article` fields; all others go to `Article.extra`.
STRING_FIELDS = ("title", "subtitle", "url", "published", "date", "language", "site_name")
KNOWN_FIELDS = frozenset(("id", "text", "html", "authors") + STRING_FIELDS)

CHUNK_BYTES = 1 << 20        # read size for hashing, inflating and streaming lines
BINARY_RAW_BYTES = 1024      # a binary file keeps only this much raw in its quarantine record

_BLANK_LINES = re.compile(rb"[ \t\r\n\f\v]+")     # a run of whitespace: blank lines and the next line's indent


def iter_input_files(paths: Iterable[str | os.PathLike], follow_links: bool = False,
                     skipped: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """The input files under `paths`: files as given, folders walked recursively in sorted order.

    Every path is checked before anything is yielded, so a typo in the last argument fails the
    run before any output is written. In a folder, names starting with "." are skipped and only
    names ending with one of `SUFFIXES` are kept; a file given directly is yielded whatever its
    name (`read_file` quarantines it if it cannot read it). Within a folder, files come before
    subfolders, each sorted by name (code-point order, the same under every locale). Folders
    that cannot be listed are yielded as paths, so `read_file` reports them instead of the walk
    skipping them silently. So is a link to a folder outside the input folders, which `read_file`
    quarantines (`read.link_outside`) unless `follow_links`; with `follow_links` the walk goes into
    linked folders, each real folder once. A folder holding a published version (its
    `manifest.json` names news-cleaner) is never walked: `cleaner run .` must not read its own
    output. What is not yielded is appended to `skipped` as (path, reason), when it is given.

    >>> from cleaner import __file__ as pkg
    >>> samples = Path(pkg).parent / "data" / "samples"
    >>> next(iter_input_files([samples])).suffix
    '.txt'
    >>> iter_input_files(["no/such/folder"])
    Traceback (most recent call last):
    FileNotFoundError: [Errno 2] input path does not exist: 'no/such/folder'
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    from cleaner.remote import exists, is_url

    roots = [p if is_url(p) else Path(p) for p in paths]
    for root in roots:
        if not (exists(root) if isinstance(root, str) else root.exists()):
            raise FileNotFoundError(errno.ENOENT, "input path does not exist", str(root))
    return _walk_inputs(roots, follow_links, skipped)


def _walk_inputs(roots: list, follow_links: bool, skipped: list | None) -> Iterator[Path | str]:
    """Each root in turn: a local one walked (`_walk`), a URL listed (`cleaner.remote.remote_files`)."""
    from cleaner.remote import remote_files

    local = [root for root in roots if isinstance(root, Path)]
    inside = input_roots(local)
    for root in roots:
        if isinstance(root, str):
            yield from remote_files(root, skipped)
        else:
            yield from _walk([root], follow_links, skipped, inside)


def skipped_inputs(paths: Iterable[str | os.PathLike], follow_links: bool = False) -> list[tuple[Path, str]]:
    """What the walk of `paths` does not read, as (path, reason), so a run can say so.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("a.txt", ".hidden.txt", "b.jsonl.bz2"):
    ...     _ = (folder / name).write_text("x")
    >>> [(p.name, why.split(" (")[0]) for p, why in skipped_inputs([folder])]
    [('.hidden.txt', 'hidden'), ('b.jsonl.bz2', 'not a supported input type')]
    """
    skipped: list[tuple[Path, str]] = []
    for _ in iter_input_files(paths, follow_links, skipped):
        pass
    return skipped


def input_roots(paths: Iterable[str | os.PathLike]) -> tuple[str, ...]:
    """The real folders that make up the input tree: each folder given, and the folder of each file given.

    A symbolic link is read only if its target lies inside one of them (`read_file`'s `roots`).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    from cleaner.remote import is_url

    return tuple(sorted({os.path.realpath(p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)))
                         for p in paths if not is_url(p)}))


def input_overlap(output: str | os.PathLike, paths: Iterable[str | os.PathLike]) -> str | None:
    """The input that `output` would overwrite or be read back as, or None when it is safe to write.

    An output is unsafe when it is an input file (the same file, through any link) or lies inside an
    input folder: writing it would truncate the input, or the walk would read it while it grows.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "feed.jsonl").write_text("{}")
    >>> input_overlap(folder / "feed.jsonl", [folder / "feed.jsonl"]) == str(folder / "feed.jsonl")
    True
    >>> input_overlap(folder / "out.jsonl", [folder]) == str(folder), input_overlap(folder.parent / "x", [folder])
    (True, None)
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    target = os.path.realpath(output)
    for p in paths:
        real = os.path.realpath(p)
        if target == real or (os.path.isdir(real) and _inside(target, (real,))):
            return str(p)
        try:
            if os.path.exists(output) and os.path.samefile(output, p):  # a hard link to the input
                return str(p)
        except OSError:
            continue
    return None


def display_path(path: str | os.PathLike) -> str:
    """A path as text that any output can hold: bytes of a file name that are not UTF-8 become escapes.

    The walk gives such names as lone surrogates (Python's surrogateescape), which no UTF-8 file,
    terminal or Parquet column takes; `\\xNN` names the byte instead.

    >>> display_path(os.fsdecode(b"caf\\xe9.txt")), display_path("ok.txt")
    ('caf\\\\xe9.txt', 'ok.txt')
    """
    text = os.fspath(path)
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(real: str, roots: Iterable[str]) -> bool:
    """True when the real path `real` is one of `roots` or lies under one."""
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def read_file(path: Path, config: CleanerConfig = DEFAULT_CONFIG, roots: tuple[str, ...] | None = None,
              piece: Piece | None = None, *, ids: bool = True) -> Iterator[Article | Quarantined | Skipped]:
    """The records of one input file; every problem with it becomes a `Quarantined` record.

    Never raises for what is in the file, nor for a file that cannot be read. `Source.sha256` is the
    hash of the bytes on disk (compressed, for .gz), computed in a first pass so that a streamed
    JSONL file can stamp it on its first record. With `roots` (`input_roots` of the inputs given),
    a symbolic link whose target is outside them is quarantined without being opened
    (`read.link_outside`, naming the link only): a scraped folder from a pull request could link to
    /proc/self/environ or a key file, and whatever is read can end up in a report or a table.
    An exception the reader did not foresee becomes a `read.error` record, not a traceback.

    >>> from cleaner import __file__ as pkg
    >>> sample = next(iter_input_files([Path(pkg).parent / "data" / "samples"]))
    >>> [(type(r).__name__, r.content_type, r.source.index) for r in read_file(sample)]
    [('Article', 'text', 1)]

    `path` may be an fsspec URL (`cleaner.remote`): the object is copied and read, its records
    named by the URL. With a `piece` (`split_file`), only that part of the file is read.
    With `ids=False` an article read whole from its file (a page, a text) comes without its id
    (``""``, the hash of its whole text left uncomputed), for the passes that read only what a
    record says and drop it (`cleaner.crossdoc`'s census and count).
    """
    from cleaner.remote import is_url

    if is_url(path):
        yield from _read_remote(str(path), config)
        return
    path = Path(path)
    fmt = _format_of(path.name)
    if roots and os.path.islink(path) and not _inside(os.path.realpath(path), roots):
        source = Source(display_path(path), "", 1, fmt or "unknown")
        reason = "a symbolic link to outside the input folders; not followed (--follow-links reads it)"
        yield _quarantine(source, "read.link_outside", reason, "", config)
        return
    index = 0
    try:
        for record in _read_file(path, fmt, config, piece, ids):
            index = record.source.index
            yield record
    except Exception as error:  # noqa: BLE001 - a reader bug must not end the run; the record says which
        source = Source(display_path(path), "", index + 1, fmt or "unknown")
        yield _quarantine(source, "read.error", f"the reader failed: {type(error).__name__}: {error}", "", config)


def _read_remote(url: str, config: CleanerConfig) -> Iterator[Article | Quarantined | Skipped]:
    """The records of the object at `url`, read from a local copy and named by the URL."""
    from cleaner.remote import local_copy, renamed

    try:
        with local_copy(url) as local:
            for record in read_file(local, config):
                yield renamed(record, display_path(local), url)
    except OSError as error:
        source = Source(url, "", 1, _format_of(url.rsplit("/", 1)[-1]) or "unknown")
        yield _quarantine(source, "read.unreadable", f"cannot fetch: {type(error).__name__}: {error}", "", config)


def _read_file(path: Path, fmt: str | None, config: CleanerConfig,
               piece: Piece | None = None, ids: bool = True) -> Iterator[Article | Quarantined | Skipped]:
    """`read_file` once the link check is passed."""
    try:
        kind = _not_a_regular_file(path)
        if kind:
            # A FIFO would block the run, a device such as /dev/zero would never end.
            source = Source(display_path(path), "", 1, fmt or "unknown")
            yield _quarantine(source, "read.unreadable", f"not a regular file ({kind})", "", config)
            return
        sha = piece.sha256 if piece is not None else _sha256_file(path)
    except OSError as error:
        source = Source(display_path(path), "", 1, fmt or "unknown")
        yield _quarantine(source, "read.unreadable", f"cannot read file: {error}", "", config)
        return
    if fmt is None:
        source = Source(display_path(path), sha, 1, "unknown")
        reason = f"unsupported file type {display_path(path.name)!r} (expected one of {', '.join(FORMATS)}, optionally .gz)"
        yield _quarantine(source, "read.unsupported_format", reason, "", config)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, sha, config, piece)
    elif fmt in ("warc", "arc"):
        from cleaner.warc import read_archive

        source = Source(display_path(path), sha, 1, fmt)
        if piece is None:
            yield from read_archive(path, source, config)
        else:
            yield from read_archive(path, source, config, piece.start, piece.stop, piece.before)
    elif fmt in UNCOMPRESSED_ONLY and _is_gzip(path):
        source = Source(display_path(path), sha, 1, fmt)
        yield _quarantine(source, "read.unsupported_format", f"a gzipped .{fmt} file cannot be read in pieces; "
                          "store it uncompressed (Parquet and Arrow compress inside the file)", "", config)
    elif fmt in ("parquet", "arrow", "csv"):
        from cleaner.tabular import read_table

        groups = None if piece is None else range(piece.start, piece.stop)
        yield from read_table(path, Source(display_path(path), sha, 1, fmt), config, groups,
                              0 if piece is None else piece.before)
    else:
        yield from _read_whole(path, sha, fmt, config, ids)


def read_inputs(paths: Iterable[str | os.PathLike],
                config: CleanerConfig = DEFAULT_CONFIG) -> Iterator[Article | Quarantined]:
    """The records of every input file under `paths`, in `iter_input_files` order.

    A path that does not exist raises `FileNotFoundError` here, at the call, not on first use.

    >>> from cleaner import __file__ as pkg
    >>> records = list(read_inputs([Path(pkg).parent / "data" / "samples"]))
    >>> all(isinstance(r, Article) for r in records), len({r.id for r in records}) == len(records)
    (True, True)
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files = iter_input_files(paths, config.follow_links)
    roots = None if config.follow_links else input_roots(paths)
    return (record for path in files for record in read_file(path, config, roots))


# --- walking -------------------------------------------------------------------------------------

def _walk(roots: list[Path], follow_links: bool = False,
          skipped: list[tuple[Path, str]] | None = None, inside: tuple[str, ...] | None = None) -> Iterator[Path]:
    """Yield each root that is a file, and the supported files under each root that is a folder.

    `inside`: the input tree folder links may point into (`input_roots` of every root given)."""
    skip = skipped.append if skipped is not None else (lambda item: None)
    inside = input_roots(roots) if inside is None else inside
    for root in roots:
        if not root.is_dir():
            yield root
            continue
        failed: list[OSError] = []
        seen: set[str] = set()
        for folder, subfolders, names in os.walk(root, onerror=failed.append, followlinks=follow_links):
            yield from (Path(error.filename) for error in failed)
            failed.clear()
            here = Path(folder)
            if follow_links:
                real = os.path.realpath(folder)
                if real in seen:  # a link loop, or a folder reached twice: walked once
                    subfolders[:] = []
                    skip((here, SKIP_REASONS["seen"]))
                    continue
                seen.add(real)
            if "manifest.json" in names and _is_published_version(here):
                subfolders[:] = []
                skip((here, SKIP_REASONS["version"]))
                continue
            if "LATEST" in names and "versions.json" in names:   # a dataset's folder: versions and index (publish.index)
                subfolders[:] = []
                skip((here, SKIP_REASONS["dataset"]))
                continue
            kept, linked_out = [], []
            for name in sorted(subfolders):
                if name.startswith("."):
                    skip((here / name, SKIP_REASONS["hidden"]))
                elif not follow_links and os.path.islink(here / name):
                    if _inside(os.path.realpath(here / name), inside):
                        skip((here / name, SKIP_REASONS["folder_link"]))
                    else:
                        linked_out.append(here / name)   # read_file quarantines it: read.link_outside
                else:
                    kept.append(name)
            subfolders[:] = kept
            dataset = "state.json" in names and "dataset_info.json" in names  # datasets' save_to_disk
            for name in sorted(names):
                if name.startswith("."):
                    skip((here / name, SKIP_REASONS["hidden"]))
                elif name in DATASET_METADATA and (dataset or name == "dataset_dict.json"):
                    skip((here / name, SKIP_REASONS["dataset_metadata"]))
                elif _format_of(name) is None:
                    skip((here / name, SKIP_REASONS["unsupported"]))
                else:
                    yield here / name
            yield from linked_out
        yield from (Path(error.filename) for error in failed)


def _is_published_version(folder: Path) -> bool:
    """True when `folder` holds a version published by this tool (its manifest names news-cleaner)."""
    from cleaner.publish.manifest import TOOL_NAME  # light: json and hashlib only

    try:
        with open(folder / "manifest.json", "rb") as stream:
            manifest = json.loads(stream.read(CHUNK_BYTES * 16))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(manifest, dict) and isinstance(manifest.get("tool"), dict) \
        and manifest["tool"].get("name") == TOOL_NAME


def _format_of(name: str) -> str | None:
    """The `Source.format` for a file name, or None when the suffix is not supported.

    >>> _format_of("feed.NDJSON.gz"), _format_of("page.htm"), _format_of("notes.md")
    ('jsonl', 'html', None)
    """
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1])


def _is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _open(path: Path):
    """A binary stream of the file's content, inflated on the fly for .gz."""
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")


def _not_a_regular_file(path: Path) -> str | None:
    """What `path` (symlinks followed) is when it is not a regular file, else None.

    >>> _not_a_regular_file(Path("/dev/null")), _not_a_regular_file(Path(__file__))
    ('a character device', None)
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def _sha256_file(path: Path) -> str:
    """Hex sha256 of the bytes on disk, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- whole files: .txt, .html, .json ----------------------------------------------------------------

class _Unreadable(Exception):
    """A whole file that cannot be taken in: the check, the reason and what was read of it."""

    def __init__(self, check: str, reason: str, head: bytes = b""):
        super().__init__(reason)
        self.check, self.reason, self.head = check, reason, head


def _read_bytes(path: Path, config: CleanerConfig, fmt: str = "json") -> bytes:
    """The file's content, inflated for .gz, in chunks and never past the cap for its format.

    A .json file may hold many records and is capped at `config.max_file_bytes`; a .txt or .html
    file is one article, capped at `config.max_record_bytes`, so a decompression bomb or a huge
    page costs at most that much memory before it is quarantined.
    """
    one_record = fmt != "json"
    cap = config.max_record_bytes if one_record else config.max_file_bytes
    chunks: list[bytes] = []
    total = 0
    try:
        with _open(path) as stream:
            if not _is_gzip(path):
                size = os.fstat(stream.fileno()).st_size
                if size > cap:
                    check = "read.record_too_large" if one_record else "read.too_large"
                    what = "one article" if one_record else "one file"
                    raise _Unreadable(check, f"file is {size:,} bytes, over the limit of {cap:,} for {what}",
                                      stream.read(min(cap, BINARY_RAW_BYTES * 64)))
            while total <= cap:
                chunk = stream.read(min(CHUNK_BYTES, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except EOFError as error:
        raise _Unreadable("read.gzip_error", f"truncated gzip: {error}", b"".join(chunks)) from error
    except (gzip.BadGzipFile, zlib.error) as error:
        raise _Unreadable("read.gzip_error", f"corrupt gzip: {error}", b"".join(chunks)) from error
    except OSError as error:
        raise _Unreadable("read.unreadable", f"cannot read file: {error}") from error
    data = b"".join(chunks)
    if total > cap:
        what = "one article" if one_record else "one file"
        raise _Unreadable("read.too_large", f"decompressed size exceeds {cap:,} bytes, the limit for {what} "
                          "(a decompression bomb?); not inflated further",
                          data[:BINARY_RAW_BYTES * 64])
    return data


def _read_whole(path: Path, sha: str, fmt: str, config: CleanerConfig,
                ids: bool = True) -> Iterator[Article | Quarantined]:
    """The records of a file read whole: one article for .txt/.html, one or more for .json."""
    source = Source(display_path(path), sha, 1, fmt)
    try:
        data = _read_bytes(path, config, fmt)
    except _Unreadable as problem:
        yield _quarantine(source, problem.check, problem.reason, _bytes_text(problem.head, config), config)
        return
    kind = binary_kind(data)
    if kind:
        raw = _bytes_text(data[:BINARY_RAW_BYTES], config)
        yield _quarantine(source, "read.binary", f"binary content (looks like {kind})", raw, config)
        return
    if fmt != "json" and len(data) > config.max_record_bytes:
        reason = f"record is {len(data)} bytes, over the limit of {config.max_record_bytes}"
        yield _quarantine(source, "read.record_too_large", reason, _bytes_text(data, config), config)
        return
    text, encoding = decode(data, html=fmt == "html")
    if not text.strip():
        yield _quarantine(source, "read.empty_file", "empty file", text, config)
        return
    if fmt == "json":
        yield from _json_records(source, text, encoding, config)
        return
    extra = {} if encoding == "utf-8" else {"encoding": encoding}
    yield Article(id=article_id(source, text) if ids else "", source=source, raw=text,
                  content_type="html" if fmt == "html" else "text", extra=extra)


def _json_records(source: Source, text: str, encoding: str,
                  config: CleanerConfig) -> Iterator[Article | Quarantined]:
    """The records of a .json file: one object, a list of objects, or JSON lines."""
    try:
        value = loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and _starts_with_a_json_line(text):
            yield from _json_lines_of_text(source, text, encoding, config)
        else:
            yield _quarantine(source, "read.invalid_json", f"invalid JSON: {error}", text, config)
        return
    except (ValueError, RecursionError) as error:
        yield _quarantine(source, "read.invalid_json", f"invalid JSON: {_json_error(error)}", text, config)
        return
    if isinstance(value, dict):
        yield _record(value, source, encoding, config, text)
    elif isinstance(value, list):
        if not value:
            yield _quarantine(source, "read.no_records", "JSON list holds no records", text, config)
        for index, item in enumerate(value, 1):
            yield _record(item, _at(source, index), encoding, config)
    else:
        reason = f"JSON holds {_json_type(value)}, not an object or a list of objects"
        yield _quarantine(source, "read.not_an_object", reason, text, config)


def _json_lines_of_text(source: Source, text: str, encoding: str,
                        config: CleanerConfig) -> Iterator[Article | Quarantined]:
    """The records of a .json file that turned out to hold one object per line."""
    source = Source(source.path, source.sha256, 1, "jsonl")
    for number, line in enumerate(text.split("\n"), 1):
        size = len(line.encode("utf-8", "surrogatepass"))
        if size > config.max_record_bytes:
            yield _too_large_record(_at(source, number), size, line, config)
            continue
        record = _line_record(_at(source, number), line, encoding, config)
        if record is not None:
            yield record


def _starts_with_a_json_line(text: str) -> bool:
    """True when the first non-blank line of `text` is a whole JSON value: the file is JSON lines.

    Otherwise the "extra data" after the first value is garbage (a truncated copy, two files
    pasted together), and reading the rest line by line would give one bogus record per line.

    >>> _starts_with_a_json_line('{"text": "a"}\\n{"text": "b"}'), _starts_with_a_json_line('{"text":\\n "a"} junk')
    (True, False)
    """
    first = text.lstrip().split("\n", 1)[0]
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return True


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str) -> object:
    """`json.loads`, giving only values every output can hold.

    NaN, Infinity and -Infinity are not JSON (Python reads them; pandas writes NaN for a missing
    value): they are read as null. A number too large for a float keeps its digits as a string
    rather than becoming infinity. A lone surrogate escape (`"\\ud800"`, half of a pair) becomes
    the text of that escape, so that no UTF-8 output fails on it and two ids that differ only there
    stay two ids (replacing each with U+FFFD would make them clash).

    >>> loads('{"a": NaN, "b": 1e999, "c": 2.5}')
    {'a': None, 'b': '1e999', 'c': 2.5}
    >>> loads('["\\\\ud800", "\\\\udbff", "\\\\ud83d\\\\ude00"]')
    ['\\\\ud800', '\\\\udbff', '😀']
    """
    value = json.loads(text, parse_constant=_json_constant, parse_float=_json_float)
    if _SURROGATE_ESCAPE.search(text):
        value = _without_lone_surrogates(value)
    return value


def _json_constant(name: str) -> None:
    return None


def _json_float(literal: str) -> float | str:
    number = float(literal)
    return number if number not in (float("inf"), float("-inf")) else literal


def _escape_surrogates(text: str) -> str:
    if not _LONE_SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _without_lone_surrogates(value: object) -> object:
    """`value` with every lone surrogate in its strings (keys too) written as its escape."""
    if isinstance(value, str):
        return _escape_surrogates(value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_escape_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    return value


# --- pieces of one big file ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Piece:
    """A part of one big input file that one worker reads: bytes [start, stop) cut at line (JSONL)
    or record (WARC, ARC) boundaries, or Parquet row groups [start, stop).

    `before` is how many lines, records or rows of the file come before it, so `Source.index` is
    the same as when the file is read whole; `sha256` is the whole file's, computed once.
    """

    start: int
    stop: int
    before: int
    sha256: str


#: Formats a big file of which is cut into pieces (`split_file`); a gzipped JSONL cannot be cut
#: (a gzip stream has no entry points) and is streamed whole.
SPLITTABLE = ("jsonl", "warc", "arc", "parquet")


def split_file(path: Path, piece_bytes: int) -> list[Piece] | None:
    """Cut a big input file into pieces of about `piece_bytes` each, or None when it is not cut.

    The cut depends on the file alone (its bytes and `piece_bytes`), never on the workers, so the
    records and their order are the same however many pieces run at once. Not cut: a file under
    two pieces' size, a gzipped JSONL, a JSONL that is binary or UTF-16/32 (its newlines are not
    single bytes), a URL, a file that cannot be read (its whole-file read reports why).
    """
    fmt = _format_of(path.name)
    try:
        size = path.stat().st_size
        if fmt not in SPLITTABLE or size < 2 * piece_bytes or (fmt == "jsonl" and _is_gzip(path)):
            return None
        if fmt == "jsonl":
            return _jsonl_pieces(path, piece_bytes)
        if fmt == "parquet":
            return _parquet_pieces(path, piece_bytes)
        return _archive_pieces(path, piece_bytes)
    except (OSError, ValueError, EOFError, zlib.error):  # unreadable or broken: read whole, reported there
        return None


def _jsonl_pieces(path: Path, piece_bytes: int) -> list[Piece] | None:
    """Pieces of a JSONL file cut just after a newline, with the lines before each, in one pass."""
    digest = hashlib.sha256()
    cuts: list[tuple[int, int]] = [(0, 0)]       # (offset, lines before it)
    base = lines = 0
    target = piece_bytes
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            if base == 0:
                encoding, _ = byte_order_mark(chunk)
                if binary_kind(chunk) or encoding not in (None, "utf-8"):
                    return None
            digest.update(chunk)
            while target < base + len(chunk):
                newline = chunk.find(b"\n", max(0, target - base))
                if newline < 0:
                    break
                cuts.append((base + newline + 1, lines + chunk.count(b"\n", 0, newline + 1)))
                target = base + newline + 1 + piece_bytes
            lines += chunk.count(b"\n")
            base += len(chunk)
    cuts = [c for c in cuts if c[0] < base]
    return _pieces(cuts, base, digest.hexdigest())


def _archive_pieces(path: Path, piece_bytes: int) -> list[Piece]:
    """Pieces of a WARC or ARC file cut at record starts (offsets from warcio, headers only)."""
    from warcio.archiveiterator import ArchiveIterator

    cuts: list[tuple[int, int]] = [(0, 0)]
    size = path.stat().st_size
    with open(path, "rb") as stream, contextlib.redirect_stderr(io.StringIO()):
        archive = ArchiveIterator(stream, no_record_parse=True, arc2warc=True)
        number = 0
        try:
            for _ in archive:
                if archive.offset >= cuts[-1][0] + piece_bytes and size - archive.offset >= piece_bytes // 2:
                    cuts.append((archive.offset, number))
                number += 1
        except Exception:  # noqa: BLE001 - a broken record: the rest is one piece, whose reader reports it
            pass
    return _pieces(cuts, size, _sha256_file(path))


def _parquet_pieces(path: Path, piece_bytes: int) -> list[Piece]:
    """Pieces of a Parquet file: runs of row groups of about `piece_bytes` compressed."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    cuts: list[tuple[int, int]] = [(0, 0)]
    held = rows = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        if held >= piece_bytes:
            cuts.append((g, rows))
            held = 0
        held += sum(group.column(c).total_compressed_size for c in range(group.num_columns))
        rows += group.num_rows
    return _pieces(cuts, meta.num_row_groups, _sha256_file(path))


def _pieces(cuts: list[tuple[int, int]], end: int, sha: str) -> list[Piece] | None:
    """`Piece`s from their start points; None when there is only one (the file is read whole)."""
    if len(cuts) < 2:
        return None
    stops = [start for start, _ in cuts[1:]] + [end]
    return [Piece(start, stop, before, sha) for (start, before), stop in zip(cuts, stops)]


# --- JSON lines, streamed -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a streamed file: its bytes (only the first `max_record_bytes` when longer)."""

    number: int
    data: bytes
    size: int                  # the whole line's size in bytes, without its newline
    encoding: str | None       # set when the stream was transcoded to UTF-8 from a BOM's encoding


@dataclass(frozen=True, slots=True)
class _Stop:
    """Why a streamed file could not be read on, and the line number where it stopped."""

    number: int
    check: str
    reason: str
    head: bytes = b""


def _read_jsonl(path: Path, sha: str, config: CleanerConfig,
                piece: Piece | None = None) -> Iterator[Article | Quarantined]:
    """The records of a JSON-lines file, read as a stream one line at a time.

    A .gz file that turns out truncated or corrupt, or that inflates past `max_file_bytes`, keeps
    the records read before the problem and adds one quarantine record at the line where reading
    stopped. The records cannot be taken back: they were streamed on before the problem showed,
    and gzip checks its CRC only at the end of the stream. Truncation, the common case (an
    interrupted download or copy), leaves those earlier lines intact.
    """
    source = Source(display_path(path), sha, 1, "jsonl")
    produced = piece is not None and piece.start > 0   # an empty piece is no empty file
    for item in _lines(path, config, piece):
        if isinstance(item, _Stop):
            raw = _bytes_text(item.head, config)
            yield _quarantine(_at(source, item.number), item.check, item.reason, raw, config)
            return
        line_source = _at(source, item.number)
        if item.size > config.max_record_bytes:
            yield _too_large_record(line_source, item.size, _bytes_text(item.data, config), config)
            produced = True
            continue
        if item.encoding is None:
            text, encoding = decode_line(item.data)
        else:
            text, encoding = item.data.decode("utf-8"), item.encoding
        record = _line_record(line_source, text, encoding, config)
        if record is not None:
            produced = True
            yield record
    if not produced:
        yield _quarantine(source, "read.empty_file", "empty file", "", config)


def _lines(path: Path, config: CleanerConfig, piece: Piece | None = None) -> Iterator[_Line | _Stop]:
    """The lines of a file as bytes, in bounded memory, ending with a `_Stop` if it cannot be read on.

    A line longer than `max_record_bytes` keeps only its head; the rest is counted and skipped.
    A file starting with a UTF-16/32 byte-order mark is transcoded to UTF-8 on the fly, since its
    newlines are not single bytes. One loop on purpose: the line being built, its size past the
    limit, the decoder and the byte counts are state carried from chunk to chunk, and this is the
    reader's hot path; split up, that state would be passed back and forth on every chunk.
    With a `piece`, only its bytes are read (it starts after a newline), numbered after its `before`.
    """
    limit = config.max_record_bytes
    cap = config.max_file_bytes if _is_gzip(path) else None
    number, total, oversize = 0, 0, -1       # oversize: size so far of a line past the limit
    line, head = bytearray(), b""
    decoder, encoding = None, None
    left = None if piece is None else piece.stop - piece.start
    try:
        with _open(path) as stream:
            first = piece is None or piece.start == 0
            if piece is not None:
                stream.seek(piece.start)
                number = piece.before
            while True:
                chunk = stream.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
                if left is not None:
                    left -= len(chunk)
                total += len(chunk)
                if cap is not None and total > cap:
                    yield _Stop(number + 1, "read.too_large", f"decompressed size exceeds {cap:,} bytes, the "
                                "limit for one file (a decompression bomb?); not inflated further",
                                bytes(line[:BINARY_RAW_BYTES * 64]))
                    return
                eof = not chunk
                if first:
                    first = False
                    kind = binary_kind(chunk)
                    if kind:
                        yield _Stop(1, "read.binary", f"binary content (looks like {kind})",
                                    chunk[:BINARY_RAW_BYTES])
                        return
                    bom_encoding, bom = byte_order_mark(chunk)
                    chunk = chunk[len(bom):]
                    if bom_encoding != "utf-8" and bom_encoding is not None:
                        encoding = bom_encoding
                        decoder = codecs.getincrementaldecoder(encoding)("replace")
                        decoder.decode(bom)    # let it learn the byte order
                if decoder is not None:
                    chunk = decoder.decode(chunk, final=eof).encode("utf-8")
                start = 0
                while True:
                    if not line and oversize < 0:
                        # Blank lines are not records: skip a run of them in one step, so that a
                        # gigabyte of newlines costs C time, not a Python step per line.
                        blank = _BLANK_LINES.match(chunk, start)
                        if blank is not None:
                            end = chunk.rfind(b"\n", start, blank.end()) + 1
                            if end:
                                number += chunk.count(b"\n", start, end)
                                start = end
                    newline = chunk.find(b"\n", start)
                    piece = chunk[start:] if newline < 0 else chunk[start:newline]
                    if oversize >= 0:
                        oversize += len(piece)
                    else:
                        line += piece
                        if len(line) > limit:
                            oversize, head = len(line), bytes(line[:limit])
                            line.clear()
                    if newline < 0:
                        break
                    number += 1
                    yield _finished_line(number, line, head, oversize, encoding)
                    line.clear()
                    oversize = -1
                    start = newline + 1
                if eof:
                    if line or oversize >= 0:
                        yield _finished_line(number + 1, line, head, oversize, encoding)
                    return
    except EOFError as error:
        yield _Stop(number + 1, "read.gzip_error", f"truncated gzip: {error}", bytes(line))
    except (gzip.BadGzipFile, zlib.error) as error:
        yield _Stop(number + 1, "read.gzip_error", f"corrupt gzip: {error}", bytes(line))
    except OSError as error:
        yield _Stop(number + 1, "read.unreadable", f"cannot read file: {error}", bytes(line))


def _finished_line(number: int, line: bytearray, head: bytes, oversize: int, encoding: str | None) -> _Line:
    if oversize >= 0:
        return _Line(number, head, oversize, encoding)
    data = bytes(line).rstrip(b"\r")
    return _Line(number, data, len(data), encoding)


def _too_large_record(source: Source, size: int, raw: str, config: CleanerConfig) -> Quarantined:
    reason = f"record is {size:,} bytes, over the limit of {config.max_record_bytes:,}"
    return _quarantine(source, "read.record_too_large", reason, raw, config)


def _line_record(source: Source, text: str, encoding: str,
                 config: CleanerConfig) -> Article | Quarantined | None:
    """The record on one JSON line, or None for a blank line (blank lines are not records)."""
    if not text.strip():
        return None
    try:
        value = loads(text)
    except (ValueError, RecursionError) as error:
        return _quarantine(source, "read.invalid_json", f"invalid JSON: {_json_error(error)}", text, config)
    return _record(value, source, encoding, config, text)


# --- one JSON record ----------------------------------------------------------------------------

def _record(value: object, source: Source, encoding: str, config: CleanerConfig,
            raw: str | None = None) -> Article | Quarantined:
    """An `Article` from one decoded JSON value, or a `Quarantined` naming every field that is wrong.

    A field set to null counts as absent. An `html` string is preferred over `text` for the raw
    content (the `text` is kept in `extra`), unless the `html` is blank and the `text` is not:
    scrapers write `"html": ""` when they did not keep the page. The text, HTML, id and URL fields
    may go by other names (`config.text_field`, ..., the CLI's `--text-field`).

    >>> src = Source("feed.jsonl", "0" * 64, 3, "jsonl")
    >>> _record({"text": "Body", "title": 7}, src, "utf-8", DEFAULT_CONFIG).message
    "feed.jsonl:3: 'title' is not a string (got a number)"
    >>> a = _record({"html": "<p>Hi</p>", "text": "Hi", "tags": ["x"]}, src, "utf-8", DEFAULT_CONFIG)
    >>> a.content_type, a.raw, a.extra
    ('html', '<p>Hi</p>', {'tags': ['x'], 'text': 'Hi'})
    """
    if raw is None:
        raw = _json_text(value)
    if not isinstance(value, dict):
        reason = f"record is {_json_type(value)}, not an object"
        return _quarantine(source, "read.not_an_object", reason, raw, config)
    text_key, html_key, id_key, url_key = config.text_field, config.html_field, config.id_field, config.url_field
    strings = (text_key, html_key) + tuple(url_key if name == "url" else name for name in STRING_FIELDS)
    problems = [(f"'{name}' is not a string (got {_json_type(value[name])})")
                for name in strings if value.get(name) is not None and not isinstance(value[name], str)]
    authors = value.get("authors")
    if isinstance(authors, str):
        authors = [authors]
    elif authors is None:
        authors = []
    elif not (isinstance(authors, list) and all(isinstance(a, str) for a in authors)):
        problems.append(f"'authors' is not a string or a list of strings (got {_json_type(authors)})")
    given = value.get(id_key)
    if given is not None and (isinstance(given, bool) or not isinstance(given, (str, int))):
        problems.append(f"'{id_key}' is not a string or an integer (got {_json_type(given)})")
    if problems:
        return Quarantined(source=source, stage="read", checks=["read.wrong_type"] * len(problems),
                           reasons=problems, raw=_truncate(raw, config.max_record_bytes))
    text, html = value.get(text_key), value.get(html_key)
    if text is None and html is None:
        return _quarantine(source, "read.no_text", f"no '{text_key}' or '{html_key}' field", raw, config)

    known = KNOWN_FIELDS if strings[:2] == ("text", "html") and (id_key, url_key) == ("id", "url") \
        else frozenset(("authors", text_key, html_key, id_key) + strings)
    extra = {key: item for key, item in value.items() if key not in known}
    if html is not None and (html.strip() or text is None or not text.strip()):
        content, content_type = html, "html"
        if text is not None:
            extra[text_key] = text
    else:
        content, content_type = text, "text"
        if html is not None:
            extra[html_key] = html
    size = len(content) if len(content) * 4 <= config.max_record_bytes else _utf8_size(content)
    if size > config.max_record_bytes:
        return _too_large_record(source, size, raw, config)
    published = value.get("published")
    if published is None:
        published = value.get("date")
    elif value.get("date") is not None:
        extra["date"] = value["date"]
    if encoding != "utf-8":
        extra.setdefault("encoding", encoding)
    return Article(
        id=article_id(source, content, given=None if given is None else str(given)),
        source=source, raw=content, content_type=content_type,
        title=value.get("title"), subtitle=value.get("subtitle"), authors=authors,
        published=published, url=value.get(url_key), site_name=value.get("site_name"),
        declared_language=value.get("language"), extra=extra,
    )


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages.

    >>> _json_type({}), _json_type([1]), _json_type(True), _json_type(2.5), _json_type(None)
    ('an object', 'an array', 'a boolean', 'a number', 'null')
    """
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null"


def _json_text(value: object) -> str:
    """A JSON value written back as text, for the raw of a quarantined record."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        return repr(value)


def _json_error(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


# --- quarantine ----------------------------------------------------------------------------------

def _quarantine(source: Source, check: str, reason: str, raw: str, config: CleanerConfig) -> Quarantined:
    return Quarantined(source=source, stage="read", checks=[check], reasons=[reason],
                       raw=_truncate(raw, config.max_record_bytes))


def _at(source: Source, index: int) -> Source:
    return Source(source.path, source.sha256, index, source.format)


def _bytes_text(data: bytes, config: CleanerConfig) -> str:
    """Bytes that could not be read as a record, as text for a quarantine record's raw.

    Bytes that are not UTF-8 are written as escapes, so nothing is lost or invented.

    >>> _bytes_text(b"ok \\xe9", DEFAULT_CONFIG)
    'ok \\\\xe9'
    """
    return _truncate(data[:config.max_record_bytes].decode("utf-8", "backslashreplace"), config.max_record_bytes)


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character.

    >>> _truncate("déjà", 3), _truncate("déjà", 100)
    ('dé', 'déjà')
    """
    if len(text) * 4 <= limit:
        return text
    return text.encode("utf-8", "surrogatepass")[:limit].decode("utf-8", "ignore")

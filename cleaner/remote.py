"""Inputs given as fsspec URLs (`s3://bucket/crawl/`, `gs://…`, `hf://datasets/…`, `https://…/feed.jsonl`).

Part of the read stage. A URL to a folder (a prefix) is listed recursively in sorted order, with
the same rules as a local folder (hidden names and unsupported suffixes are skipped, and said so);
a URL to one object is read whatever its name. Each object is copied to a temporary folder under
its own name and read there by the local readers, then its records are renamed to the URL:
`Source.path` is the URI, and the id of each record is the one the same file on disk gets (ids
hash the base name, not the folder). The copy is what lets every format be read the same way
(Parquet and WARC seek; JSONL and gzip stream), and it is streamed to disk in chunks, never held
in memory. The file system's own settings come from fsspec (credentials, `AWS_ENDPOINT_URL`,
`FSSPEC_S3_ENDPOINT_URL`, …); s3fs, gcsfs or huggingface_hub must be installed for their schemes.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+)://")
COPY_CHUNK = 4 << 20


def is_url(path: object) -> bool:
    """True for an fsspec URL other than a local file's.

    >>> is_url("s3://bucket/feed.jsonl"), is_url("https://x.example/a.warc.gz"), is_url("data/a.txt"), is_url("file:///tmp/a")
    (True, True, False, False)
    """
    found = _SCHEME.match(str(path)) if isinstance(path, str) else None
    return found is not None and found.group(1).lower() != "file"


def remote_files(url: str, skipped: list | None = None) -> Iterator[str]:
    """The objects under `url` as URLs, sorted (`url` itself when it names one object).

    Raises FileNotFoundError when nothing is there, like a local path that does not exist.
    """
    from cleaner.read import SKIP_REASONS, _format_of

    fs, root = _fs(url)
    if not fs.exists(root):
        raise FileNotFoundError(errno.ENOENT, "input path does not exist", url)
    if not fs.isdir(root):
        yield url
        return
    for name in sorted(fs.find(root)):
        rel = name[len(root.rstrip("/")) + 1:] if name.startswith(root.rstrip("/") + "/") else name
        full = fs.unstrip_protocol(name)
        if any(part.startswith(".") for part in rel.split("/")):
            reason = SKIP_REASONS["hidden"]
        elif _format_of(rel.rsplit("/", 1)[-1]) is None:
            reason = SKIP_REASONS["unsupported"]
        else:
            yield full
            continue
        if skipped is not None:
            skipped.append((full, reason))


def exists(url: str) -> bool:
    """True when something is at `url` (an object or a prefix holding objects)."""
    fs, root = _fs(url)
    return fs.exists(root)


def size(url: str) -> int:
    """The object's size in bytes (0 when the store does not say)."""
    fs, root = _fs(url)
    try:
        return int(fs.size(root) or 0)
    except (OSError, ValueError, TypeError):
        return 0


@contextlib.contextmanager
def local_copy(url: str) -> Iterator[Path]:
    """The object at `url` copied to a temporary folder under its own base name, removed afterwards."""
    fs, root = _fs(url)
    folder = Path(tempfile.mkdtemp(prefix="cleaner-remote-"))
    try:
        local = folder / (root.rstrip("/").rsplit("/", 1)[-1] or "object")
        with fs.open(root, "rb") as source, open(local, "wb") as sink:
            shutil.copyfileobj(source, sink, COPY_CHUNK)
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def renamed(record, local: str, url: str):
    """`record` (read from the local copy `local`) with its source named by `url`."""
    source = record.source
    if source.path != local:
        return record
    source = dataclasses.replace(source, path=url)
    if dataclasses.is_dataclass(record) and type(record).__dataclass_params__.frozen:
        return dataclasses.replace(record, source=source)
    record.source = source
    return record


def _fs(url: str):
    import fsspec

    return fsspec.core.url_to_fs(url)

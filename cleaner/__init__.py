"""news-cleaner: clean scraped news articles, validate them against a contract, publish versioned datasets.

The Python API, the same code paths as the command line:

- `clean_html(html, url=None)` and `clean_text(text, title=None)`: one page or one text cleaned,
  as `cleaner clean` cleans it, returned as an `Article` (title, subtitle, authors, text, captions,
  credits, removals, language...);
- `read_inputs(paths)`: the records of input files as read (`Article`, or `Quarantined` with the
  reason), and `clean_inputs(paths)`: the same records cleaned, which is what `cleaner clean` writes;
- `build(paths, out_dir, name)`: clean, validate, dedup and publish a version, as `cleaner run`;
- `verify(version)`: recompute a published version's checksums, as `cleaner verify` (a folder or a URL);
- `data_files(version, config="default")`: the Parquet files of a published version (paths, or URLs
  on object storage, where shared files live in older versions' folders), for pandas, pyarrow,
  DuckDB and `datasets`;
- `CleanerError`: the base of every error raised on purpose about the input; `RefusedRecord`, one of
  them, is a record the cleaner will not clean (its `check` is the quarantine check id).

Importing `cleaner` loads nothing else: each function imports the stages it needs when called,
so `cleaner clean` and `import cleaner` start fast.
"""
from __future__ import annotations

from cleaner.errors import CleanerError, RefusedRecord

__version__ = "0.1.0"

__all__ = [
    "__version__", "clean_html", "clean_text", "clean_article", "read_inputs", "clean_inputs", "build", "verify", "data_files",
    "CleanerError", "RefusedRecord", "Article", "Source", "Removal", "Quarantined", "Ledger",
    "CleanerConfig", "DEFAULT_CONFIG",
]

#: Names served from the modules that define them, imported on first use (PEP 562).
_LAZY = {"Article": "cleaner.records", "Source": "cleaner.records", "Removal": "cleaner.records",
         "Quarantined": "cleaner.records", "Ledger": "cleaner.records",
         "CleanerConfig": "cleaner.config", "DEFAULT_CONFIG": "cleaner.config"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")


def clean_html(html: str | bytes, url: str | None = None, *, name: str = "<html>", config=None):
    """Clean one HTML page; return the cleaned `Article`, as `cleaner clean` makes it from a .html file.

    `html` may be the page's bytes: they are decoded as the reader decodes a file (byte-order mark,
    UTF-8, the page's declared charset, detection), and an encoding other than UTF-8 is noted in
    `extra["encoding"]`. `name` stands for the file name: it goes into `source.path` and the id.
    Raises `RefusedRecord` for a page the cleaner will not clean (empty, binary, too large, nested
    too deeply), with the check id a run would quarantine it under.

    >>> page = ('<html lang="en"><head><title>Ferry back in service | Harbour News</title></head><body>'
    ...         '<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ferry back in service</h1>'
    ...         '<p>The harbour ferry returned to service on Monday after two weeks of repairs to its engine.</p>'
    ...         '<p>Passengers queued from seven in the morning, and the first crossing left on time.</p>'
    ...         '</article></body></html>')
    >>> a = clean_html(page, url="https://example.org/ferry")
    >>> a.title, a.language, a.url
    ('Ferry back in service', 'en', 'https://example.org/ferry')
    >>> print(a.text)
    The harbour ferry returned to service on Monday after two weeks of repairs to its engine.
    <BLANKLINE>
    Passengers queued from seven in the morning, and the first crossing left on time.
    """
    return _clean_one(html, "html", name, config, url=url)


def clean_text(text: str | bytes, title: str | None = None, *, name: str = "<text>", config=None):
    """Clean one plain-text article; return the cleaned `Article`, as `cleaner clean` makes it.

    Without a `title` the first line is taken for one, as for a .txt file; with one, as for a JSON
    record that has a `title`. Raises `RefusedRecord` for an empty, binary or too large input.

    >>> a = clean_text("Bridge to close for repairs\\n\\nBy Jane Doe\\n\\n"
    ...                "The council voted on Tuesday to close the old bridge for repairs next spring.\\n\\nRelated Articles")
    >>> a.title, a.authors, a.text
    ('Bridge to close for repairs', ['Jane Doe'], 'The council voted on Tuesday to close the old bridge for repairs next spring.')
    >>> [(r.category, r.rule) for r in a.removals]
    [('title', 'meta.title'), ('byline', 'byline.by'), ('related', 'related.label')]
    >>> clean_text("  \\n ")
    Traceback (most recent call last):
    cleaner.errors.RefusedRecord: <text>: empty input
    """
    return _clean_one(text, "txt", name, config, title=title)


def _clean_one(content: str | bytes, fmt: str, name: str, config, **fields):
    """A record made from `content` as the reader makes one from a file of format `fmt`, cleaned."""
    from cleaner.config import DEFAULT_CONFIG
    from cleaner.decode import binary_kind, decode
    from cleaner.records import Article, Source, article_id, sha256_bytes

    config = config or DEFAULT_CONFIG
    data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    if len(data) > config.max_record_bytes:
        raise RefusedRecord(f"{name}: input is {len(data):,} bytes, over the limit of {config.max_record_bytes:,}",
                            check="read.record_too_large")
    if isinstance(content, bytes):
        kind = binary_kind(content)
        if kind:
            raise RefusedRecord(f"{name}: binary content (looks like {kind})", check="read.binary")
        text, encoding = decode(content, html=fmt == "html")
    else:
        text, encoding = content, "utf-8"
    if not text.strip():
        raise RefusedRecord(f"{name}: empty input", check="read.empty_file")
    source = Source(name, sha256_bytes(data), 1, fmt)
    article = Article(id=article_id(source, text), source=source, raw=text,
                      content_type="html" if fmt == "html" else "text",
                      extra={} if encoding == "utf-8" else {"encoding": encoding}, **fields)
    return clean_article(article, config)


def clean_article(article, config=None):
    """Clean one record as read (an `Article` from `read_inputs`) in place and return it.

    Raises `RefusedRecord` for a record the cleaner refuses (a page nested too deeply); a run
    quarantines such a record under the error's `check` instead.
    """
    from cleaner.clean import clean_article as clean
    from cleaner.config import DEFAULT_CONFIG

    return clean(article, config or DEFAULT_CONFIG)


def read_inputs(paths, config=None):
    """The records of every input file under `paths` (files, or folders walked in sorted order), as read.

    Each is an `Article` (not yet cleaned) or a `Quarantined` naming the file, the record and the
    problem. A path that does not exist raises `FileNotFoundError` at the call.

    >>> from pathlib import Path
    >>> samples = Path(__file__).parent / "data" / "samples"
    >>> records = list(read_inputs([samples]))
    >>> len(records), records[0].content_type, records[0].text == ""  # not cleaned yet
    (10, 'text', True)
    """
    from cleaner.config import DEFAULT_CONFIG
    from cleaner.read import read_inputs as read

    return read(paths, config or DEFAULT_CONFIG)


def clean_inputs(paths, *, validate: bool = False, config=None, executor=None):
    """Every input record under `paths` cleaned, in input order: what `cleaner clean` writes.

    Each is a cleaned `Article` or a `Quarantined` (unreadable, refused, or with `validate=True`
    failing the contract). `executor` (from `cleaner.executors.make_executor`) cleans shards in
    parallel; the records and their order are the same without one.

    >>> from pathlib import Path
    >>> cleaned = list(clean_inputs([Path(__file__).parent / "data" / "samples"]))
    >>> sum(1 for r in cleaned if r.text), len(cleaned)
    (10, 10)
    """
    from cleaner.config import DEFAULT_CONFIG
    from cleaner.stream import checked_records

    return checked_records(paths, config or DEFAULT_CONFIG, executor, validate=validate)


def build(paths, out_dir="dist_data", name: str = "news", version: str | None = None, *,
          parent: str | None = None, workers: int | None = None, executor="local", scheduler: str | None = None,
          config=None, on_progress=None):
    """Clean, validate, dedup and publish `paths` as `out_dir/name/version`, as `cleaner run` does.

    Returns `(path of the version, Ledger)`; the ledger counts every input record as published,
    quarantined or duplicate. `executor` is "local" (a process pool of `workers`, default every
    core), "dask" (with `scheduler`, default a LocalCluster) or an executor object. Raises
    `FileNotFoundError` for a missing input, `ValueError` for a bad name or version and
    `FileExistsError` when the version is already published.
    """
    from cleaner.config import DEFAULT_CONFIG
    from cleaner.executors import make_executor
    from cleaner.pipeline import build as run

    runner = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
    path, tally = run(paths, out_dir, name, version, config or DEFAULT_CONFIG, parent=parent,
                      on_progress=on_progress, executor=runner)
    return path, tally.ledger


def verify(version) -> list[str]:
    """Recompute every checksum of a published version (a folder, or an fsspec URL such as
    `s3://bucket/datasets/news/v2`); return the problems (none: it is intact)."""
    from pathlib import Path

    from cleaner.publish.manifest import verify as check
    from cleaner.publish.remote import is_remote, verify_remote

    return verify_remote(str(version)) if is_remote(version) else check(Path(version))


def data_files(version, config: str = "default") -> list[str]:
    """The Parquet files holding one config (`default`: the articles; `removals`, `quarantine`,
    `duplicates`) of a published version, in row order: local paths for a folder, URLs for a version
    on object storage (`s3://bucket/datasets/news/v2` or `.../news/latest`), whose files shared with an
    older version are that version's objects. Every reader takes the list::

        files = cleaner.data_files("s3://bucket/datasets/news/latest")
        df = pandas.read_parquet(files)
        ds = datasets.load_dataset("parquet", data_files=files, split="train")
    """
    from cleaner.publish.remote import data_files as files

    return files(version, config)

"""Where a published record says it came from: a path relative to the input root, never the
absolute path of the machine that built it.

The input root of a build is the deepest folder holding every input given (a folder given counts as
itself, a file as its folder): `cleaner run corpus/` publishes `feed.jsonl` and `2024/page.html`,
`cleaner run day1/ day2/` publishes `day1/feed.jsonl` and `day2/feed.jsonl`. The same inputs under
two different absolute folders therefore publish the same bytes. A remote input (a URI such as
`s3://bucket/x.warc.gz`) keeps its URI, which is already the same from every machine.

This is the one place that decides it: `plan_shards` records the root of a build in each shard and
`pipeline.stage_shard` rewrites `Source.path` with `portable_path` as it stages an article or a
quarantined record, after cleaning (so the cleaning itself, and `cleaner clean`, see the paths given).
"""
from __future__ import annotations

import os
from collections.abc import Iterable


def is_uri(path: str) -> bool:
    """True for a remote input named by a URL (`scheme://...`).

    >>> is_uri("s3://bucket/a.warc.gz"), is_uri("/data/a.txt"), is_uri("C:/data/a.txt")
    (True, False, False)
    """
    head, sep, _ = str(path).partition("://")
    return bool(sep) and head.isidentifier()


def input_root(paths: Iterable[str | os.PathLike]) -> str:
    """The deepest folder holding every local input given ('' when every input is remote).

    >>> input_root(["/data/day1/feed.jsonl", "/data/day2/feed.jsonl"]), input_root(["s3://bucket/x"])
    ('/data', '')
    """
    local = [os.fspath(p) for p in paths if not is_uri(os.fspath(p))]
    folders = [os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)) for p in local]
    return os.path.commonpath(folders) if folders else ""


def portable_path(path: str, root: str) -> str:
    """`path` relative to the input `root`, with `/` separators; a URI, or a path outside the root, as it is.

    >>> portable_path("/home/ann/corpus/2024/page.html", "/home/ann/corpus")
    '2024/page.html'
    >>> portable_path("s3://bucket/feed.jsonl", "/home/ann"), portable_path("/elsewhere/a.txt", "/home/ann")
    ('s3://bucket/feed.jsonl', '/elsewhere/a.txt')
    """
    if not root or is_uri(path):
        return path
    rel = os.path.relpath(os.path.abspath(path), root)
    if rel == ".." or rel.startswith(".." + os.sep):
        return path
    return rel.replace(os.sep, "/")

"""The dataset folder's own files: `OUT/NAME/latest`, `OUT/NAME/README.md` and `versions.json`.

A version is immutable; what changes as the dataset grows is this index beside the versions:
- `versions.json`: one entry per published version (date, parent, counts, retractions), appended
  when a version is published. The date lives here and not in the version, so the same inputs
  still give a version of the same bytes.
- `README.md`: the versions as a table, newest first, rendered from `versions.json`.
- `latest`: a relative symbolic link to the newest version, so `load_dataset("OUT/NAME/latest")`
  and `pyarrow.parquet.read_table("OUT/NAME/latest/data")` read it; and `LATEST`, a one-line
  pointer file holding its name, for stores that have no links (object storage, `remote.py`).

Each file is written to a temporary name and renamed over the old one, the pointer last, so a
reader sees the old index or the new one, never half of one.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from cleaner.publish.files import write_bytes

INDEX = "versions.json"
README = "README.md"
LATEST = "latest"
POINTER = "LATEST"


def now_utc() -> str:
    """The current time as ISO 8601 UTC to the second (`SOURCE_DATE_EPOCH` fixes it, for reproducible builds).

    >>> os.environ["SOURCE_DATE_EPOCH"] = "0"; now_utc(); del os.environ["SOURCE_DATE_EPOCH"]
    '1970-01-01T00:00:00Z'
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry(manifest: dict, published_at: str) -> dict:
    """The index entry of a version, from its manifest."""
    c = manifest["counts"]
    return {"version": manifest["version"], "published_at": published_at, "parent": manifest.get("parent"),
            "articles": c["published"] + c.get("inherited", 0), "new": c["published"],
            "inherited": c.get("inherited", 0), "inputs": c["inputs"], "quarantined": c["quarantined"],
            "duplicates": c["duplicates"],
            "retracted": sum(len(r["ids"]) for r in manifest.get("retracted") or () if r.get("version") == manifest["version"]),
            "fingerprint": manifest["fingerprint"]}


def render_readme(name: str, entries: list[dict]) -> str:
    """`OUT/NAME/README.md`: what the folder is, how to load the newest, and the versions, newest first.

    >>> print(render_readme("news", [{"version": "v1", "published_at": "2026-01-01T00:00:00Z", "parent": None,
    ...       "articles": 3, "new": 3, "inherited": 0, "retracted": 0}]).splitlines()[-1])
    | v1 | 2026-01-01T00:00:00Z | none | 3 | 3 | 0 | 0 |
    """
    newest = entries[-1]["version"] if entries else None
    lines = [f"# {name}", "",
             f"Every folder here is one version of the dataset, whole (a snapshot: its parent's articles that were "
             f"not retracted, plus the new ones; files it shares with its parent are stored once: hard links on a "
             f"disk, on object storage named by its manifest and card). `{LATEST}` "
             f"names the newest ({newest}); `{POINTER}` holds its name, for stores without links.", "",
             "```python", "import datasets",
             f'articles = datasets.load_dataset("path/to/{name}/{LATEST}", split="train")', "```", "",
             "| version | published | parent | articles | new | inherited | retracted |",
             "|---|---|---|---:|---:|---:|---:|"]
    for e in reversed(entries):
        lines.append(f"| {e['version']} | {e['published_at']} | {e['parent'] or 'none'} | {e['articles']} | "
                     f"{e['new']} | {e['inherited']} | {e['retracted']} |")
    return "\n".join(lines) + "\n"


def read_index(base: Path) -> list[dict]:
    """The entries of `OUT/NAME/versions.json`, oldest first ([] when there is none yet)."""
    try:
        found = json.loads((Path(base) / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return found if isinstance(found, list) else []


def add_version(base: Path, manifest: dict, newest: str) -> None:
    """Record a just-published version in the index and point `latest` at `newest`, under a lock
    (two runs publishing at once each add their entry)."""
    base = Path(base)
    with open(base / ".index.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        entries = [e for e in read_index(base) if e.get("version") != manifest["version"]]
        entries.append(entry(manifest, now_utc()))
        _replace(base / INDEX, (json.dumps(entries, indent=2, ensure_ascii=False) + "\n").encode())
        _replace(base / README, render_readme(manifest["name"], entries).encode())
        point_latest(base, newest)


def point_latest(base: Path, version: str) -> None:
    """Make `latest` (a relative link) and `LATEST` (a pointer file) name `version`, each replaced atomically."""
    tmp = base / f".{LATEST}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(version, tmp)
    os.replace(tmp, base / LATEST)
    _replace(base / POINTER, f"{version}\n".encode())


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    write_bytes(tmp, data)
    os.replace(tmp, path)


def resolve(path: Path) -> Path:
    """A version folder as given, or the version `OUT/NAME/latest` names when the store has no link.

    >>> resolve(Path("/nowhere/news/v3"))
    PosixPath('/nowhere/news/v3')
    """
    path = Path(path)
    if path.name == LATEST and not path.is_dir() and (path.parent / POINTER).is_file():
        return path.parent / (path.parent / POINTER).read_text(encoding="utf-8").strip()
    return path

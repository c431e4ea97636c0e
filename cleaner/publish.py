"""Publish a versioned dataset: Parquet shards, a dataset card and a manifest, written atomically.

Only this module writes output. A version is built in `OUT/NAME/.tmp-VERSION-<pid>-<random>/` next to
its final place and renamed to `OUT/NAME/VERSION/` at commit, so a reader sees either the whole
version or none of it, and a killed run leaves only a `.tmp-*` folder that nothing reads.

The same records, config and versions give the same bytes: rows keep the order they were given,
shards and row groups have fixed sizes, and no wall-clock time or output path is written anywhere.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from cleaner import tables
from cleaner.config import CleanerConfig
from cleaner.records import Article, Quarantined, Source

TOOL_NAME = "news-cleaner"
MANIFEST = "manifest.json"
CARD = "README.md"
TMP_PREFIX = ".tmp-"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_AUTO_RE = re.compile(r"^v([0-9]+)$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
DUPLICATE_KINDS = ("exact", "near")


class VersionExistsError(FileExistsError):
    """The version folder is already there; published versions are never overwritten."""


@dataclass(slots=True)
class Ledger:
    """What happened to every input record; `inputs == published + quarantined + duplicates`."""

    inputs: int = 0
    published: int = 0
    quarantined: int = 0
    duplicates: int = 0
    removals_by_category: dict[str, int] = field(default_factory=dict)
    removals_by_rule: dict[str, int] = field(default_factory=dict)
    quarantine_by_check: dict[str, int] = field(default_factory=dict)

    def balanced(self) -> bool:
        """True when every input record has exactly one outcome.

        >>> Ledger(inputs=3, published=1, quarantined=1, duplicates=1).balanced()
        True
        >>> Ledger(inputs=3, published=2).balanced()
        False
        """
        return self.inputs == self.published + self.quarantined + self.duplicates

    def to_dict(self) -> dict[str, Any]:
        """The ledger as the manifest stores it: tallies sorted by key, `balanced` spelled out."""
        return {
            "inputs": self.inputs, "published": self.published, "quarantined": self.quarantined,
            "duplicates": self.duplicates, "balanced": self.balanced(),
            "removals_by_category": dict(sorted(self.removals_by_category.items())),
            "removals_by_rule": dict(sorted(self.removals_by_rule.items())),
            "quarantine_by_check": dict(sorted(self.quarantine_by_check.items())),
        }


@dataclass(slots=True)
class Duplicate:
    """A record not published because it repeats another (`kind` is "exact" or "near")."""

    id: str
    source: Source
    duplicate_of: str
    similarity: float
    kind: str


def check_name(name: str) -> str:
    """The dataset name, lowercased, or ValueError if it could leave the output folder.

    >>> check_name("World-News")
    'world-news'
    >>> check_name("../x")
    Traceback (most recent call last):
    ...
    ValueError: dataset name '../x' is not allowed: use 1-100 of a-z 0-9 . _ -, starting with a letter or digit
    """
    low = name.lower() if isinstance(name, str) else name
    if not isinstance(low, str) or not _NAME_RE.fullmatch(low):
        raise ValueError(f"dataset name {name!r} is not allowed: "
                         "use 1-100 of a-z 0-9 . _ -, starting with a letter or digit")
    return low


def check_version(version: str, what: str = "version") -> str:
    """`version` unchanged, or ValueError if it is not a plain folder name.

    >>> check_version("v3"), check_version("2024.06.1")
    ('v3', '2024.06.1')
    >>> check_version("a/b")
    Traceback (most recent call last):
    ...
    ValueError: version 'a/b' is not allowed: use 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit
    """
    if not isinstance(version, str) or not _VERSION_RE.fullmatch(version):
        raise ValueError(f"{what} {version!r} is not allowed: "
                         "use 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
    return version


def _version_key(v: str) -> tuple:
    """Natural order: digit runs compare as numbers, so v10 comes after v9.

    >>> sorted(["v10", "v9", "v1"], key=_version_key)
    ['v1', 'v9', 'v10']
    """
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"([0-9]+)", v) if p)


def _versions(out_dir: Path, name: str) -> list[str]:
    """Published versions of `name`, oldest first; `.tmp-*` folders of running or killed builds excluded."""
    base = Path(out_dir) / check_name(name)
    if not base.is_dir():
        return []
    found = [p.name for p in base.iterdir() if p.is_dir() and _VERSION_RE.fullmatch(p.name)]
    return sorted(found, key=_version_key)


def latest_version(out_dir: Path, name: str) -> str | None:
    """The latest published version of `name` under `out_dir`, or None when there is none."""
    found = _versions(out_dir, name)
    return found[-1] if found else None


def next_version(out_dir: Path, name: str) -> str:
    """`v1`, or one past the highest `vN` already published (other version names are skipped)."""
    numbers = [int(m.group(1)) for v in _versions(out_dir, name) if (m := _AUTO_RE.fullmatch(v))]
    return f"v{max(numbers, default=0) + 1}"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (folders so that the names in them survive a crash)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def fingerprint(files: Iterable[tuple[str, str]], config_sha256: str) -> str:
    """sha256 over the sorted (path, sha256) of the data files and the config hash.

    >>> fingerprint([("b", "2"), ("a", "1")], "c") == fingerprint([("a", "1"), ("b", "2")], "c")
    True
    """
    h = hashlib.sha256()
    for path, sha in sorted(files):
        h.update(f"{path}\t{sha}\n".encode())
    h.update(config_sha256.encode())
    return h.hexdigest()


class _ShardedTable:
    """Rows of one config written as Parquet shards of `shard_rows` rows, one row group at a time.

    Memory holds one row group. Shards get provisional names (`part-00000.parquet`) because the
    final names carry the shard count, known only at the end; `finish` renames them.
    """

    def __init__(self, folder: Path, schema: pa.Schema, config: CleanerConfig):
        self.folder, self.schema, self.config = folder, schema, config
        self.rows = 0                          # rows written in all shards
        self.nbytes = 0                        # their size in Arrow memory, the card's num_bytes
        self.shards: list[tuple[Path, int]] = []   # (provisional path, rows) of closed shards
        self._group: list[dict] = []
        self._writer: pq.ParquetWriter | None = None
        self._path: Path | None = None         # the open shard
        self._shard_rows = 0
        folder.mkdir()

    def add(self, row: dict) -> None:
        self._group.append(row)
        if (len(self._group) >= self.config.row_group_rows
                or self._shard_rows + len(self._group) >= self.config.shard_rows):
            self._flush_group()

    def _flush_group(self) -> None:
        if not self._group:
            return
        if self._writer is None:
            self._path = self.folder / f"part-{len(self.shards):05d}.parquet"
            self._writer = pq.ParquetWriter(self._path, self.schema, compression=self.config.compression)
        try:
            table = pa.Table.from_pylist(self._group, schema=self.schema)
        except UnicodeEncodeError:  # a lone surrogate somewhere: rare, so only then pay for the scan
            table = pa.Table.from_pylist([tables.replace_surrogates(r) for r in self._group], schema=self.schema)
        self._writer.write_table(table, row_group_size=len(self._group))
        self._shard_rows += len(self._group)
        self.rows += len(self._group)
        self.nbytes += table.nbytes
        self._group = []
        if self._shard_rows >= self.config.shard_rows:
            self._close_shard()

    def _close_shard(self) -> None:
        assert self._writer is not None and self._path is not None
        self._writer.close()
        self._writer = None
        _fsync(self._path)
        self.shards.append((self._path, self._shard_rows))
        self._shard_rows = 0

    def adopt(self, path: Path, rows: int, nbytes: int) -> None:
        """Take a shard file a worker already wrote in this folder; it comes after every row added so far."""
        if path.parent != self.folder:
            raise ValueError(f"{path}: a shard must be written in {self.folder}")
        self._flush_group()
        if self._writer is not None:
            self._close_shard()
        self.shards.append((path, rows))
        self.rows += rows
        self.nbytes += nbytes

    def finish(self) -> list[tuple[Path, int]]:
        """Close the last shard (or write one empty shard), rename to `train-i-of-N`, return (path, rows)."""
        self._flush_group()
        if self._writer is not None:
            self._close_shard()
        if not self.shards:
            # An empty table with the right schema, so loading never fails. No row group at all:
            # `datasets` cannot read a file holding one row group of zero rows.
            self._path = self.folder / "part-00000.parquet"
            self._writer = pq.ParquetWriter(self._path, self.schema, compression=self.config.compression)
            self._close_shard()
        n = len(self.shards)
        final = []
        for i, (path, rows) in enumerate(self.shards):
            target = self.folder / f"train-{i:05d}-of-{n:05d}.parquet"
            os.rename(path, target)
            final.append((target, rows))
        _fsync(self.folder)
        return final

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class VersionWriter:
    """Build a version in a temporary folder next to its final place, then rename it into place.

    Use it as a context manager: leaving the block without `commit` (an exception, a return) removes
    the temporary folder and publishes nothing.
    """

    def __init__(self, out_dir: Path, name: str, version: str | None, config: CleanerConfig, *,
                 parent: str | None = None, tool_version: str, rules_version: str):
        if config.shard_rows < 1 or config.row_group_rows < 1:
            raise ValueError(f"shard_rows and row_group_rows must be >= 1, got "
                             f"{config.shard_rows} and {config.row_group_rows}")
        self.name = check_name(name)
        self.base = Path(out_dir) / self.name
        self.version = check_version(version) if version is not None else next_version(out_dir, self.name)
        self.parent = check_version(parent, "parent version") if parent is not None else None
        self.config = config
        self.tool_version, self.rules_version = str(tool_version), str(rules_version)
        self.final = self.base / self.version
        if self.final.exists():
            raise VersionExistsError(errno.EEXIST, f"version {self.version!r} of {self.name!r} "
                                     f"already exists; published versions are never overwritten",
                                     str(self.final))
        self.base.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{self.version}-{os.getpid()}-", dir=self.base))
        self._tables = {cfg: _ShardedTable(self.tmp / folder, schema, config)
                        for cfg, folder, schema in tables.CONFIGS}
        self._inputs: dict[str, str] = {}
        self._extra_files: dict[str, int | None] = {}
        self._languages: set[str] = set()
        self._state = "open"

    def __enter__(self) -> "VersionWriter":
        return self

    def __exit__(self, *exc) -> None:
        if self._state == "open":
            self.abort()

    def _check_open(self) -> None:
        if self._state != "open":
            raise RuntimeError(f"version writer for {self.final} is already {self._state}")

    def add_articles(self, articles: Iterable[Article]) -> None:
        """Write articles (and their removals) in the order given, shard by shard."""
        self._check_open()
        data, removals = self._tables["default"], self._tables["removals"]
        for a in articles:
            data.add(tables.article_row(a))
            for r in a.removals:
                removals.add(tables.removal_row(a.id, r))
            if a.language and _LANG_RE.fullmatch(a.language):
                self._languages.add(a.language)

    def add_shards(self, cfg: str, pieces: Iterable[tuple[str, int, int]]) -> None:
        """Adopt shard files written by workers into this version's temporary folder, in order.

        Each piece is `(path relative to the version, rows, Arrow bytes)`, as `publish_shard`
        returns them; they get their final `train-i-of-N` names at commit like streamed shards.
        """
        self._check_open()
        table = self._tables[cfg]
        for rel, rows, nbytes in pieces:
            table.adopt(self.tmp / rel, int(rows), int(nbytes))

    def extra_file(self, rel: str) -> Path:
        """Where to write a file outside the table configs (say `dedup/entries.parquet`) in this version.

        Call `add_extra_file` once it is written, so the manifest lists it and `verify` checks it.
        """
        self._check_open()
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts or parts[0] in {f for _, f, _ in tables.CONFIGS} \
                or rel in (CARD, MANIFEST):
            raise ValueError(f"{rel!r} cannot be an extra file of a version")
        path = self.tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_extra_file(self, rel: str, rows: int | None = None) -> None:
        self._check_open()
        if not (self.tmp / rel).is_file():
            raise FileNotFoundError(errno.ENOENT, "extra file was not written", str(self.tmp / rel))
        self._extra_files[Path(rel).as_posix()] = rows

    def add_languages(self, languages: Iterable[str]) -> None:
        """Languages of adopted articles, for the card (invalid codes are ignored)."""
        self._languages.update(lang for lang in languages if lang and _LANG_RE.fullmatch(lang))

    def add_quarantined(self, items: Iterable[Quarantined]) -> None:
        self._check_open()
        table = self._tables["quarantine"]
        for q in items:
            table.add(tables.quarantine_row(q))

    def add_duplicates(self, items: Iterable[Duplicate]) -> None:
        self._check_open()
        table = self._tables["duplicates"]
        for d in items:
            if d.kind not in DUPLICATE_KINDS:
                raise ValueError(f"{d.source.where}: duplicate kind {d.kind!r} is not one of {DUPLICATE_KINDS}")
            table.add(tables.duplicate_row(d))

    def add_inputs(self, files: dict[str, str]) -> None:
        """Record input files (path as given -> sha256); the same path twice must have the same hash."""
        self._check_open()
        for path, sha in files.items():
            if self._inputs.get(path, sha) != sha:
                raise ValueError(f"{path}: input recorded twice with different sha256")
            self._inputs[path] = sha

    def commit(self, ledger: Ledger, extra_stats: dict | None = None) -> Path:
        """Write the card and manifest, flush everything to disk and rename the version into place.

        The ledger must agree with the rows written (published = article rows, and so on for
        quarantine and duplicates); a disagreement is a bug upstream and publishes nothing. An
        unbalanced ledger is published as such and the card says so.
        """
        self._check_open()
        try:
            return self._commit(ledger, dict(extra_stats or {}))
        except BaseException:
            self.abort()
            raise

    def _commit(self, ledger: Ledger, stats: dict) -> Path:
        shards = {cfg: t.finish() for cfg, t in self._tables.items()}
        rows = {cfg: t.rows for cfg, t in self._tables.items()}
        for cfg, count in (("default", ledger.published), ("quarantine", ledger.quarantined),
                           ("duplicates", ledger.duplicates)):
            if rows[cfg] != count:
                raise ValueError(f"ledger says {count} for {cfg!r} but {rows[cfg]} rows were written")
        files = []
        for cfg, written in shards.items():
            for path, n in written:
                files.append({"path": path.relative_to(self.tmp).as_posix(), "sha256": _sha256_file(path),
                              "bytes": path.stat().st_size, "rows": n})
        from cleaner.report import REPORT, write_report  # the build report, listed so that verify covers it
        write_report(self.tmp, ledger, self.name, self.version)
        self._extra_files[REPORT] = None
        for rel, n in sorted(self._extra_files.items()):
            path = self.tmp / rel
            _fsync(path)
            files.append({"path": rel, "sha256": _sha256_file(path), "bytes": path.stat().st_size, "rows": n})
        config_sha = self.config.fingerprint()
        manifest: dict[str, Any] = {
            "name": self.name, "version": self.version, "parent": self.parent,
            "tool": {"name": TOOL_NAME, "version": self.tool_version},
            "rules_version": self.rules_version,
            "config": self.config.to_dict(), "config_sha256": config_sha,
            "inputs": [{"path": p, "sha256": s} for p, s in sorted(self._inputs.items())],
            "files": None,
            "counts": ledger.to_dict(),
            "fingerprint": fingerprint(((f["path"], f["sha256"]) for f in files), config_sha),
            "stats": json.loads(json.dumps(stats, sort_keys=True, default=str)),
        }
        nbytes = {cfg: t.nbytes for cfg, t in self._tables.items()}
        card = _card(manifest, files, rows, nbytes, {cfg: len(s) for cfg, s in shards.items()},
                     sorted(self._languages))
        _write_bytes(self.tmp / CARD, card.encode())
        files.append({"path": CARD, "sha256": _sha256_file(self.tmp / CARD),
                      "bytes": (self.tmp / CARD).stat().st_size, "rows": None})
        manifest["files"] = sorted(files, key=lambda f: f["path"])
        _write_bytes(self.tmp / MANIFEST,
                     (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
        _fsync(self.tmp)
        if self.final.exists():
            raise self._exists()
        try:
            os.rename(self.tmp, self.final)
        except OSError as e:  # a non-empty target makes rename fail: someone published it meanwhile
            if e.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise self._exists() from e
            raise
        _fsync(self.base)
        self._state = "committed"
        return self.final

    def _exists(self) -> VersionExistsError:
        return VersionExistsError(errno.EEXIST, f"version {self.version!r} of {self.name!r} was published "
                                  "by another run while this one was building", str(self.final))

    def abort(self) -> None:
        """Drop everything written so far; nothing is published. Safe to call twice."""
        if self._state != "open":
            return
        self._state = "aborted"
        for t in self._tables.values():
            t.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _tally(title: str, what: str, counts: dict[str, int]) -> list[str]:
    lines = [f"## {title}", ""]
    if not counts:
        return lines + ["None.", ""]
    lines += [f"| {what} | count |", "|---|---:|"]
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {_cell(key)} | {n} |")
    return lines + [""]


def _size_category(n: int) -> str:
    """The Hub's size bucket for `n` rows.

    >>> _size_category(0), _size_category(999), _size_category(1000), _size_category(20_000)
    ('n<1K', 'n<1K', '1K<n<10K', '10K<n<100K')
    """
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return label
    return "n>10M"


def _card(m: dict, files: list[dict], rows: dict[str, int], nbytes: dict[str, int],
          shards: dict[str, int], languages: list[str]) -> str:
    """The dataset card: YAML front matter `datasets` reads, then counts and provenance in Markdown.

    Nothing here depends on where the version is written, so two builds give the same card.
    """
    header: dict[str, Any] = {"pretty_name": m["name"]}
    if languages:
        header["language"] = languages
    header["tags"] = ["news", "text"]
    header["size_categories"] = [_size_category(rows["default"])]
    header["configs"] = [
        {"config_name": cfg, **({"default": True} if cfg == "default" else {}),
         "data_files": [{"split": "train", "path": f"{folder}/train-*.parquet"}]}
        for cfg, folder, _ in tables.CONFIGS]
    header["dataset_info"] = [
        {"config_name": cfg, "features": tables.features_yaml(schema),
         "splits": [{"name": "train", "num_bytes": nbytes[cfg], "num_examples": rows[cfg]}],
         "download_size": sum(f["bytes"] for f in files if f["path"].startswith(folder + "/")),
         "dataset_size": nbytes[cfg]}
        for cfg, folder, schema in tables.CONFIGS]
    front = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    c = m["counts"]
    inputs_sha = hashlib.sha256("".join(f"{i['path']}\t{i['sha256']}\n" for i in m["inputs"]).encode()).hexdigest()
    where = f"path/to/{m['name']}/{m['version']}"
    empty = [cfg for cfg, _, _ in tables.CONFIGS if rows[cfg] == 0]
    lines = [
        "---", front.rstrip("\n"), "---", "",
        f"# {m['name']} {m['version']}", "",
        f"Cleaned news articles: {c['published']} published from {c['inputs']} input records, built by "
        f"{m['tool']['name']} {m['tool']['version']} with rule set {m['rules_version']}. Every removed "
        "piece of text is in the `removals` config, every rejected record (with its reasons and raw "
        "input) in `quarantine`, and every record left out as a repeat in `duplicates`.", "",
        "## Counts", "",
        "| outcome | records |", "|---|---:|",
        f"| inputs | {c['inputs']} |", f"| published | {c['published']} |",
        f"| quarantined | {c['quarantined']} |", f"| duplicates | {c['duplicates']} |", "",
        f"inputs = published + quarantined + duplicates: {c['inputs']} "
        f"{'=' if c['balanced'] else '!='} {c['published']} + {c['quarantined']} + {c['duplicates']}; "
        f"the ledger {'balances' if c['balanced'] else 'DOES NOT balance'}.", "",
        *_tally("Removals by category", "category", c["removals_by_category"]),
        *_tally("Quarantine by check", "check", c["quarantine_by_check"]),
        "## Files", "",
        "| config | folder | shards | rows |", "|---|---|---:|---:|",
        *[f"| {cfg} | {folder}/ | {shards[cfg]} | {rows[cfg]} |" for cfg, folder, _ in tables.CONFIGS],
        "",
        "`manifest.json` lists every file with its sha256, size and rows; `cleaner verify` re-checks them.", "",
        *([f"Configs with no rows ({', '.join(empty)}) hold one Parquet file with the schema only. "
           "`datasets` refuses to load a split with no examples (\"corresponds to no data\"); "
           "pandas and pyarrow read them as empty tables.", ""] if empty else []),
        "## Provenance", "",
        "| | |", "|---|---|",
        f"| tool | {m['tool']['name']} {_cell(m['tool']['version'])} |",
        f"| rules version | {_cell(m['rules_version'])} |",
        f"| config sha256 | `{m['config_sha256']}` |",
        f"| inputs | {len(m['inputs'])} files, list sha256 `{inputs_sha}` |",
        f"| fingerprint | `{m['fingerprint']}` |",
        f"| parent | {m['parent'] or 'none'} |", "",
    ]
    if m["stats"]:
        lines += ["## Build statistics", "", "| statistic | value |", "|---|---|"]
        lines += [f"| {_cell(k)} | {_cell(json.dumps(v, sort_keys=True))} |" for k, v in m["stats"].items()]
        lines.append("")
    lines += [
        "## How to load", "",
        "```python",
        "import datasets",
        f'articles = datasets.load_dataset("{where}")["train"]',
        f'removals = datasets.load_dataset("{where}", "removals")["train"]',
        f'quarantine = datasets.load_dataset("{where}", "quarantine")["train"]',
        f'duplicates = datasets.load_dataset("{where}", "duplicates")["train"]',
        "",
        "import pandas as pd",
        f'df = pd.read_parquet("{where}/data")',
        "```", "",
    ]
    return "\n".join(lines)


def verify(path: Path) -> list[str]:
    """Re-check a published version against its manifest; one message per problem, [] when all good.

    Reports a file whose bytes changed (`sha256 mismatch`), that was cut short or grew
    (`size A != B in manifest`), that is gone (`missing`), a file the manifest does not list, and a
    fingerprint that no longer matches the listed files.
    """
    root = Path(path)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["files"]
        listed = {e["path"]: e for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f"{MANIFEST}: unreadable ({type(e).__name__}: {e})"]
    problems = []
    for rel, e in sorted(listed.items()):
        p = root / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            problems.append(f"{rel}: path outside the version in manifest")
            continue
        if not p.is_file():
            problems.append(f"{rel}: missing")
            continue
        size = p.stat().st_size
        if size != e.get("bytes"):
            problems.append(f"{rel}: size {size} != {e.get('bytes')} in manifest")
        elif _sha256_file(p) != e.get("sha256"):
            problems.append(f"{rel}: sha256 mismatch")
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"extra file not in manifest: {rel}")
    data = [(e["path"], e["sha256"]) for e in entries if e["path"] != CARD]
    if fingerprint(data, manifest.get("config_sha256", "")) != manifest.get("fingerprint"):
        problems.append(f"{MANIFEST}: fingerprint does not match the listed files")
    return problems


# --- staged shards: what a worker writes before dedup decides what is published -------------------

STAGED_SUMMARY = "done.json"
STAGED_REMOVALS = tables.REMOVALS.append(pa.field("seq", pa.int64()))  # seq: the article's row in its shard


class _RowFile:
    """Rows of one schema written to one Parquet file a row group at a time (memory: one group)."""

    def __init__(self, path: Path, schema: pa.Schema, config: CleanerConfig):
        self.schema, self.group_rows, self.rows = schema, config.row_group_rows, 0
        self._group: list[dict] = []
        self._writer = pq.ParquetWriter(path, schema, compression=config.compression)

    def add(self, row: dict) -> None:
        self._group.append(row)
        if len(self._group) >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._group:
            return
        try:
            table = pa.Table.from_pylist(self._group, schema=self.schema)
        except UnicodeEncodeError:  # a lone surrogate: see tables.replace_surrogates
            table = pa.Table.from_pylist([tables.replace_surrogates(r) for r in self._group], schema=self.schema)
        self._writer.write_table(table, row_group_size=len(self._group))
        self.rows += len(self._group)
        self._group = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


class StagedShard:
    """What a worker made of one input shard before dedup: articles, removals, quarantine, dedup entries.

    It is written in `WORK/.shard-00012-<random>/` and renamed to `WORK/shard-00012/` once complete,
    with a summary in `done.json`: the folder is the done marker (as datatrove's completion files),
    so a run killed part way leaves finished shards to be reused and half-written ones to be redone.
    Use as a context manager; leaving it without `commit` removes the temporary folder.
    """

    def __init__(self, work: Path, index: int, config: CleanerConfig, entry_schema: pa.Schema):
        self.final = staged_path(work, index)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".shard-{index:05d}-", dir=work))
        self.articles = _RowFile(self.tmp / "articles.parquet", tables.ARTICLES, config)
        self.removals = _RowFile(self.tmp / "removals.parquet", STAGED_REMOVALS, config)
        self.quarantine = _RowFile(self.tmp / "quarantine.parquet", tables.QUARANTINE, config)
        self.entries = _RowFile(self.tmp / "entries.parquet", entry_schema, config)
        self._open = True

    def __enter__(self) -> "StagedShard":
        return self

    def __exit__(self, *exc) -> None:
        if self._open:
            self._close_files()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def add_article(self, a: Article, entry: dict) -> int:
        """Stage an article that met the contract and its dedup entry; return its row (`seq`)."""
        seq = self.articles.rows + len(self.articles._group)
        self.articles.add(tables.article_row(a))
        for r in a.removals:
            self.removals.add({**tables.removal_row(a.id, r), "seq": seq})
        self.entries.add({**entry, "seq": seq})
        return seq

    def add_quarantined(self, q: Quarantined) -> None:
        self.quarantine.add(tables.quarantine_row(q))

    def _close_files(self) -> None:
        for f in (self.articles, self.removals, self.quarantine, self.entries):
            f.close()

    def commit(self, summary: dict) -> Path:
        """Close the files, write the summary and rename the folder into place (the done marker)."""
        self._close_files()
        self._open = False
        _write_bytes(self.tmp / STAGED_SUMMARY, json.dumps(summary, sort_keys=True).encode())
        _fsync(self.tmp)
        if self.final.exists():  # a retried task (Dask may run one twice) finished first: keep that one
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            os.rename(self.tmp, self.final)
            _fsync(self.final.parent)
        return self.final


def staged_path(work: Path, index: int) -> Path:
    return Path(work) / f"shard-{index:05d}"


def staged_summary(work: Path, index: int) -> dict | None:
    """The summary of a finished staged shard, or None when it has not finished."""
    try:
        return json.loads((staged_path(work, index) / STAGED_SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def staged_entries(work: Path, index: int) -> pa.Table:
    """The dedup entries of a finished staged shard (small: no texts)."""
    return pq.read_table(staged_path(work, index) / "entries.parquet")


def publish_shard(work: Path, index: int, version_tmp: Path, duplicates: dict[int, tuple[str, float, str]],
                  config: CleanerConfig, clashes: dict[int, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Write the published pieces of one staged shard into a version's temporary folder.

    `duplicates` maps an article's `seq` to `(duplicate_of, similarity, kind)`: those rows go to the
    `duplicates` config instead of `data`, and their removals are left out. Each config gets pieces of
    at most `shard_rows` rows named `part-<shard>-<k>.parquet`; `VersionWriter.add_shards` adopts
    them and the commit names them `train-i-of-N`. The bytes depend only on the staged rows and the
    decisions, not on which worker writes them. Returns the pieces and the tallies the ledger needs.

    `clashes` maps the `seq` of an article whose id an earlier article of the build already has to
    `(reason, raw)`: it is quarantined under `id_unique`, as the contract does within one batch.
    """
    staged = staged_path(work, index)
    version_tmp = Path(version_tmp)
    # One thread: a worker is one core, and Arrow's per-thread allocator caches would grow its memory.
    articles = pq.read_table(staged / "articles.parquet", use_threads=False)
    removals = pq.read_table(staged / "removals.parquet", use_threads=False)
    quarantine = pq.read_table(staged / "quarantine.parquet", use_threads=False)
    for kind in {d[2] for d in duplicates.values()}:
        if kind not in DUPLICATE_KINDS:
            raise ValueError(f"shard {index}: duplicate kind {kind!r} is not one of {DUPLICATE_KINDS}")
    clashes = clashes or {}
    if clashes:
        quarantine = _quarantine_clashes(articles, quarantine, clashes)
        removals = removals.filter(pc.invert(pc.is_in(removals["seq"], value_set=pa.array(sorted(clashes), pa.int64()))))
    dup_seqs = sorted(duplicates)
    gone_seqs = sorted(set(dup_seqs) | set(clashes))
    if gone_seqs:
        mask = [True] * articles.num_rows
        for s in gone_seqs:
            mask[s] = False
        kept = articles.filter(pa.array(mask))
        gone = articles.take(pa.array(dup_seqs, pa.int64()))
        dups = pa.table({
            **_source_columns(gone),
            "duplicate_of": pa.array([duplicates[s][0] for s in dup_seqs], pa.string()),
            "similarity": pa.array([float(duplicates[s][1]) for s in dup_seqs], pa.float64()),
            "kind": pa.array([duplicates[s][2] for s in dup_seqs], pa.string()),
        }, schema=tables.DUPLICATES)
        removals = removals.filter(pc.invert(pc.is_in(removals["seq"], value_set=pa.array(dup_seqs, pa.int64()))))
    else:
        kept, dups = articles, tables.DUPLICATES.empty_table()
    removals = removals.drop_columns(["seq"])
    out: dict[str, Any] = {"pieces": {}}
    for cfg, folder, schema in tables.CONFIGS:
        table = {"default": kept, "removals": removals, "quarantine": quarantine, "duplicates": dups}[cfg]
        out["pieces"][cfg] = _write_pieces(table.cast(schema), version_tmp, folder, index, config)
    out["published"], out["duplicates"], out["clashes"] = kept.num_rows, dups.num_rows, len(clashes)
    out["removals_by_category"] = _counts(removals["category"])
    out["removals_by_rule"] = _counts(removals["rule"])
    out["languages"] = sorted(v for v in pc.unique(kept["language"]).to_pylist() if v)
    del articles, removals, quarantine, kept, dups, table
    pa.default_memory_pool().release_unused()
    return out


def _source_columns(rows: pa.Table) -> dict[str, pa.ChunkedArray]:
    """The id and provenance columns every table of records not published starts with."""
    return {name: rows[name] for name in ("id", "source_path", "source_sha256", "source_index", "source_format")}


def _quarantine_clashes(articles: pa.Table, quarantine: pa.Table, clashes: dict[int, tuple[str, str]]) -> pa.Table:
    """The staged quarantine with the id-clashing articles added after it (in input order among themselves)."""
    seqs = sorted(clashes)
    gone = articles.take(pa.array(seqs, pa.int64()))
    extra = pa.table({
        **_source_columns(gone),
        "stage": pa.array(["validate"] * len(seqs), pa.string()),
        "checks": pa.array([["id_unique"]] * len(seqs), pa.list_(pa.string())),
        "reasons": pa.array([[clashes[s][0]] for s in seqs], pa.list_(pa.string())),
        "raw": pa.array([clashes[s][1] for s in seqs], pa.string()),
    })
    return pa.concat_tables([quarantine, extra.cast(quarantine.schema)])


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    """How often each value occurs, counted in Arrow (no Python string per row)."""
    counts = pc.value_counts(column).flatten() if len(column) else [pa.array([]), pa.array([])]
    return dict(zip(counts[0].to_pylist(), counts[1].to_pylist()))


def _write_pieces(table: pa.Table, version_tmp: Path, folder: str, index: int,
                  config: CleanerConfig) -> list[tuple[str, int, int]]:
    """`table` as Parquet files of at most `shard_rows` rows, row groups of `row_group_rows`."""
    pieces = []
    for k, start in enumerate(range(0, table.num_rows, config.shard_rows)):
        piece = table.slice(start, config.shard_rows).combine_chunks()
        rel = f"{folder}/part-{index:05d}-{k:04d}.parquet"
        path = version_tmp / rel
        with pq.ParquetWriter(path, piece.schema, compression=config.compression) as writer:
            writer.write_table(piece, row_group_size=config.row_group_rows)
        _fsync(path)
        pieces.append((rel, piece.num_rows, piece.nbytes))
    return pieces

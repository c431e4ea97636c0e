"""Publish a versioned dataset: Parquet shards, a dataset card and a manifest, written atomically.

Only this module writes output. A version is built in `OUT/NAME/.tmp-VERSION-<pid>-<random>/` next to
its final place and renamed to `OUT/NAME/VERSION/` at commit, so a reader sees either the whole
version or none of it, and a killed run leaves only a `.tmp-*` folder that nothing reads.

The same records, config and versions give the same bytes: rows keep the order they were given,
shards and row groups have fixed sizes, and no wall-clock time or output path is written anywhere.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from collections import Counter
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.config import CleanerConfig
from cleaner.publish import tables
from cleaner.publish.card import dataset_card
from cleaner.publish.files import fsync, link_or_copy, sha256_file, write_bytes
from cleaner.publish.index import LATEST  # OUT/NAME/latest names the newest version; never a version's name
from cleaner.publish.manifest import CARD, MANIFEST, TOOL_NAME, fingerprint, table_files
from cleaner.language import disagrees
from cleaner.records import DUPLICATE_KINDS, Article, Duplicate, Ledger, Quarantined

TMP_PREFIX = ".tmp-"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_AUTO_RE = re.compile(r"^v([0-9]+)$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


def _umask() -> int:
    """The process umask (reading it means setting it; it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class VersionExistsError(FileExistsError):
    """The version folder is already there; published versions are never overwritten."""



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
    found = [p.name for p in base.iterdir()
             if p.name != LATEST and not p.is_symlink() and p.is_dir() and _VERSION_RE.fullmatch(p.name)]
    return sorted(found, key=_version_key)


def latest_version(out_dir: Path, name: str) -> str | None:
    """The latest published version of `name` under `out_dir`, or None when there is none."""
    found = _versions(out_dir, name)
    return found[-1] if found else None


def next_version(out_dir: Path, name: str) -> str:
    """`v1`, or one past the highest `vN` already published (other version names are skipped)."""
    numbers = [int(m.group(1)) for v in _versions(out_dir, name) if (m := _AUTO_RE.fullmatch(v))]
    return f"v{max(numbers, default=0) + 1}"


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
        fsync(self._path)
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
        fsync(self.folder)
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
        if self.version == LATEST:
            raise ValueError(f"version {LATEST!r} is not allowed: OUT/NAME/{LATEST} names the newest version")
        self.parent = check_version(parent, "parent version") if parent is not None else None
        self.config = config
        self.tool_version, self.rules_version = str(tool_version), str(rules_version)
        self.final = self.base / self.version
        if self.final.exists():
            raise VersionExistsError(errno.EEXIST, f"version {self.version!r} of {self.name!r} "
                                     f"already exists; published versions are never overwritten",
                                     str(self.final))
        self._parent_manifest: dict = {}
        if self.parent is not None:
            self._check_parent()
        self.inherited = 0                     # articles taken over from the parent (`inherit`)
        self._retracted: list[dict] = list(self._parent_manifest.get("retracted") or [])
        self.base.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{self.version}-{os.getpid()}-", dir=self.base))
        os.chmod(self.tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700; a version is read by others
        self._tables = {cfg: _ShardedTable(self.tmp / folder, schema, config)
                        for cfg, folder, schema in tables.CONFIGS}
        self._inputs: dict[str, str] = {}
        self._extra_files: dict[str, int | None] = {}
        self._languages: Counter[str] = Counter()
        self._mismatches: Counter[str] = Counter()
        self._state = "open"

    def _check_parent(self) -> None:
        """Refuse a parent that is this very version, is not published, or does not verify: dedup
        against it would be skipped silently, and the manifest would name a parent that is not there."""
        from cleaner.publish.manifest import verify

        if self.parent == self.version:
            raise ValueError(f"parent version {self.parent!r} is the version being built")
        folder = self.base / self.parent
        if not (folder / MANIFEST).is_file():
            raise ValueError(f"{folder}: parent version {self.parent!r} of {self.name!r} is not published")
        problems = verify(folder)
        if problems:
            raise ValueError(f"{folder}: parent version does not verify: {problems[0]}"
                             + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
        self._parent_manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))

    def inherit(self, exclude: Iterable[str] = ()) -> int:
        """Take over the parent's articles and their removals, but those whose id is in `exclude`:
        the snapshot. Returns how many articles were taken over.

        A parent shard that holds none of `exclude` is shared as it is (a hard link, `link_or_copy`),
        so a version costs only its new data on disk; one that does is written again without them.
        Call it before adding anything else: the parent's rows come first, in the parent's order.
        The parent's quarantine and duplicates are its own build's outcomes and stay there.
        """
        self._check_open()
        if self.parent is None:
            raise ValueError("inherit: this version has no parent")
        drop = pa.array(sorted(set(exclude)), pa.string())
        parent = self.base / self.parent
        for cfg, folder, key in (("default", "data", "id"), ("removals", "removals", "article_id")):
            table = self._tables[cfg]
            for k, source in enumerate(table_files(parent, folder)):
                target = table.folder / f"inherit-{k:05d}.parquet"
                meta = pq.read_metadata(source)
                hit = pc.is_in(pq.read_table(source, columns=[key])[key], value_set=drop) if len(drop) else None
                if hit is not None and pc.any(hit).as_py():
                    kept = pq.read_table(source).filter(pc.invert(hit))
                    if kept.num_rows:
                        with pq.ParquetWriter(target, kept.schema, compression=self.config.compression) as w:
                            w.write_table(kept, row_group_size=self.config.row_group_rows)
                        fsync(target)
                        table.adopt(target, kept.num_rows, kept.nbytes)
                elif meta.num_rows:
                    link_or_copy(source, target)
                    table.adopt(target, meta.num_rows,
                                sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)))
                if cfg == "default":
                    langs = pq.read_table(target, columns=["language", "declared_language"]) \
                        if target.exists() else None
                    if langs is not None:
                        from cleaner.publish.staging import _counts, language_mismatches
                        self.add_languages(_counts(langs["language"]), language_mismatches(langs))
        self.inherited = self._tables["default"].rows
        return self.inherited

    def retract(self, ids: Iterable[str], reason: str, at: str) -> None:
        """Record that this version leaves out `ids` (taken down for `reason` at `at`, ISO UTC).

        The list is carried to every child version's manifest, so the record of a takedown stays.
        """
        self._check_open()
        self._retracted.append({"version": self.version, "ids": sorted(set(ids)), "reason": str(reason), "at": str(at)})

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
                self._languages[a.language] += 1
            if disagrees(a):
                self._mismatches[f"{a.declared_language}>{a.language}"] += 1

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

    def add_languages(self, languages: Mapping[str, int], mismatches: Mapping[str, int] | None = None) -> None:
        """Languages of adopted articles with their counts, and the `declared>detected` pairs
        that disagreed, for the card (invalid codes are ignored)."""
        self._languages.update({lang: n for lang, n in languages.items() if lang and _LANG_RE.fullmatch(lang)})
        self._mismatches.update(mismatches or {})

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
        ledger.inherited = self.inherited
        for cfg, count in (("default", ledger.published + ledger.inherited), ("quarantine", ledger.quarantined),
                           ("duplicates", ledger.duplicates)):
            if rows[cfg] != count:
                raise ValueError(f"ledger says {count} for {cfg!r} but {rows[cfg]} rows were written")
        files = []
        for cfg, written in shards.items():
            for path, n in written:
                files.append({"path": path.relative_to(self.tmp).as_posix(), "sha256": sha256_file(path),
                              "bytes": path.stat().st_size, "rows": n})
        from cleaner.publish.report import REPORT, write_report  # the build report, listed so that verify covers it
        write_report(self.tmp, ledger, self.name, self.version)
        self._extra_files[REPORT] = None
        for rel, n in sorted(self._extra_files.items()):
            path = self.tmp / rel
            fsync(path)
            files.append({"path": rel, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": n})
        config_sha = self.config.fingerprint()
        manifest: dict[str, Any] = {
            "name": self.name, "version": self.version, "parent": self.parent,
            "tool": {"name": TOOL_NAME, "version": self.tool_version},
            "rules_version": self.rules_version,
            "config": self.config.to_dict(), "config_sha256": config_sha,
            "inputs": [{"path": p, "sha256": s} for p, s in sorted(self._inputs.items())],
            "files": None,
            "counts": ledger.to_dict(),
            "retracted": self._retracted,
            "fingerprint": None,
            "stats": json.loads(json.dumps(stats, sort_keys=True, default=str)),
        }
        manifest["fingerprint"] = fingerprint(((f["path"], f["sha256"]) for f in files), config_sha, manifest)
        nbytes = {cfg: t.nbytes for cfg, t in self._tables.items()}
        card = dataset_card(manifest, files, rows, nbytes, {cfg: len(s) for cfg, s in shards.items()},
                     dict(self._languages), dict(self._mismatches))
        write_bytes(self.tmp / CARD, card.encode())
        files.append({"path": CARD, "sha256": sha256_file(self.tmp / CARD),
                      "bytes": (self.tmp / CARD).stat().st_size, "rows": None})
        manifest["files"] = sorted(files, key=lambda f: f["path"])
        write_bytes(self.tmp / MANIFEST,
                     (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
        fsync(self.tmp)
        if self.final.exists():
            raise self._exists()
        try:
            os.rename(self.tmp, self.final)
        except OSError as e:  # a non-empty target makes rename fail: someone published it meanwhile
            if e.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise self._exists() from e
            raise
        fsync(self.base)
        self._state = "committed"
        from cleaner.publish.index import add_version
        add_version(self.base, manifest, latest_version(self.base.parent, self.name) or self.version)
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

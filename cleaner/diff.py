"""`cleaner diff OLD NEW`: what changed between two published versions.

Articles are matched by id (stable: the input's own id, or a hash of where the record came from and
what it said). An article is *changed* when any published field differs; the diff names the fields.
Removal counts by category and by rule, the counts ledger, and the settings, rule-set and tool
versions come from each version's `manifest.json`, so a changed rule or threshold is seen next to
what it did. Only hashes of the article fields are held, not the texts.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from cleaner.errors import CleanerError

COMPARED = ("title", "subtitle", "authors", "published", "url", "site_name", "language", "declared_language", "text",
            "captions", "credits", "extra")
LIST_LIMIT = 20


class NotAVersion(CleanerError, ValueError):
    """The folder is not a published version (no readable manifest.json)."""


@dataclass
class VersionDiff:
    old: str
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)     # id -> fields that differ
    unchanged: int = 0
    counts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    categories: dict[str, tuple[int, int]] = field(default_factory=dict)
    rules: dict[str, tuple[int, int]] = field(default_factory=dict)
    settings: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # only what differs

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed or self.settings
                    or any(a != b for a, b in self.counts.values()))

    def to_dict(self) -> dict:
        return {
            "old": self.old, "new": self.new,
            "articles": {"added": self.added, "removed": self.removed, "changed": self.changed,
                         "unchanged": self.unchanged},
            "counts": {k: {"old": a, "new": b} for k, (a, b) in self.counts.items()},
            "removals_by_category": {k: {"old": a, "new": b, "delta": b - a} for k, (a, b) in self.categories.items()},
            "removals_by_rule": {k: {"old": a, "new": b, "delta": b - a} for k, (a, b) in self.rules.items()},
            "settings": {k: {"old": a, "new": b} for k, (a, b) in self.settings.items()},
        }


def load_manifest(version: Path) -> dict:
    """The manifest of a version, or NotAVersion naming the folder and what is wrong with it."""
    try:
        manifest = json.loads((Path(version) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise NotAVersion(f"{version}: not a published version (manifest.json: {exc})") from None
    if not isinstance(manifest, dict):
        raise NotAVersion(f"{version}: not a published version (manifest.json is not an object)")
    for key in ("counts", "config", "tool"):
        if not isinstance(manifest.get(key, {}), dict):
            raise NotAVersion(f"{version}: manifest.json is malformed ({key!r} is not an object)")
    return manifest


def _digest(value: Any) -> bytes:
    return hashlib.blake2b(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass"),
                           digest_size=8).digest()


def article_digests(version: Path) -> dict[str, tuple[bytes, ...]]:
    """id -> one short hash per compared field, read shard by shard."""
    import pyarrow as pa

    out: dict[str, tuple[bytes, ...]] = {}
    from cleaner.publish.manifest import table_files   # a shared file may be stored in an older version

    for path in table_files(Path(version), "data"):
        try:
            pf = pq.ParquetFile(path)
            cols = [c for c in COMPARED if c in pf.schema_arrow.names]
            for batch in pf.iter_batches(columns=["id", *cols]):
                rows = batch.to_pydict()
                for i, aid in enumerate(rows["id"]):
                    out[aid] = tuple(_digest(rows[c][i]) if c in rows else b"" for c in COMPARED)
        except (pa.ArrowException, OSError, KeyError) as exc:
            raise NotAVersion(f"{path}: not a readable table of articles ({exc}); `cleaner verify` "
                              f"{version} names what changed") from None
    return out


def _flatten(d: dict, prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys.

    >>> _flatten({"a": 1, "b": {"c": 2}})
    {'a': 1, 'b.c': 2}
    """
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _pairs(old: dict[str, int], new: dict[str, int]) -> dict[str, tuple[int, int]]:
    keys = sorted(set(old) | set(new), key=lambda k: (-(abs(new.get(k, 0) - old.get(k, 0))), k))
    return {k: (old.get(k, 0), new.get(k, 0)) for k in keys}


def diff_versions(old: Path, new: Path) -> VersionDiff:
    """Compare two published versions (raises NotAVersion when a folder has no manifest)."""
    mo, mn = load_manifest(old), load_manifest(new)
    d = VersionDiff(f"{mo.get('name')}/{mo.get('version')}", f"{mn.get('name')}/{mn.get('version')}")
    a, b = article_digests(old), article_digests(new)
    d.added = sorted(set(b) - set(a))
    d.removed = sorted(set(a) - set(b))
    for aid in sorted(set(a) & set(b)):
        fields = [name for name, x, y in zip(COMPARED, a[aid], b[aid]) if x != y]
        if fields:
            d.changed[aid] = fields
        else:
            d.unchanged += 1
    co, cn = mo.get("counts", {}), mn.get("counts", {})
    d.counts = {k: (co.get(k), cn.get(k)) for k in ("inputs", "published", "quarantined", "duplicates")}
    d.categories = _pairs(co.get("removals_by_category", {}), cn.get("removals_by_category", {}))
    d.rules = _pairs(co.get("removals_by_rule", {}), cn.get("removals_by_rule", {}))
    so = {"rules_version": mo.get("rules_version"), "tool.version": (mo.get("tool") or {}).get("version"),
          "config_sha256": mo.get("config_sha256"), **_flatten(mo.get("config") or {}, "config.")}
    sn = {"rules_version": mn.get("rules_version"), "tool.version": (mn.get("tool") or {}).get("version"),
          "config_sha256": mn.get("config_sha256"), **_flatten(mn.get("config") or {}, "config.")}
    d.settings = {k: (so.get(k), sn.get(k)) for k in sorted(set(so) | set(sn)) if so.get(k) != sn.get(k)}
    return d


def _delta(a: int, b: int) -> str:
    return "0" if a == b else f"{b - a:+,}"


def print_diff(d: VersionDiff, console, limit: int = LIST_LIMIT) -> None:
    """The diff as rich tables: articles, counts, removals by category and rule, settings."""
    from rich.table import Table

    console.print(f"[bold]{d.old}[/] → [bold]{d.new}[/]", highlight=False)
    t = Table(title="Articles (matched by id)", title_justify="left")
    t.add_column("change"); t.add_column("articles", justify="right"); t.add_column("ids", overflow="fold")
    for what, ids in (("added", d.added), ("removed", d.removed), ("changed", list(d.changed))):
        shown = ", ".join(f"{i} ({', '.join(d.changed[i])})" if what == "changed" else i for i in ids[:limit])
        more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
        t.add_row(what, f"{len(ids):,}", shown + more)
    t.add_row("unchanged", f"{d.unchanged:,}", "")
    console.print(t)
    c = Table(title="Counts", title_justify="left")
    for col in ("outcome", "old", "new", "delta"):
        c.add_column(col, justify="left" if col == "outcome" else "right")
    for k, (a, b) in d.counts.items():
        c.add_row(k, f"{a}", f"{b}", _delta(a or 0, b or 0))
    console.print(c)
    for title, pairs in (("Removals by category", d.categories), ("Removals by rule", d.rules)):
        changed = {k: v for k, v in pairs.items() if v[0] != v[1]}
        r = Table(title=f"{title} ({len(changed)} changed of {len(pairs)})", title_justify="left")
        for col in (title.split()[-1], "old", "new", "delta"):
            r.add_column(col, justify="right" if col in ("old", "new", "delta") else "left")
        for k, (a, b) in pairs.items():
            r.add_row(k, f"{a:,}", f"{b:,}", _delta(a, b), style=None if a != b else "dim")
        console.print(r)
    if d.settings:
        s = Table(title="Settings, rules and tool that changed", title_justify="left")
        s.add_column("setting"); s.add_column("old", overflow="fold"); s.add_column("new", overflow="fold")
        for k, (a, b) in d.settings.items():
            s.add_row(k, json.dumps(a), json.dumps(b))
        console.print(s)
    else:
        console.print("Settings, rule set and tool version: unchanged.")

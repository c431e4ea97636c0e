"""Take articles down: `retract` publishes a new version without them; `purge` removes their text
from the versions before it.

A retraction is a version like any other (a snapshot of its parent, the newest version, minus the
retracted articles; every file it shares is a hard link), whose manifest and card record the ids,
the reason and the time. Their dedup entries (hashes, no text) stay in the version's
`dedup/entries.parquet`, so a later `--parent` build that is fed the same input again reports it as a
duplicate of the retracted article instead of publishing it again.

Older versions keep the text until `purge` is run: a takedown that must reach history is an
explicit act. `purge` rewrites, in every version, the files holding a retracted article (its row in
`data/`, its rows in `removals/` and `quarantine/`, and `report.html`, whose examples quote
articles), appends a purge record to the card and re-writes the manifest (files, fingerprint, and a
`purged` entry with the ids, reason, time and the fingerprint it had before), so `verify` passes
and says the truth: the version is no longer what was first published.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.config import CleanerConfig
from cleaner.dedup import ENTRIES_FILE
from cleaner.errors import CleanerError
from cleaner.publish.files import fsync, link_or_copy, sha256_file, write_bytes
from cleaner.publish.index import now_utc
from cleaner.publish.manifest import CARD, MANIFEST, fingerprint, stored, stored_files, table_files, verify
from cleaner.publish.version import VersionWriter, _versions, check_name, latest_version
from cleaner.records import Ledger


class UnknownArticles(CleanerError, ValueError):
    """Ids or URLs asked for that the newest version does not hold; nothing is published."""


def read_list(path: Path) -> list[str]:
    """The ids (or URLs) of a file, one a line; blank lines and `#` comments skipped, order kept, repeats once."""
    seen: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            seen.setdefault(line, None)
    return list(seen)


def _config_of(manifest: dict) -> CleanerConfig:
    """The parent's settings, so the retraction version records the settings its articles were built with."""
    known = set(CleanerConfig.__dataclass_fields__)
    return CleanerConfig(**{k: v for k, v in (manifest.get("config") or {}).items() if k in known})


def match_articles(version: Path, ids: list[str] = (), urls: list[str] = (), retracted: list[dict] = ()) -> list[str]:
    """The ids of `version`'s articles named by `ids` or by `urls` (every article of a URL); raises
    `UnknownArticles` naming each one it does not hold (and the version that retracted it, if one did)."""
    table = pq.read_table(table_files(Path(version), "data"), columns=["id", "url"])
    have = set(table["id"].to_pylist())
    by_url: dict[str, list[str]] = {}
    for aid, url in zip(table["id"].to_pylist(), table["url"].to_pylist()):
        if url:
            by_url.setdefault(url, []).append(aid)
    gone = {i: r["version"] for r in retracted for i in r["ids"]}
    found, unknown = [], []
    for i in ids:
        (found.append(i) if i in have else unknown.append(f"id {i}" + (f" (retracted in {gone[i]})" if i in gone else "")))
    for u in urls:
        (found.extend(by_url[u]) if u in by_url else unknown.append(f"url {u}"))
    if unknown:
        shown = "; ".join(unknown[:20]) + (f"; and {len(unknown) - 20} more" if len(unknown) > 20 else "")
        raise UnknownArticles(f"{version}: {len(unknown)} of the {len(ids) + len(urls)} asked for are not in this "
                              f"version, nothing was retracted: {shown}")
    return sorted(set(found))


def retract(out_dir: Path, name: str, *, ids: list[str] = (), urls: list[str] = (), reason: str,
            version: str | None = None, tool_version: str, rules_version: str) -> tuple[Path, list[str]]:
    """Publish the next version of `name`: the newest one without the articles named; return it and the ids."""
    if not str(reason).strip():
        raise ValueError("a retraction needs a --reason")
    if not ids and not urls:
        raise ValueError("nothing to retract: the ids or urls file is empty")
    name = check_name(name)
    parent = latest_version(Path(out_dir), name)
    if parent is None:
        raise ValueError(f"{Path(out_dir) / name}: no published version to retract from")
    manifest = json.loads((Path(out_dir) / name / parent / MANIFEST).read_text(encoding="utf-8"))
    found = match_articles(Path(out_dir) / name / parent, list(ids), list(urls), manifest.get("retracted") or [])
    with VersionWriter(Path(out_dir), name, version, _config_of(manifest), parent=parent,
                       tool_version=tool_version, rules_version=rules_version) as writer:
        writer.inherit(exclude=found)
        writer.retract(found, reason, now_utc())
        entries = Path(out_dir) / name / parent / ENTRIES_FILE
        if entries.is_file():  # the retracted articles' entries stay: fed again, they are duplicates
            link_or_copy(entries, writer.extra_file(ENTRIES_FILE))
            writer.add_extra_file(ENTRIES_FILE, pq.read_metadata(entries).num_rows)
        return writer.commit(Ledger(), {"retracted": len(found)}), found


# --- purge ------------------------------------------------------------------------------------------

#: Tables that can hold an article's text, and the column naming the article.
PURGED_TABLES = (("data", "id"), ("removals", "article_id"), ("quarantine", "id"))


@dataclass
class PurgePlan:
    """What `purge` deletes from one version: `{file: (rows deleted, ids)}`."""

    version: str
    files: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return sorted({i for _, ids in self.files.values() for i in ids})


def purge_plan(base: Path, ids: set[str]) -> list[PurgePlan]:
    """For each version of the dataset folder `base`, the files and rows that hold any of `ids`."""
    plans = []
    drop = pa.array(sorted(ids), pa.string())
    for v in _versions(base.parent, base.name):
        plan = PurgePlan(v)
        for folder, key in PURGED_TABLES:
            for rel, path in stored_files(base / v, folder):
                col = pq.read_table(path, columns=[key])[key]
                hit = pc.is_in(col, value_set=drop)
                n = pc.sum(hit).as_py() or 0
                if n:
                    plan.files[rel] = (n, sorted(set(pc.filter(col, hit).to_pylist())))
        if plan.files:
            plans.append(plan)
    return plans


def retracted_ids(base: Path) -> tuple[set[str], list[dict]]:
    """Every id the newest version records as retracted, and those records."""
    newest = latest_version(base.parent, base.name)
    if newest is None:
        raise ValueError(f"{base}: no published version")
    records = json.loads((base / newest / MANIFEST).read_text(encoding="utf-8")).get("retracted") or []
    return {i for r in records for i in r["ids"]}, records


def purge(base: Path, plans: list[PurgePlan], records: list[dict]) -> None:
    """Carry out `plans`: rewrite each listed file without the rows, then the report, card and manifest.

    Each new file is written beside the old and renamed over it, which also ends its sharing with
    other versions (they are purged in the same pass). A version must verify before it is touched.
    """
    for plan in plans:
        folder = base / plan.version
        problems = verify(folder)
        if problems:
            raise ValueError(f"{folder}: does not verify, not purged: {problems[0]}")
    why = {i: r for r in records for i in r["ids"]}
    rewritten: dict[tuple[int, int], Path] = {}   # (device, inode) of a file before -> its purged copy
    for plan in plans:
        _purge_version(base / plan.version, plan, why, rewritten)


def _recount_card(card: str, folder: Path, changed: set[str]) -> str:
    """The card with the YAML sizes of the `changed` table folders counted again: `datasets` checks a
    split's `num_examples` against the rows it reads and refuses a card that disagrees."""
    import yaml

    from cleaner.publish import tables

    _, front, body = card.split("---\n", 2)
    header = yaml.safe_load(front)
    folders = {cfg: folder_ for cfg, folder_, _ in tables.CONFIGS}
    for info in header.get("dataset_info", []):
        name = folders.get(info.get("config_name"))
        if name in changed:
            files = table_files(folder, name)
            table = pq.read_table(files)
            info["splits"][0].update(num_bytes=table.nbytes, num_examples=table.num_rows)
            info["dataset_size"] = table.nbytes
            info["download_size"] = sum(p.stat().st_size for p in files)
    dumped = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{dumped}---\n{body}"


def _purge_version(folder: Path, plan: PurgePlan, why: dict[str, dict], rewritten: dict[tuple[int, int], Path]) -> None:
    """Purge one version. A file it shared with a version purged before (the same inode) becomes a
    link to that version's purged copy, so the versions go on sharing it; the ids are the same
    in one pass, so the purged bytes are too."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    config = _config_of(manifest)
    drop = pa.array(sorted({i for r in why.values() for i in r["ids"]} | set(plan.ids)), pa.string())
    by_path = {f["path"]: f for f in manifest["files"]}
    for rel in plan.files:
        key = dict(PURGED_TABLES)[rel.split("/", 1)[0]]
        source = stored(folder, by_path[rel])
        if source != folder / rel:     # stored in an older version (a synced copy of a store): this one's own now
            by_path[rel].pop("object")
        st = source.stat()
        tmp = folder / f"{rel}.purge"
        done = rewritten.get((st.st_dev, st.st_ino))
        if done is not None:
            tmp.unlink(missing_ok=True)
            link_or_copy(done, tmp)
        else:
            table = pq.read_table(source)
            kept = table.filter(pc.invert(pc.is_in(table[key], value_set=drop)))
            with pq.ParquetWriter(tmp, kept.schema, compression=config.compression) as w:
                w.write_table(kept, row_group_size=config.row_group_rows)
            fsync(tmp)
        os.replace(tmp, folder / rel)
        rewritten[(st.st_dev, st.st_ino)] = folder / rel
        now = (folder / rel).stat()
        rewritten[(now.st_dev, now.st_ino)] = folder / rel   # a later version naming this object, already purged
    from cleaner.publish.report import REPORT, write_report
    counts = manifest["counts"]
    led = Ledger(**{k: counts.get(k, 0) for k in ("inputs", "published", "quarantined", "duplicates", "inherited")},
                 removals_by_category=counts.get("removals_by_category", {}),
                 removals_by_rule=counts.get("removals_by_rule", {}),
                 quarantine_by_check=counts.get("quarantine_by_check", {}))
    write_report(folder, led, manifest["name"], manifest["version"])
    reasons = sorted({(why[i]["version"], why[i]["reason"]) for i in plan.ids if i in why})
    at = now_utc()
    card = _recount_card((folder / CARD).read_text(encoding="utf-8"), folder, {rel.split("/", 1)[0] for rel in plan.files})
    card = card.rstrip("\n") + "\n\n" + "\n".join([
        "## Purged", "",
        f"On {at}, {len(plan.ids)} retracted articles were removed from this version by `cleaner purge` "
        f"(retracted in {', '.join(f'{v}: {r}' for v, r in reasons) or 'an unrecorded version'}); the "
        "counts above are those it was built with. Purged ids: " + ", ".join(plan.ids) + ".", ""])
    write_bytes(folder / CARD, card.encode())
    deleted: dict[str, int] = {}
    for rel, (n, _) in plan.files.items():
        deleted[rel.split("/", 1)[0]] = deleted.get(rel.split("/", 1)[0], 0) + n
    manifest.setdefault("purged", []).append({
        "ids": plan.ids, "at": at, "files": sorted(plan.files), "deleted_rows": dict(sorted(deleted.items())),
        "previous_fingerprint": manifest["fingerprint"],
        "retracted_in": sorted({why[i]["version"] for i in plan.ids if i in why})})
    for rel in [*plan.files, REPORT, CARD]:
        path = folder / rel
        by_path[rel].update(sha256=sha256_file(path), bytes=path.stat().st_size,
                            rows=pq.read_metadata(path).num_rows if rel.endswith(".parquet") else by_path[rel]["rows"])
    data = [(f["path"], f["sha256"]) for f in manifest["files"] if f["path"] != CARD]
    manifest["fingerprint"] = fingerprint(data, manifest["config_sha256"], manifest)
    tmp = folder / f".{MANIFEST}.purge"
    write_bytes(tmp, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    os.replace(tmp, folder / MANIFEST)
    fsync(folder)

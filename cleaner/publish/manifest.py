"""The manifest of a version: its fingerprint, where each file's bytes are, and `verify`, which
re-checks a version against it.

Each entry of `files` names a file of the version (`path`, relative to its folder) with its sha256,
bytes and rows. A file the version shares unchanged with an older version of the same dataset is
stored once: on a local disk as a hard link (so it is at `path` too), and on object storage, which
has no links, by reference: the entry's `object` names the object holding the bytes, relative to the
version's folder, `../v1/data/train-00000-of-00002.parquet` (always the version that first stored
them, so references never chain). `stored` and `table_files` read a version either way, and so
does everything that reads one (`verify`, `data_files`, `diff`, `inherit`, `retract`, `purge`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Iterable

from cleaner.publish.files import sha256_file

TOOL_NAME = "news-cleaner"
MANIFEST = "manifest.json"
CARD = "README.md"


#: Manifest fields the fingerprint covers besides the files and the config hash: what a reader
#: trusts the manifest for, so editing any of them afterwards is caught by `verify`.
PROVENANCE = ("name", "version", "parent", "tool", "rules_version", "inputs", "counts", "stats", "retracted", "purged")

#: Folder of a version -> the ledger count its Parquet rows must add up to.
COUNTED = {"data": "published", "quarantine": "quarantined", "duplicates": "duplicates"}

_VERSION_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def is_reference(obj: object) -> bool:
    """True for an `object` that names a file of a sibling version: `../VERSION/PATH`, PATH inside it.

    >>> is_reference("../v1/data/train-00000-of-00002.parquet"), is_reference("../../x/y"), is_reference("../v1/../v2/a")
    (True, False, False)
    """
    if not isinstance(obj, str):
        return False
    parts = obj.split("/")
    return (len(parts) >= 3 and parts[0] == ".." and bool(_VERSION_PART.fullmatch(parts[1]))
            and all(p not in ("", ".", "..") for p in parts[2:]))


def stored(version: Path, entry: dict) -> Path:
    """Where the bytes of a listed file are on disk: the file at its path in the version (written
    there, a hard link, a downloaded copy), else the object its entry names in a sibling version
    (a dataset folder synced from object storage holds each shared file once, where it was stored)."""
    here = Path(version) / entry["path"]
    if is_reference(entry.get("object")) and not here.is_file():
        return Path(os.path.normpath(Path(version) / entry["object"]))
    return here


def stored_files(version: Path, folder: str) -> list[tuple[str, Path]]:
    """`(path in the version, where its bytes are)` of the Parquet files of one table folder of a
    version (`data`, `removals`, ...), in the manifest's order, which is the version's row order."""
    manifest = json.loads((Path(version) / MANIFEST).read_text(encoding="utf-8"))
    return [(f["path"], stored(version, f)) for f in sorted(manifest["files"], key=lambda f: f["path"])
            if f["path"].startswith(folder + "/") and f["path"].endswith(".parquet")]


def table_files(version: Path, folder: str) -> list[Path]:
    """Where the Parquet files of one table folder of a version are, in row order (`stored_files`)."""
    return [p for _, p in stored_files(version, folder)]


def fingerprint(files: Iterable[tuple[str, str]], config_sha256: str, provenance: dict | None = None) -> str:
    """sha256 over the sorted (path, sha256) of the data files, the config hash and the provenance
    fields of the manifest (`PROVENANCE`: inputs and their hashes, tool, counts...).

    >>> fingerprint([("b", "2"), ("a", "1")], "c") == fingerprint([("a", "1"), ("b", "2")], "c")
    True
    >>> fingerprint([], "c", {"inputs": []}) == fingerprint([], "c", {"inputs": [{"path": "x"}]})
    False
    """
    h = hashlib.sha256()
    for path, sha in sorted(files):
        h.update(f"{path}\t{sha}\n".encode())
    h.update(config_sha256.encode())
    if provenance:
        h.update(json.dumps({k: provenance.get(k) for k in PROVENANCE}, sort_keys=True,
                            ensure_ascii=True, separators=(",", ":")).encode())
    return h.hexdigest()


def config_sha256(config: object) -> str:
    """The hash `CleanerConfig.fingerprint` gives, from the config as the manifest stores it."""
    blob = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def verify(path: Path) -> list[str]:
    """Re-check a published version against its manifest, and the manifest against itself; one
    message per problem, [] when all good.

    Files: a file whose bytes changed (`sha256 mismatch`), that was cut short or grew (`size A != B
    in manifest`), that is gone (`missing`), that the manifest does not list, a Parquet file that
    does not read or whose rows are not the manifest's. The manifest: malformed entries, a tool
    that is not this one, a `config` that no longer hashes to `config_sha256`, counts that do not
    add up or disagree with the rows of the tables, and a fingerprint that does not match the
    files, the config and the provenance (inputs, counts, tool...), which catches any other edit.
    """
    root = Path(path)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as e:
        return [f"{MANIFEST}: unreadable ({type(e).__name__}: {e})"]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return [f"{MANIFEST}: unreadable (not an object with a list of files)"]
    problems: list[str] = []
    listed: dict[str, dict] = {}
    for n, e in enumerate(manifest["files"]):
        if not (isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)
                and isinstance(e.get("bytes"), int) and (e.get("rows") is None or isinstance(e.get("rows"), int))):
            problems.append(f"{MANIFEST}: files[{n}] is malformed (needs path, sha256, bytes, rows)")
            continue
        if "object" in e and not is_reference(e["object"]):
            problems.append(f"{e['path']}: object {e['object']!r} is not a file of another version of this dataset")
            continue
        listed[e["path"]] = e
    rows_in: dict[str, int] = {}
    for rel, e in sorted(listed.items()):
        found = _check_file(root, rel, e, rows_in)
        if found and rel.endswith(".parquet"):
            rows_in[rel.split("/", 1)[0]] = -1   # a damaged table is named once; its rows are not counted
        problems += found
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"extra file not in manifest: {rel}")
    problems += _check_manifest(manifest, rows_in)
    data = [(rel, e["sha256"]) for rel, e in listed.items() if rel != CARD]
    if fingerprint(data, str(manifest.get("config_sha256", "")), manifest) != manifest.get("fingerprint"):
        problems.append(f"{MANIFEST}: fingerprint does not match the listed files")
    return problems


def _check_file(root: Path, rel: str, entry: dict, rows_in: dict[str, int]) -> list[str]:
    """Problems of one listed file; adds the rows of a good Parquet file to `rows_in[folder]`."""
    if Path(rel).is_absolute() or ".." in Path(rel).parts:
        return [f"{rel}: path outside the version in manifest"]
    p = stored(root, entry)
    if not p.is_file():
        return [f"{rel}: missing" + (f" (stored at {entry['object']})" if "object" in entry else "")]
    size = p.stat().st_size
    if size != entry["bytes"]:
        return [f"{rel}: size {size} != {entry['bytes']} in manifest"
                + (f" (stored at {entry['object']})" if p != root / rel else "")]
    if sha256_file(p) != entry["sha256"]:
        return [f"{rel}: sha256 mismatch" + (f" (stored at {entry['object']})" if p != root / rel else "")]
    if not rel.endswith(".parquet"):
        return []
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.read_metadata(p).num_rows
    except (pa.ArrowException, OSError) as e:
        return [f"{rel}: not a readable Parquet file ({e})"]
    if entry["rows"] is not None and rows != entry["rows"]:
        return [f"{rel}: {rows} rows != {entry['rows']} in manifest"]
    folder = rel.split("/", 1)[0]
    if rows_in.get(folder) != -1:
        rows_in[folder] = rows_in.get(folder, 0) + rows
    return []


def _check_manifest(manifest: dict, rows_in: dict[str, int]) -> list[str]:
    """What the manifest says that contradicts itself or the tables' rows."""
    problems = []
    tool = manifest.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != TOOL_NAME:
        problems.append(f"{MANIFEST}: tool is {tool!r}, not {TOOL_NAME}")
    if config_sha256(manifest.get("config")) != manifest.get("config_sha256"):
        problems.append(f"{MANIFEST}: config does not match config_sha256")
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(counts.get(k), int) and not isinstance(counts.get(k), bool)
                                               for k in ("inputs", *COUNTED.values())):
        return problems + [f"{MANIFEST}: counts are malformed"]
    outcomes = sum(counts[k] for k in COUNTED.values())
    if (counts["inputs"] == outcomes) != counts.get("balanced"):
        problems.append(f"{MANIFEST}: counts say balanced={counts.get('balanced')!r} but inputs "
                        f"{counts['inputs']} != published + quarantined + duplicates {outcomes}"
                        if counts["inputs"] != outcomes else f"{MANIFEST}: counts balance but say balanced=false")
    inherited = counts.get("inherited", 0)
    if not isinstance(inherited, int) or isinstance(inherited, bool):
        return problems + [f"{MANIFEST}: counts.inherited is malformed"]
    for folder, key in COUNTED.items():
        purged = sum(int(p.get("deleted_rows", {}).get(folder, 0)) for p in manifest.get("purged") or ()
                     if isinstance(p, dict) and isinstance(p.get("deleted_rows"), dict))
        expected = counts[key] + (inherited if key == "published" else 0) - purged
        if rows_in.get(folder, -1) != -1 and rows_in[folder] != expected:
            extra = f" + inherited {inherited}" if key == "published" and inherited else ""
            extra += f" - purged {purged}" if purged else ""
            problems.append(f"{MANIFEST}: counts.{key} is {counts[key]}{extra} but {folder}/ holds {rows_in[folder]} rows")
    return problems

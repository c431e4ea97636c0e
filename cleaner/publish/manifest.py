"""The manifest of a version: its fingerprint, and `verify`, which re-checks a version against it."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

from cleaner.publish.files import sha256_file

TOOL_NAME = "news-cleaner"
MANIFEST = "manifest.json"
CARD = "README.md"


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
        elif sha256_file(p) != e.get("sha256"):
            problems.append(f"{rel}: sha256 mismatch")
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"extra file not in manifest: {rel}")
    data = [(e["path"], e["sha256"]) for e in entries if e["path"] != CARD]
    if fingerprint(data, manifest.get("config_sha256", "")) != manifest.get("fingerprint"):
        problems.append(f"{MANIFEST}: fingerprint does not match the listed files")
    return problems


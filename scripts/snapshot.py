#!/usr/bin/env python3
"""Pin what `cleaner clean` writes for every page of the shared benchmarks, one hash a page.

    python scripts/snapshot.py            # compare with tests/snapshots/clean.json, list what changed
    python scripts/snapshot.py --update   # write it anew (after a deliberate change; say why in the commit)

Each benchmark's pages are copied into a temporary folder under their own names (`<id>.html`,
as the scorers do), cleaned by `python -m cleaner clean` in a subprocess, and every output record
is hashed without `source_path` (which names the temporary folder). A page that the cleaner
refuses is pinned by its message. `tests/test_snapshot.py` runs the comparison.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout, or beside the folder of checkouts (a git worktree in wt/NAME)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
SNAPSHOT = ROOT / "tests" / "snapshots" / "clean.json"
SETS = {
    "seeds": SHARED / "corpus" / "seeds",
    "scrapinghub": SHARED / "benchmarks" / "scrapinghub" / "html",
    "readability-en": SHARED / "benchmarks" / "readability-en" / "html",
    "trafilatura-dev": SHARED / "benchmarks" / "trafilatura-dev" / "html",
}


def _digest(record: dict) -> str:
    record = {k: v for k, v in record.items() if k != "source_path"}
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def clean_set(folder: Path) -> dict[str, str]:
    """`cleaner clean` over one benchmark's pages: {page name: hash of its output record or message}."""
    with tempfile.TemporaryDirectory() as td:
        src = Path(td) / "src"
        src.mkdir()
        for page in sorted(folder.iterdir()):
            name = page.name[:-3] if page.name.endswith(".gz") else page.name
            data = gzip.decompress(page.read_bytes()) if page.name.endswith(".gz") else page.read_bytes()
            (src / name).write_bytes(data)
        out = Path(td) / "out.jsonl"
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--workers", "1"],
                              capture_output=True, text=True, env=env, cwd=td)
        if proc.returncode not in (0, 1) or not out.exists():
            raise RuntimeError(f"cleaner clean failed on {folder}: {proc.returncode} {proc.stderr[-2000:]}")
        got: dict[str, str] = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            got[Path(rec["source_path"]).name] = _digest(rec)
        for line in proc.stderr.splitlines():
            head, _, message = line.partition(": ")
            name = Path(head.rsplit(":", 1)[0]).name
            if name and name not in got and message:
                got[name] = "refused: " + message.replace(str(src), "SRC")
        return dict(sorted(got.items()))


def snapshot() -> dict[str, dict[str, str]]:
    return {name: clean_set(folder) for name, folder in SETS.items()}


def changes(old: dict, new: dict) -> list[str]:
    """What differs between two snapshots, one line a page."""
    out = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, {}), new.get(name, {})
        out += [f"{name}/{page}: {a.get(page)} -> {b.get(page)}" for page in sorted(set(a) | set(b)) if a.get(page) != b.get(page)]
    return out


def main() -> int:
    new = snapshot()
    if "--update" in sys.argv:
        SNAPSHOT.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {SNAPSHOT} ({sum(map(len, new.values()))} pages)")
        return 0
    diff = changes(json.loads(SNAPSHOT.read_text(encoding="utf-8")), new)
    print("\n".join(diff) or "no change", f"\n{len(diff)} pages changed")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())

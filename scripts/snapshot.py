#!/usr/bin/env python3
"""Pin what `cleaner clean` writes for every page of the shared benchmarks, one hash a page.

    python scripts/snapshot.py            # compare with tests/snapshots/clean.json, list what changed
    python scripts/snapshot.py --update   # write it anew (after a deliberate change; say why in the commit)

Each benchmark's pages are copied into a temporary folder under their own names (`<id>.html`,
as the scorers do), cleaned by `python -m cleaner clean` in a subprocess, and every output record
is hashed without `source_path` (which names the temporary folder). A page that the cleaner
refuses is pinned by its message. `tests/test_snapshot.py` runs the comparison.

The text path is pinned too (`TEXT_SETS`): each page of a benchmark as page text (BeautifulSoup's
`get_text`, which needs nothing beyond the run-time dependencies, so CI makes the same texts), three
copies a page with some body words varied as `bench_speed.py` varies them, in one JSONL file, so that
the site's recurring lines (crossdoc) count as they do in a crawl. Those records are pinned by id.
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
#: Benchmarks whose pages are also pinned as page text (`page_texts`).
TEXT_SETS = ("scrapinghub", "readability-en")
TEXT_COPIES = 3


def _digest(record: dict) -> str:
    record = {k: v for k, v in record.items() if k != "source_path"}
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _pages(folder: Path):
    """(file name, bytes) of each page of a benchmark folder, gzip undone."""
    for page in sorted(folder.iterdir()):
        gz = page.name.endswith(".gz")
        yield (page.name[:-3] if gz else page.name), (gzip.decompress(page.read_bytes()) if gz else page.read_bytes())


def page_texts(folder: Path) -> str:
    """JSONL of `TEXT_COPIES` varied page-text records a page (ids `<page>~<k>`), as `TEXT_SETS` says."""
    from bs4 import BeautifulSoup

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_speed import _vocabulary, vary

    templates = []
    for name, data in _pages(folder):
        soup = BeautifulSoup(data, "lxml")
        for e in soup(["script", "style", "noscript", "template"]):
            e.decompose()
        text = "\n".join(line.strip() for line in soup.get_text("\n").splitlines())
        templates.append((name, {"url": f"https://site-{len(templates) % 7}.example/{name}", "text": text}))
    vocab = _vocabulary([t for _, t in templates])
    return "".join(json.dumps({**vary(t, k, vocab), "id": f"{name}~{k}"}, ensure_ascii=False) + "\n"
                   for k in range(TEXT_COPIES) for name, t in templates)


def clean_set(folder: Path, as_text: bool = False) -> dict[str, str]:
    """`cleaner clean` over one benchmark's pages: {page name: hash of its output record or message};
    `as_text`: over their `page_texts`, {record id: hash}."""
    with tempfile.TemporaryDirectory() as td:
        src = Path(td) / "src"
        src.mkdir()
        if as_text:
            (src / "pages.jsonl").write_text(page_texts(folder), encoding="utf-8")
        else:
            for name, data in _pages(folder):
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
            got[rec["id"] if as_text else Path(rec["source_path"]).name] = _digest(rec)
        for line in proc.stderr.splitlines():
            head, _, message = line.partition(": ")
            name = Path(head.rsplit(":", 1)[0]).name
            if name and name not in got and message:
                got[name] = "refused: " + message.replace(str(src), "SRC")
        return dict(sorted(got.items()))


def snapshot() -> dict[str, dict[str, str]]:
    pinned = {name: clean_set(folder) for name, folder in SETS.items()}
    return pinned | {f"{name} (page text)": clean_set(SETS[name], as_text=True) for name in TEXT_SETS}


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

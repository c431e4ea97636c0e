#!/usr/bin/env python3
"""trafilatura's snippet metric on page text: the multilingual pages as a scraper's plain text.

`../shared/bench/snippetbench.py` scores HTML extraction; a pipeline that gets plain text (a
crawler's page-to-text output, a feed of `text` fields) needs the same pages scored as text. Each
page of the set is reduced to its visible text, one block a line, by the shared scorer's own
conversion (`htmlbench.page_text`, inscriptis when installed), and cleaned as a `.txt` file; the
output is scored as snippetbench scores it: each `with` snippet found (whitespace-normalised
substring) is a true positive, each missed a false negative, each `without` snippet found a false
positive, summed over the pages.

Peers get the same texts: identity (keep everything), datatrove's C4 line filter, and jusText and
trafilatura through `htmlbench.extract_text` (each line wrapped as a paragraph, as htmlbench
--as-text does).

    python scripts/bench_snippets_text.py                               # trafilatura-dev, every system
    python scripts/bench_snippets_text.py --systems project identity c4
    python scripts/bench_snippets_text.py --list                        # the project's misses and leaks
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("project", "identity", "c4", "justext", "trafilatura")


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def page_texts(shared: Path, bench: str) -> tuple[dict, dict[str, str]]:
    """The gold and each page's text, converted by the shared scorer's own function."""
    sys.path.insert(0, str(shared / "bench"))
    import htmlbench

    folder = shared / "benchmarks" / bench
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return gold, {k: htmlbench.page_text(gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes())) for k in gold}


def run_project(texts: dict[str, str]) -> tuple[dict[str, str], float]:
    exe = shutil.which("cleaner")
    cmd = [exe] if exe else [sys.executable, "-m", "cleaner"]
    with tempfile.TemporaryDirectory() as td:
        src = Path(td) / "src"
        src.mkdir()
        for k, t in texts.items():
            (src / f"{k}.txt").write_text(t, encoding="utf-8")
        out = Path(td) / "out.jsonl"
        t0 = time.perf_counter()
        subprocess.run(cmd + ["clean", str(src), "-o", str(out)], capture_output=True, text=True)
        dt = time.perf_counter() - t0
        pred = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            pred[Path(rec["source_path"]).name.split(".")[0]] = rec.get("text") or ""
    return pred, dt


def run_peer(system: str, texts: dict[str, str], gold: dict) -> tuple[dict[str, str], float]:
    import htmlbench

    pred = {}
    t0 = time.perf_counter()
    for k, t in texts.items():
        try:
            pred[k] = htmlbench.extract_text(system, t, gold[k].get("url")) or ""
        except Exception as e:  # a peer that fails on a page scores nothing there
            print(f"{system} failed on {k}: {e!r}", file=sys.stderr)
    return pred, time.perf_counter() - t0


def score(gold: dict, pred: dict[str, str], listing: bool = False) -> dict[str, float]:
    tp = fp = fn = 0
    for k, item in sorted(gold.items()):
        res = _norm(pred.get(k))
        missed = [w for w in item["with"] if k not in pred or _norm(w) not in res]
        leaked = [w for w in item["without"] if k in pred and _norm(w) in res]
        tp += len(item["with"]) - len(missed)
        fn += len(missed)
        fp += len(leaked)
        if listing and (missed or leaked):
            print(k, item.get("url", ""), "missed:", missed, "leaked:", leaked)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0, "p": p, "r": r}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder with bench/ and benchmarks/")
    ap.add_argument("--bench", default="trafilatura-dev", help="a snippet benchmark under shared/benchmarks/")
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--list", action="store_true", help="print the project's misses and leaks per page")
    a = ap.parse_args()
    gold, texts = page_texts(a.shared, a.bench)
    rows = []
    for system in a.systems:
        if system == "project":
            pred, dt = run_project(texts)
        else:
            try:
                pred, dt = run_peer(system, texts, gold)
            except ImportError as e:
                print(f"  {system}: not installed ({e})", file=sys.stderr)
                continue
        s = score(gold, pred, listing=a.list and system == "project")
        rows.append((system, s, len(texts) / dt))
    print(f"{'system':12s}  {'F1':>6s}  {'P':>6s}  {'R':>6s}  {'pages/s':>8s}")
    for system, s, pps in rows:
        print(f"{system:12s}  {s['f1']:.4f}  {s['p']:.4f}  {s['r']:.4f}  {pps:8.1f}")
    print(f"({a.bench}: {len(gold)} pages as page text, snippets as snippetbench scores them; the project's "
          "pages/s includes starting the command)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

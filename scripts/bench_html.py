#!/usr/bin/env python3
"""HTML extraction quality and speed: this project next to its peers, in one table.

Runs the shared scorer (`../shared/bench/htmlbench.py`, never imported by the package) as a
subprocess for every system on both page sets:

- ScrapingHub's article-extraction benchmark (181 pages, 181 sites, many languages): the target;
- readability-en (61 modern English pages; its ground truth keeps captions, which this project
  removes on purpose, so it costs a little there).

Metric: the benchmark's own, 4-gram shingle precision and recall per page, averaged, F1 of the means.
Speed is pages/s as the scorer times it, in the same run for every system; the project's figure
includes starting the `cleaner` command (imports and all, and its pool of worker processes, one
per core by default); `project-w1` is the same command with `--workers 1`. Then, for this project, how often each
metadata field was filled on each set (from one more `cleaner clean` over the same pages).

    python scripts/bench_html.py                               # everything (~1-2 minutes)
    python scripts/bench_html.py --systems project trafilatura # a subset
    python scripts/bench_html.py --shared ../shared            # where the scorer and data are
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ("trafilatura", "readability", "resiliparse", "justext")
SETS = ("scrapinghub", "readability-en")
FIELDS = ("title", "subtitle", "authors", "published", "url", "site_name", "language")
PROJECT_CMD = "cleaner clean {src} -o {out}"
_LINE = re.compile(r"F1=(?P<f1>[\d.]+) P=(?P<p>[\d.]+) R=(?P<r>[\d.]+) pages=(?P<pages>\d+) "
                   r"seconds=(?P<s>[\d.]+) pages_per_s=(?P<pps>[\d.]+)")


def run_scorer(shared: Path, bench: str, system: str) -> dict | None:
    peer = "project" if system.startswith("project") else system
    cmd = [sys.executable, str(shared / "bench" / "htmlbench.py"), str(shared / "benchmarks" / bench), peer]
    if system == "project":
        cmd += ["--project-cmd", PROJECT_CMD]
    elif system == "project-w1":  # one process, no worker pool: what a small input costs on a busy machine
        cmd += ["--project-cmd", PROJECT_CMD + " --workers 1"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    m = _LINE.search(r.stdout)
    if not m:
        print(f"{system} on {bench} failed: {(r.stdout + r.stderr)[-500:]}", file=sys.stderr)
        return None
    return {k: float(v) for k, v in m.groupdict().items()}


def metadata_found(shared: Path, bench: str) -> tuple[int, dict]:
    """How many pages got each metadata field from `cleaner clean`."""
    pages = sorted((shared / "benchmarks" / bench / "html").glob("*.html*"))
    with tempfile.TemporaryDirectory() as td:
        src = Path(td, "src")
        src.mkdir()
        for p in pages:
            data = p.read_bytes()
            name = p.name[:-3] if p.name.endswith(".gz") else p.name
            Path(src, name).write_bytes(gzip.decompress(data) if p.name.endswith(".gz") else data)
        out = Path(td, "out.jsonl")
        subprocess.run(PROJECT_CMD.format(src=src, out=out), shell=True, capture_output=True, cwd=ROOT)
        recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return len(recs), {f: sum(1 for r in recs if r.get(f)) for f in FIELDS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=next(
        (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared"))
    ap.add_argument("--systems", nargs="+", default=["project", "project-w1", *PEERS])
    ap.add_argument("--sets", nargs="+", default=list(SETS))
    args = ap.parse_args()

    results = {(b, s): run_scorer(args.shared, b, s) for b in args.sets for s in args.systems}
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover
        Console = None
    meta = {b: metadata_found(args.shared, b) for b in args.sets} if "project" in args.systems else {}
    head = ["set", "system", "F1", "P", "R", "pages/s", *FIELDS]
    rows = []
    for b in args.sets:
        for s in args.systems:
            r = results[(b, s)]
            row = [b, s] + ([f"{r['f1']:.4f}", f"{r['p']:.4f}", f"{r['r']:.4f}", f"{r['pps']:.1f}"] if r else ["-"] * 4)
            if s == "project" and b in meta:
                n, found = meta[b]
                row += [f"{found[f]}/{n}" for f in FIELDS]
            else:
                row += [""] * len(FIELDS)
            rows.append(row)
    title = ("HTML mode: article body, 4-gram shingle F1/P/R (ScrapingHub metric), pages/s in this run; "
             "metadata columns: pages where the project filled the field")
    if Console is not None:
        t = Table(title=title)
        for h in head:
            t.add_column(h, justify="left" if h in ("set", "system") else "right")
        for i, row in enumerate(rows):
            if i and row[0] != rows[i - 1][0]:
                t.add_section()
            t.add_row(*row)
        Console(width=220).print(t)
    else:
        print(title)
        print("\t".join(head))
        for row in rows:
            print("\t".join(row))


if __name__ == "__main__":
    main()

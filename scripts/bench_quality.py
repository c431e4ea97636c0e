#!/usr/bin/env python3
"""Text-cleaning quality: this project next to its peers, in one table.

Runs the shared scorers (never imported by the package) as subprocesses:

1. the seed gold, line-labelled plain text (`textbench.py`): mean token F1, body lines lost,
   junk lines leaked;
2. the ScrapingHub pages in page-text mode (`htmlbench.py --as-text`): each page reduced to its
   visible text, one block a line, and cleaned as text; 4-gram shingle P/R/F1, and pages/s.

Systems: this project (`cleaner clean`), identity (keep everything), datatrove's C4 line filter,
jusText and trafilatura. Speed is measured in the same run for every system; the project's figure
includes starting the `cleaner` command (imports and all), as the scorer times the command.

    python scripts/bench_quality.py                      # everything (~1 minute)
    python scripts/bench_quality.py --systems project c4 # a subset
    python scripts/bench_quality.py --shared ../shared   # where the scorers and data are
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("project", "identity", "c4", "justext", "trafilatura")
PROJECT_CMD = "{cleaner} clean {{src}} -o {{out}}"

_TEXT_LINE = re.compile(r"^(?P<sys>\S+): meanF1=(?P<f1>[\d.]+) body_lines_lost=(?P<lost>\d+/\d+) "
                        r"junk_lines_leaked=(?P<leaked>\d+/\d+) meta_lines_in_body=(?P<meta>\d+/\d+)", re.M)
_PAGE_LINE = re.compile(r"^(?P<sys>\S+): F1=(?P<f1>[\d.]+) P=(?P<p>[\d.]+) R=(?P<r>[\d.]+) pages=(?P<pages>\d+) "
                        r"seconds=(?P<sec>[\d.]+) pages_per_s=(?P<pps>[\d.]+)", re.M)


def _cleaner_cmd() -> str:
    exe = shutil.which("cleaner")
    return PROJECT_CMD.format(cleaner=exe if exe else f"{sys.executable} -m cleaner")


def _run(args: list[str]) -> str:
    r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        print(f"failed: {' '.join(args)}\n{r.stdout[-1500:]}{r.stderr[-1500:]}", file=sys.stderr)
        return ""
    return r.stdout


def seeds(shared: Path, system: str) -> dict | None:
    args = [sys.executable, str(shared / "bench" / "textbench.py"), str(shared / "corpus" / "seeds.gold.jsonl"),
            str(shared / "corpus" / "seeds"), system]
    if system == "project":
        args += ["--project-cmd", _cleaner_cmd()]
    m = _TEXT_LINE.search(_run(args))
    return m.groupdict() if m else None


def pages(shared: Path, system: str, bench: str) -> dict | None:
    args = [sys.executable, str(shared / "bench" / "htmlbench.py"), str(shared / "benchmarks" / bench), system, "--as-text"]
    if system == "project":
        args += ["--project-cmd", _cleaner_cmd()]
    m = _PAGE_LINE.search(_run(args))
    return m.groupdict() if m else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder with bench/, corpus/, benchmarks/")
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--pages", default="scrapinghub", help="page benchmark under shared/benchmarks/ (page-text mode)")
    a = ap.parse_args()
    if not (a.shared / "bench" / "textbench.py").exists():
        print(f"no scorers under {a.shared}/bench", file=sys.stderr)
        return 2
    rows = []
    t0 = time.perf_counter()
    for system in a.systems:
        s = seeds(a.shared, system)
        p = pages(a.shared, system, a.pages)
        rows.append((system, s, p))
        print(f"  measured {system}", file=sys.stderr)
    head = ("system", "seeds meanF1", "body lost", "junk leaked", "meta in body",
            f"{a.pages} page-text F1", "P", "R", "pages/s")
    table = [head]
    for system, s, p in rows:
        table.append((system,
                      s["f1"] if s else "-", s["lost"] if s else "-", s["leaked"] if s else "-", s["meta"] if s else "-",
                      p["f1"] if p else "-", p["p"] if p else "-", p["r"] if p else "-", p["pps"] if p else "-"))
    widths = [max(len(str(r[i])) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\n(seeds: {a.shared}/corpus/seeds.gold.jsonl; pages: {a.shared}/benchmarks/{a.pages}, --as-text; "
          f"pages/s measured in this run, single process; total {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

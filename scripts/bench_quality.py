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
    python scripts/bench_quality.py --pages scrapinghub readability-en   # a second page set, never tuned on
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


def in_process_speed(shared: Path, bench: str) -> dict[str, float]:
    """Pages/s of this project's text cleaning and of datatrove's C4 line filter over the same page
    texts, in this process, after a warm-up: the command-line figures above include starting the
    `cleaner` command (imports of pandas, pandera…), this one is the cleaning alone."""
    sys.path.insert(0, str(shared / "bench"))
    import htmlbench  # the scorer's own page-to-text conversion, so both see the same lines

    from cleaner.clean import clean_article
    from cleaner.records import Article, Source

    folder = shared / "benchmarks" / bench / "html"
    texts = [htmlbench.page_text(htmlbench.read_html(str(f))) for f in sorted(folder.iterdir())]
    out: dict[str, float] = {}

    def project(t: str) -> None:
        clean_article(Article(id="p", source=Source("p.txt", "0" * 64), raw=t))

    runners = {"project": project}
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters.c4_filters import C4QualityFilter

        c4 = C4QualityFilter(min_num_sentences=-1)
        runners["c4"] = lambda t: c4.filter(Document(text=t, id="p"))
    except ImportError:
        pass
    for name, run in runners.items():
        run(texts[0])
        t0 = time.perf_counter()
        for t in texts:
            run(t)
        out[name] = len(texts) / (time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder with bench/, corpus/, benchmarks/")
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--pages", nargs="+", default=["scrapinghub"],
                    help="page benchmarks under shared/benchmarks/, scored in page-text mode (pages/s from the first)")
    a = ap.parse_args()
    if not (a.shared / "bench" / "textbench.py").exists():
        print(f"no scorers under {a.shared}/bench", file=sys.stderr)
        return 2
    rows = []
    t0 = time.perf_counter()
    for system in a.systems:
        s = seeds(a.shared, system)
        ps = [pages(a.shared, system, b) for b in a.pages]
        rows.append((system, s, ps))
        print(f"  measured {system}", file=sys.stderr)
    head = ["system", "seeds meanF1", "body lost", "junk leaked", "meta in body"]
    for b in a.pages:
        head += [f"{b} page-text F1", "P", "R"]
    head.append(f"pages/s ({a.pages[0]})")
    table = [tuple(head)]
    for system, s, ps in rows:
        row = [system, s["f1"] if s else "-", s["lost"] if s else "-", s["leaked"] if s else "-", s["meta"] if s else "-"]
        for p in ps:
            row += [p["f1"], p["p"], p["r"]] if p else ["-", "-", "-"]
        row.append(ps[0]["pps"] if ps[0] else "-")
        table.append(tuple(row))
    widths = [max(len(str(r[i])) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    speed = in_process_speed(a.shared, a.pages[0])
    print("\nin-process pages/s on the same page texts: " + ", ".join(f"{k} {v:.1f}" for k, v in speed.items()))
    print(f"(seeds: {a.shared}/corpus/seeds.gold.jsonl; pages: {', '.join(a.pages)} under {a.shared}/benchmarks, --as-text; "
          f"pages/s measured in this run, single process; total {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

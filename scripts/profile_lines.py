#!/usr/bin/env python3
"""Where the text cleaner's time goes, per line, next to datatrove's C4 line filter on the same lines.

Runs each stage of `cleaner.clean.clean_article` on its own over the page texts of a benchmark
(the scorer's own page-to-text conversion, as `bench_quality.py` uses), after a warm-up, and prints
microseconds per non-blank line. The C4 figure is its whole filter, per line, in the same run.

    python scripts/profile_lines.py                     # ScrapingHub pages
    python scripts/profile_lines.py --pages readability-en
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--pages", default="scrapinghub")
    a = ap.parse_args()
    sys.path.insert(0, str(a.shared / "bench"))
    import htmlbench

    from cleaner.classify import classify, norm, segment
    from cleaner.repair import repair
    from cleaner.rules import first_match, phrase_key
    from cleaner.shape import document_language_mask, shape

    folder = a.shared / "benchmarks" / a.pages / "html"
    texts = [htmlbench.page_text(htmlbench.read_html(str(f))) for f in sorted(folder.iterdir())]
    repaired = [repair(t) for t in texts]
    docs = [segment(t) for t in repaired]
    n_lines = sum(map(len, docs))

    def rules() -> None:
        for lines in docs:
            for line in lines:
                first_match(line.text, line.n_words, line.text.lower(), phrase_key(line.text) if len(line.text) < 80 else "")

    def shapes() -> None:
        for lines in docs:
            mask = document_language_mask([line.text for line in lines if line.n_words >= 8])
            for line in lines:
                shape(line.text, mask)

    stages = {
        "repair (ftfy where needed, spaces, controls)": lambda: [repair(t) for t in texts],
        "segment into lines": lambda: [segment(t) for t in repaired],
        "rule table (gates, then the rules they let through)": rules,
        "shape (words, stop words, capitals, figures)": shapes,
        "compare form (norm)": lambda: [[norm(line.text) for line in lines] for lines in docs],
        "classify, all of it (rules, shape, context)": lambda: [classify(lines) for lines in docs],
    }
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters.c4_filters import C4QualityFilter

        c4 = C4QualityFilter(min_num_sentences=-1)
        stages["datatrove C4 filter, whole"] = lambda: [c4.filter(Document(text=t, id="p")) for t in texts]
    except ImportError:
        print("datatrove is not installed (pip install -e '.[bench]'): no C4 figure", file=sys.stderr)

    print(f"{len(texts)} pages of {a.pages}, {n_lines} non-blank lines")
    for name, run in stages.items():
        run()
        t0 = time.perf_counter()
        run()
        dt = time.perf_counter() - t0
        print(f"  {name:55s} {1e6 * dt / n_lines:6.2f} us/line  ({dt:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

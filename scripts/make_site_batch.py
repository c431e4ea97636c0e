#!/usr/bin/env python3
"""Build tests/cases/crossdoc_site.json (and the chrome page beside it): one real site's chrome and other real pages' bodies.

    python scripts/make_site_batch.py      # SHARED=/path/to/shared when it is not beside the checkout

The chrome is the visible text (inscriptis, as `htmlbench.py --as-text` makes it) of one
ScrapingHub page (space.com) outside its ground-truth body, less the lines that belong to that
page only (its headline, byline, standfirst and photo caption). The bodies are the ground-truth
`articleBody` of other ScrapingHub pages, with each page's own title (its <title>, site name
cut). The chrome page itself is copied to tests/cases/crossdoc_chrome_space_com.html.gz (MIT, as
the ScrapingHub benchmark), so a test can set other bodies into its real markup. `tests/test_crossdoc.py` puts them together into site batches, as txt and HTML files.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
BENCH = SHARED / "benchmarks" / "scrapinghub"
OUT = ROOT / "tests" / "cases" / "crossdoc_site.json"
PAGE_OUT = ROOT / "tests" / "cases" / "crossdoc_chrome_space_com.html.gz"
CHROME_PAGE = "686bb170effe273eaff1c0f88e412172e8d972518a6d1454c896f52aafaa9643"  # space.com, Europa's plumes
#: The chrome page's own lines (headline, byline, standfirst, photo caption and credit): not the site's.
OWN_LINES = ("The Weird Plumes of Jupiter's Moon Europa Are Spewing Water Vapor", "By Mike Wall",
             "Europa's plumes appear to be real", "An artist's illustration of a plume", "(Image: © NASA")
BODY_PAGES = ("2f42ef1d3ea0c96e56355d3db93d0e06b47e760b74f6f4261278b8cd1c246dd6",   # wired.com
              "7f93c1944a41d01960f8a16fdfda6c562e86f04ead8375ab796c4278402df9a8",   # newsweek.com
              "8267acacb9e4a109b1f7ee7bafe735b73e9c94180b703b131f9e90c9be044f39",   # hollywoodreporter.com
              "57d46c9d751e3fd3ffaf3ede7ac20cebd30eacb5ea78e1a6aa0a72059244e7ca")   # reuters.com
WIRE_PAGE = "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574"     # an AP story, hosted.ap.org


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def main() -> int:
    sys.path.insert(0, str(SHARED / "bench"))
    from htmlbench import page_text  # the scorers' own page-text reduction

    from cleaner.html.extract import extract_html

    gt = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))

    def html(key: str) -> bytes:
        return gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes())

    def body(key: str) -> list[str]:
        return [p.strip() for p in gt[key]["articleBody"].split("\n") if p.strip()]

    own = {_norm(p) for p in body(CHROME_PAGE)}
    lines = [line.strip() for line in page_text(html(CHROME_PAGE)).splitlines() if line.strip()]
    at = [i for i, line in enumerate(lines) if _norm(line) in own]
    keep = [line for line in lines if not any(line.startswith(o) for o in OWN_LINES)]
    head = [line for line in keep if lines.index(line) < at[0]]
    tail = [line for line in keep if lines.index(line) > at[-1]]

    def page(key: str) -> dict:
        title = extract_html(html(key).decode("utf-8", "replace")).title
        return {"origin": f"scrapinghub {key}", "url": gt[key]["url"], "title": title, "body": body(key)}

    data = {"origin": f"chrome: scrapinghub {CHROME_PAGE} ({gt[CHROME_PAGE]['url']}), page text outside its "
                      "ground-truth body less its own headline, byline, standfirst and caption; bodies: "
                      "ground-truth articleBody of the pages named (scripts/make_site_batch.py)",
            "chrome_head": head, "chrome_tail": tail, "own_body": body(CHROME_PAGE),
            "pages": [page(k) for k in BODY_PAGES], "wire": page(WIRE_PAGE)}
    PAGE_OUT.write_bytes((BENCH / "html" / f"{CHROME_PAGE}.html.gz").read_bytes())
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(head)} + {len(tail)} chrome lines, {len(BODY_PAGES)} bodies and a wire story")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

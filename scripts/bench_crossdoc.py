#!/usr/bin/env python3
"""What the cross-document count does and costs: its effect on a real site batch, its time next to the job.

    python scripts/bench_crossdoc.py               # the sample corpus and a synthetic one of ~2,000 records
    python scripts/bench_crossdoc.py --mb 20       # a larger synthetic corpus

Effect: the site batch of `tests/cases/crossdoc_site.json` (space.com's real chrome around four
other ScrapingHub pages' ground-truth bodies, and the same AP story on four more pages), cleaned as
.txt files of one folder with the count and without it (`crossdoc_min_docs=0`): chrome lines left,
lines removed as `context.crossdoc`, body lines lost.

Cost: the count's two passes (`census_shard`, then `count_shard` for the sites with enough pages,
merged as the driver does) timed apart, next to `build` with and without the count, one process
(`InlineExecutor`), on the package's samples and on `bench_speed.synthetic_corpus` (JSONL records
in one folder: every record of the folder is counted, the worst case). The machine is shared: the
figures are as measured in one run, and noisy.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cleaner.classify import norm  # noqa: E402
from cleaner.config import DEFAULT_CONFIG  # noqa: E402
from cleaner.crossdoc import LineCounts, census_shard, count_shard  # noqa: E402
from cleaner.executors import InlineExecutor  # noqa: E402
from cleaner.pipeline import build  # noqa: E402
from cleaner.records import Article  # noqa: E402
from cleaner.stream import checked_records, plan_shards  # noqa: E402

OFF = DEFAULT_CONFIG.with_(crossdoc_min_docs=0)


def effect(folder: Path) -> None:
    """Chrome left, crossdoc removals and body lines lost on the site batch, with and without the count."""
    site = json.loads((ROOT / "tests" / "cases" / "crossdoc_site.json").read_text(encoding="utf-8"))
    chrome = {norm(line) for line in site["chrome_head"] + site["chrome_tail"]}
    bodies = {}
    pages = [(f"own{k}", p["title"], p["body"]) for k, p in enumerate(site["pages"])]
    pages += [(f"wire{k}", site["wire"]["title"], ([p["body"][0]] if k % 2 else []) + site["wire"]["body"])
              for k, p in enumerate(site["pages"])]
    for name, title, body in pages:
        text = "\n".join([title, "", *site["chrome_head"], "", "\n\n".join(body), "", *site["chrome_tail"]])
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        bodies[f"{name}.txt"] = body
    for label, config in (("without the count", OFF), ("with the count", DEFAULT_CONFIG)):
        left = crossdoc = lost = worded = 0
        for a in checked_records([folder], config, validate=False):
            if not isinstance(a, Article):
                continue
            kept = {norm(t) for t in a.text.split("\n\n")}
            left += len(kept & chrome)
            crossdoc += sum(r.rule == "context.crossdoc" for r in a.removals)
            missing = [b for b in bodies[Path(a.source.path).name] if norm(b) not in kept]
            lost += len(missing)
            worded += sum(any(c.isalnum() for c in b) for b in missing)
        print(f"  site batch, {label:17}: {len(pages)} pages, chrome lines left {left}, removed as context.crossdoc "
              f"{crossdoc}, body lines lost {lost} of {sum(map(len, bodies.values()))} ({worded} with a word)")


def cost(corpus: Path, label: str) -> None:
    """The count's passes timed apart, and `build` with and without them."""
    shards, _ = plan_shards([corpus])
    t0 = time.perf_counter()
    census = [census_shard(s) for s in shards]
    t1 = time.perf_counter()
    pages = sum(census, Counter())
    crowded = {s for s, n in pages.items() if n >= DEFAULT_CONFIG.crossdoc_min_docs}
    total = LineCounts()
    for shard, sites in zip(shards, census):
        total.merge(count_shard((shard, frozenset(s for s in sites if s in crowded))))
    common = total.commons(sorted(crowded))
    t2 = time.perf_counter()
    times = {}
    for name, config in (("without", OFF), ("with", DEFAULT_CONFIG)):
        out = Path(tempfile.mkdtemp())
        start = time.perf_counter()
        build([corpus], out, "bench", "v1", config, executor=InlineExecutor())
        times[name] = time.perf_counter() - start
        shutil.rmtree(out)
    print(f"  {label}: {pages.total():,} records, {len(crowded)}/{len(pages)} sites counted, "
          f"{sum(map(len, common.values()))} common lines of {total.distinct:,} distinct")
    print(f"    census {t1 - t0:.2f} s + count {t2 - t1:.2f} s = {t2 - t0:.2f} s; build {times['with']:.1f} s with the "
          f"count, {times['without']:.1f} s without: the count is {(t2 - t0) / times['with']:.0%} of the job")


def main() -> int:
    from bench_speed import synthetic_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=6.5, help="size of the synthetic corpus (6.5 MB: about 2,000 records)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as td:
        batch = Path(td) / "site"
        batch.mkdir()
        print("effect")
        effect(batch)
        samples = ROOT / "cleaner" / "data" / "samples"
        build([samples], Path(td) / "warm", "warm", "v1", executor=InlineExecutor())  # imports and caches
        print("cost (one process)")
        cost(samples, "sample corpus")
        syn = Path(td) / "synthetic"
        synthetic_corpus(syn, int(args.mb * (1 << 20)))
        cost(syn, f"synthetic corpus, {args.mb:g} MB in one folder")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Duplicate detection on a labelled set made from real article bodies: precision, recall, speed.

Usage: python scripts/bench_dedup.py [--gold ../shared/benchmarks/scrapinghub/ground-truth.json] [--seed 7]
       [--threshold 0.7] [--verbose] [--scale 200000]

The originals are real bodies: the ScrapingHub ground-truth articles (181 sites) and the articles
shipped in cleaner/data/samples, cleaned. The five seed articles there are all about China, Russia
and the war in Ukraine: real, different articles on one topic, which must never merge.

From the originals (split in two halves) the script makes
- half A: each original plus copies: `exact` (same words, other spacing and case), `edited`
  (one paragraph updated: a sentence dropped and another added), `first_line` (another lead
  sentence), `footer` (a syndication footer appended), and `syndicated` (another lead and a footer);
- half B: negatives: pairs of different articles that both quote the same paragraph (taken from a
  third article that is not in the set); follow-up stories (one article's first half on top of
  another's second half, as a newsroom reuses background), next to both articles they draw on;
  and the real topic neighbours in the whole set.

Every item carries the id of the original it came from (its group). `find_duplicates` runs over
all items in a shuffled order; a reported duplicate is right when it names an item of its own group.
Precision = right reports / reports; recall = right reports / (items - groups). The figures for each
kind of copy say how often that copy ended in the same published cluster as its original. Speed:
`entry_for` (per article, as in a worker) and `find_duplicates` (global), next to `clean_article`
on the same texts.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.clean import clean_article  # noqa: E402
from cleaner.config import DEFAULT_CONFIG  # noqa: E402
from cleaner.dedup import entry_for, find_duplicates, normalised_words, shingles  # noqa: E402
from cleaner.read import iter_input_files, read_file  # noqa: E402
from cleaner.records import Article, Source  # noqa: E402

GOLD = ROOT.parent / "shared" / "benchmarks" / "scrapinghub" / "ground-truth.json"
SAMPLES = ROOT / "cleaner" / "data" / "samples"
MIN_WORDS = 80          # shorter bodies (teasers, paywalled stubs) are not used as originals

# Footers that syndicating sites and wires append (wording of real ones).
FOOTERS = (
    "© 2019 The Associated Press. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "This article was originally published on The Conversation. Read the original article.",
    "Sign up for our daily newsletter to get the latest news delivered to your inbox every morning.",
    "Copyright 2019 Reuters. Click for restrictions. Additional reporting by our correspondents; "
    "editing by the news desk.",
)
# Lead sentences that replace an original's first one (a different outlet's intro).
LEADS = (
    "Here is what we know so far about the story everyone is talking about this week.",
    "In a development that surprised many observers, new details emerged on Monday.",
    "UPDATED: This story has been updated with new information from officials.",
    "Editor's note: the following report was first published by our partner site.",
)
UPDATE = "Officials did not immediately respond to a request for comment on Tuesday afternoon."
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    return paras


def load_originals(gold: Path) -> list[str]:
    bodies = []
    if gold.exists():
        data = json.loads(gold.read_text(encoding="utf-8"))
        bodies += [v["articleBody"] for _, v in sorted(data.items())]
    for path in iter_input_files([SAMPLES]):
        for rec in read_file(path):
            if isinstance(rec, Article):
                bodies.append(clean_article(rec).text)
    seen, out = set(), []
    for b in bodies:
        key = " ".join(normalised_words(b))
        if len(key.split()) >= MIN_WORDS and key not in seen:
            seen.add(key)
            out.append(b.strip())
    return out


def exact(text: str, rng: random.Random) -> str:
    return "\n\n".join("  ".join(p.split()) for p in paragraphs(text)).upper() + "\n"


def edited(text: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    i = rng.randrange(1, len(paras)) if len(paras) > 1 else 0
    sents = _SENT.split(paras[i])
    if len(sents) > 1:
        del sents[rng.randrange(len(sents))]
    sents.append(UPDATE)
    paras[i] = " ".join(sents)
    return "\n\n".join(paras)


def first_line(text: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    sents = _SENT.split(paras[0])
    sents[0] = rng.choice(LEADS)
    paras[0] = " ".join(sents)
    return "\n\n".join(paras)


def footer(text: str, rng: random.Random) -> str:
    return text + "\n\n" + rng.choice(FOOTERS)


def syndicated(text: str, rng: random.Random) -> str:
    return footer(first_line(text, rng), rng)


VARIANTS = {"exact": exact, "edited": edited, "first_line": first_line, "footer": footer, "syndicated": syndicated}


def jaccard(a: str, b: str, n: int) -> float:
    sa, sb = shingles(normalised_words(a), n), shingles(normalised_words(b), n)
    return len(sa & sb) / max(1, len(sa | sb))


def build_set(originals: list[str], rng: random.Random) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str]]]:
    """Items (item id, group, kind, text) and the negative pairs made on purpose (kind, item, item)."""
    order = list(range(len(originals)))
    rng.shuffle(order)
    half_a, half_b = order[: len(order) // 2], order[len(order) // 2:]
    items: list[tuple[str, str, str, str]] = []
    for k in half_a:
        g = f"g{k}"
        items.append((f"{g}-orig", g, "original", originals[k]))
        for name, make in VARIANTS.items():
            items.append((f"{g}-{name}", g, name, make(originals[k], rng)))
    # Half B, first part: triples (x, y, q): x and y each quote q's longest paragraph; q is left out.
    negatives = []
    split = (len(half_b) // 2) // 3 * 3
    for j in range(0, split, 3):
        x, y, q = half_b[j: j + 3]
        quote = max(paragraphs(originals[q]), key=len)
        made = []
        for k in (x, y):
            paras = paragraphs(originals[k])
            paras.insert(len(paras) // 2, f"“{quote}”")
            items.append((f"g{k}-quoting", f"g{k}", "quoting", "\n\n".join(paras)))
            made.append(f"g{k}-quoting")
        negatives.append(("quoting", made[0], made[1]))
    # Second part: pairs (a, b) and a follow-up story: b's first half on top of a's second half as
    # background, as a newsroom writes the next day's story. Three different stories.
    for j in range(split, len(half_b) - 1, 2):
        a, b = half_b[j: j + 2]
        pa, pb = paragraphs(originals[a]), paragraphs(originals[b])
        follow = "\n\n".join(pb[: max(1, len(pb) // 2)] + pa[len(pa) // 2:])
        items += [(f"g{a}-orig", f"g{a}", "original", originals[a]), (f"g{b}-orig", f"g{b}", "original", originals[b]),
                  (f"g{a}-{b}-follow", f"g{a}-{b}", "follow_up", follow)]
        negatives += [("follow_up", f"g{a}-orig", f"g{a}-{b}-follow"), ("follow_up", f"g{b}-orig", f"g{a}-{b}-follow")]
    return items, negatives


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=None, help="override near_dup_threshold")
    ap.add_argument("--verbose", action="store_true", help="list the copies that were missed")
    ap.add_argument("--scale", type=int, default=0,
                    help="also time find_duplicates on this many synthetic signatures (10%% planted copies)")
    args = ap.parse_args()
    config = DEFAULT_CONFIG if args.threshold is None else DEFAULT_CONFIG.with_(near_dup_threshold=args.threshold)
    rng = random.Random(args.seed)

    originals = load_originals(args.gold)
    items, negatives = build_set(originals, rng)
    group = {i: g for i, g, _, _ in items}
    texts = {i: t for i, _, _, t in items}
    shuffled = items[:]
    rng.shuffle(shuffled)
    articles = [Article(id=i, source=Source(f"{i}.txt", "0" * 64, n + 1), text=t)
                for n, (i, _, _, t) in enumerate(shuffled)]

    t0 = time.perf_counter()
    entries = [entry_for(a, (n,), config) for n, a in enumerate(articles)]
    t1 = time.perf_counter()
    dups = find_duplicates(entries, config)
    t2 = time.perf_counter()
    sig = {e.id: e.signature for e in entries}

    # Per-record precision and recall.
    right = sum(group[d.id] == group[d.duplicate_of] for d in dups.values())
    expected = len(items) - len(set(group.values()))
    precision = right / len(dups) if dups else 1.0
    recall = right / expected if expected else 1.0
    cluster = {i: (dups[i].duplicate_of if i in dups else i) for i in group}
    wrong = [(d.id, d.duplicate_of, d.similarity) for d in dups.values() if group[d.id] != group[d.duplicate_of]]

    print(f"set: {len(originals)} originals (ScrapingHub bodies and shipped samples, >= {MIN_WORDS} words), "
          f"{len(items)} items, {len(set(group.values()))} groups, {expected} true duplicates; seed {args.seed}")
    print(f"settings: near_dup_threshold={config.near_dup_threshold} minhash_perm={config.minhash_perm} "
          f"shingle_words={config.shingle_words} lsh_bands={config.lsh_bands}")
    print(f"reported duplicates: {len(dups)} ({Counter(d.kind for d in dups.values())})")
    print(f"precision {precision:.4f}   recall {recall:.4f}")

    # Per kind: did the copy end in its original's cluster? And its true Jaccard with the original.
    print("\nkind         merged-with-original   true Jaccard to original (min / median)")
    by_kind: dict[str, list] = defaultdict(list)
    for i, g, k, t in items:
        if k in VARIANTS:
            orig = f"{g}-orig"
            by_kind[k].append((cluster[i] == cluster[orig], jaccard(t, texts[orig], config.shingle_words)))
    for k, rows in by_kind.items():
        js = sorted(j for _, j in rows)
        print(f"{k:12s} {sum(m for m, _ in rows):4d} / {len(rows):<4d}            {js[0]:.3f} / {js[len(js) // 2]:.3f}")

    # Negatives: the quoting pairs, and the closest real topic neighbours among different groups.
    merged_neg = 0
    for what in ("quoting", "follow_up"):
        pairs = [(a, b) for k, a, b in negatives if k == what]
        merged = sum(cluster[a] == cluster[b] for a, b in pairs)
        merged_neg += merged
        top_j = max(jaccard(texts[a], texts[b], config.shingle_words) for a, b in pairs)
        top_s = max(float((sig[a] == sig[b]).mean()) for a, b in pairs)
        print(f"negatives: {what} pairs merged: {merged} / {len(pairs)} (highest true 5-shingle Jaccard "
              f"{top_j:.3f}, highest MinHash estimate {top_s:.3f})")
    bags = {g: set(normalised_words(originals[int(g[1:])])) for g in set(group.values()) if g[1:].isdigit()}
    gs = sorted(bags)
    neighbours = sorted(((len(bags[a] & bags[b]) / len(bags[a] | bags[b]), a, b)
                         for x, a in enumerate(gs) for b in gs[x + 1:]), reverse=True)[:20]
    merged_topic = sum(cluster[_rep(a, group)] == cluster[_rep(b, group)] for _, a, b in neighbours)
    top = neighbours[0]
    print(f"negatives: 20 closest different articles by shared vocabulary (top word-Jaccard {top[0]:.2f}, "
          f"5-shingle Jaccard {jaccard(originals[int(top[1][1:])], originals[int(top[2][1:])], config.shingle_words):.3f}) "
          f"merged: {merged_topic} / 20")
    seeds = [g for g in gs if originals[int(g[1:])][:40] in _seed_heads()]
    print(f"negatives: the seed articles on China/Russia/Ukraine in the set: {len(seeds)}, "
          f"merged pairs: {sum(cluster[_rep(a, group)] == cluster[_rep(b, group)] for x, a in enumerate(seeds) for b in seeds[x + 1:])}")
    for w in wrong[:10]:
        print("  WRONG:", w)
    if args.verbose:
        for i, g, k, t in items:
            if k in VARIANTS and cluster[i] != cluster[f"{g}-orig"]:
                kept = cluster[f"{g}-orig"]
                print(f"  missed {i}: {len(normalised_words(t))} words, estimate to the kept {kept}: "
                      f"{float((sig[i] == sig[kept]).mean()):.3f}, to the original: "
                      f"{float((sig[i] == sig[f'{g}-orig']).mean()):.3f}")

    # Speed.
    n = len(articles)
    mb = sum(len(a.text.encode()) for a in articles) / 1e6
    print(f"\nspeed (single process, {n} articles, {mb:.1f} MB):")
    print(f"  entry_for        {n / (t1 - t0):8.0f} articles/s")
    print(f"  find_duplicates  {n / (t2 - t1):8.0f} articles/s")
    print(f"  dedup total      {n / (t2 - t0):8.0f} articles/s")
    sample = articles[: min(n, 300)]
    raws = [Article(id=a.id, source=a.source, raw="A headline for the story\n\n" + a.text) for a in sample]
    t3 = time.perf_counter()
    for a in raws:
        clean_article(a)
    t4 = time.perf_counter()
    clean_rate = len(raws) / (t4 - t3)
    print(f"  clean_article    {clean_rate:8.0f} articles/s (same texts as .txt input, first {len(raws)})")
    print(f"  dedup / cleaning {n / (t2 - t0) / clean_rate:8.2f}x  (target >= 0.5)")
    if args.scale:
        scale(args.scale, config)
    ok = precision >= 0.99 and recall >= 0.95 and merged_neg == 0 and merged_topic == 0
    print("\nPASS" if ok else "\nFAIL", "(targets: precision >= 0.99, recall >= 0.95, no negative pair merged)")
    return 0 if ok else 1


def scale(n: int, config) -> None:
    """The global step alone at size `n`: random signatures, every tenth a copy with ~10% values changed."""
    import tracemalloc

    import numpy as np

    from cleaner.dedup import DedupEntry
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, size=(n, config.minhash_perm), dtype=np.uint32)
    for i in range(1, n, 10):
        changed = rng.random(config.minhash_perm) < 0.1
        sigs[i] = np.where(changed, rng.integers(0, 2**32, config.minhash_perm, dtype=np.uint32), sigs[i - 1])
    es = [DedupEntry(id=f"s{i}", order=(i,), length=500, exact_key=f"k{i}", signature=sigs[i]) for i in range(n)]
    t = time.perf_counter()
    found = find_duplicates(es, config)
    dt = time.perf_counter() - t
    tracemalloc.start()
    find_duplicates(es, config)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  find_duplicates at {n} entries: {n / dt:8.0f} entries/s, {len(found)} of {len(range(1, n, 10))} "
          f"planted copies found, peak working memory {peak / n:.0f} bytes/entry (signatures held: "
          f"{4 * config.minhash_perm} bytes/entry)")


def _rep(g: str, group: dict[str, str]) -> str:
    """An item of group `g` (its original when there is one)."""
    return f"{g}-orig" if f"{g}-orig" in group else next(i for i, x in group.items() if x == g)


def _seed_heads() -> set[str]:
    heads = set()
    for path in sorted(SAMPLES.glob("00[0-4]_*.txt")):
        for rec in read_file(path):
            if isinstance(rec, Article):
                heads.add(clean_article(rec).text.strip()[:40])
    return heads


if __name__ == "__main__":
    raise SystemExit(main())

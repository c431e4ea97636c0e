"""`report.html`: the build report a person reads, written into every published version.

One self-contained page: inline CSS, no script, no font, image or style sheet from anywhere else,
and a Content-Security-Policy that forbids the browser to fetch anything, so it opens the same
offline, from an archive or a bucket. Charts are SVG drawn here, at build time, from the counts
(hand-written bars: a dozen lines each, no plotting library to install).

What it shows: the counts ledger, removals by category and by rule, the distribution of body
lengths, quarantine reasons with examples, duplicates, and a few example articles with every
removed line marked by its category and rule.

It is made only from the version's own tables and ledger (read back from the temporary folder
before the manifest is written, so `cleaner verify` covers it); an example article's removed lines
appear where they stood because the articles table keeps the line index of every kept paragraph
(`text_lines`) next to the removals' own. The input is never read again. The same inputs give
the same bytes: there is no clock, no path of the output folder and no random order in it.
"""
from __future__ import annotations

import heapq
import html
import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from cleaner.records import Ledger

REPORT = "report.html"
N_EXAMPLES = 3
EXAMPLE_MAX_LINES = 80
TOP_RULES = 25
TABLE_ROWS = 20
LENGTH_BINS = (0, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000)   # words; the last bin is open-ended

BAR = "#2f6fb3"
OUTCOME_COLOURS = {"published": "#2e8b57", "quarantined": "#d08c00", "duplicates": "#8a8a8a"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(value: Any) -> str:
    """HTML-escape anything, quotes included.

    >>> esc('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    return html.escape(str(value), quote=True)


# -- charts ---------------------------------------------------------------------------------------------

def hbar_svg(rows: list[tuple[str, int]], label: str, colours: dict[str, str] | None = None,
             width: int = 600, label_width: int = 210) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per (name, value), longest first as given.

    >>> svg = hbar_svg([("caption", 3), ("ad", 1)], "removals by category")
    >>> svg.count("<rect"), 'aria-label="removals by category"' in svg
    (2, True)
    """
    bar_h, gap, top = 20, 6, 4
    height = top * 2 + len(rows) * (bar_h + gap)
    biggest = max((v for _, v in rows), default=0) or 1
    area = width - label_width - 70
    parts = [f'<svg class="chart" role="img" aria-label="{esc(label)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" data-bars="{len(rows)}">']
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1, round(area * value / biggest)) if value else 0
        colour = (colours or {}).get(name, BAR)
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{esc(_short(name, 30))}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}">'
                     f'<title>{esc(name)}: {value:,}</title></rect>'
                     f'<text x="{label_width + w + 6}" y="{y + 15}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(bins: list[tuple[str, int]], label: str, width: int = 600, height: int = 240) -> str:
    """A vertical bar chart (a histogram over labelled bins) as inline SVG.

    >>> histogram_svg([("0-50", 2), ("50-100", 0)], "lengths").count("<rect")
    2
    """
    left, bottom, top = 50, 40, 16
    plot_h = height - bottom - top
    n = max(len(bins), 1)
    slot = (width - left - 10) / n
    biggest = max((v for _, v in bins), default=0) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{esc(label)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" data-bars="{len(bins)}">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#555"/>']
    for i, (name, value) in enumerate(bins):
        h = round(plot_h * value / biggest)
        x = left + i * slot
        parts.append(f'<rect x="{x + 3:.1f}" y="{top + plot_h - h}" width="{slot - 6:.1f}" height="{h}" fill="{BAR}">'
                     f'<title>{esc(name)} words: {value:,} articles</title></rect>'
                     f'<text x="{x + slot / 2:.1f}" y="{top + plot_h - h - 4}" text-anchor="middle">{value:,}</text>'
                     f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">{esc(name)}</text>')
    parts.append(f'<text x="{left + (width - left) / 2:.0f}" y="{height - 4}" text-anchor="middle" '
                 f'class="axis">words in the body</text></svg>')
    return "".join(parts)


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def length_bins(lengths: np.ndarray) -> list[tuple[str, int]]:
    """Counts of body lengths (in words) per `LENGTH_BINS` bin, labelled.

    >>> length_bins(np.array([10, 60, 60, 5000]))[:3], length_bins(np.array([5000]))[-1]
    ([('0-49', 1), ('50-99', 2), ('100-199', 0)], ('2000+', 1))
    """
    edges = list(LENGTH_BINS) + [math.inf]
    counts = np.histogram(lengths, bins=edges)[0] if len(lengths) else [0] * len(LENGTH_BINS)
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(LENGTH_BINS, LENGTH_BINS[1:])] + [f"{LENGTH_BINS[-1]}+"]
    return list(zip(labels, (int(c) for c in counts)))


# -- reading the version back -----------------------------------------------------------------------------

def _files(folder: Path, sub: str) -> list[Path]:
    return sorted((folder / sub).glob("*.parquet"))


def _batches(folder: Path, sub: str, columns: list[str]):
    for path in _files(folder, sub):
        pf = pq.ParquetFile(path)
        yield from pf.iter_batches(columns=[c for c in columns if c in pf.schema_arrow.names])


def _scan_articles(folder: Path, n_examples: int) -> tuple[np.ndarray, list[dict]]:
    """Body lengths of every article, and the `n_examples` rows with the most removals (ties: earliest)."""
    lengths: list[np.ndarray] = []
    heap: list[tuple[int, int, int]] = []           # (n_removals, -row, slot) min-heap of the best rows
    keep: dict[int, dict] = {}
    row = 0
    cols = ["id", "title", "text", "text_lines", "n_removals", "url", "source_path", "source_index"]
    for batch in _batches(folder, "data", cols):
        words = pc.list_value_length(pc.utf8_split_whitespace(batch.column("text"))).fill_null(0)
        lengths.append(words.to_numpy(zero_copy_only=False).astype(np.int64))
        n_rem = batch.column("n_removals").to_pylist()
        for i, n in enumerate(n_rem):
            key = (int(n or 0), -(row + i))
            if n and (len(heap) < n_examples or key > heap[0][:2]):
                entry = (*key, row + i)
                if len(heap) < n_examples:
                    heapq.heappush(heap, entry)
                else:
                    dropped = heapq.heapreplace(heap, entry)
                    keep.pop(dropped[2], None)
                keep[row + i] = {c: batch.column(c)[i].as_py() for c in cols if c in batch.schema.names}
        row += batch.num_rows
    examples = [keep[r] for _, _, r in sorted(heap, key=lambda e: (-e[0], -e[1]))]
    return (np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)), examples


def _removals_of(folder: Path, ids: set[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    for batch in _batches(folder, "removals", ["article_id", "category", "rule", "text", "line"]):
        mask = pc.is_in(batch.column("article_id"), value_set=pa.array(sorted(ids)))
        for r in batch.filter(mask).to_pylist():
            out[r["article_id"]].append(r)
    return out


def _scan_quarantine(folder: Path) -> tuple[dict[str, dict], list[dict]]:
    """Per check: count and the first example (reason, where); and the first `TABLE_ROWS` records."""
    by_check: dict[str, dict] = {}
    first: list[dict] = []
    for batch in _batches(folder, "quarantine", ["source_path", "source_index", "stage", "checks", "reasons"]):
        for r in batch.to_pylist():
            where = f"{r['source_path']}:{r['source_index']}"
            for check, reason in zip(r["checks"] or [], r["reasons"] or []):
                e = by_check.setdefault(check, {"count": 0, "reason": reason, "where": where})
                e["count"] += 1
            if len(first) < TABLE_ROWS:
                first.append({**r, "where": where})
    return by_check, first


def _scan_duplicates(folder: Path) -> tuple[Counter, list[dict]]:
    kinds: Counter = Counter()
    first: list[dict] = []
    for batch in _batches(folder, "duplicates", ["id", "source_path", "source_index", "duplicate_of",
                                                 "similarity", "kind"]):
        kinds.update(batch.column("kind").to_pylist())
        for r in batch.to_pylist():
            if len(first) >= TABLE_ROWS:
                break
            first.append(r)
    return kinds, first


def _example_lines(row: dict, removals: list[dict]):
    """The example's lines in input order, removed ones labelled: the decisions its cleaning made,
    as the articles table (`text_lines`) and the removals table hold them."""
    from cleaner.records import Label, Removal, labelled_lines

    return labelled_lines(row["text"] or "", row.get("text_lines"),
                          [Removal(Label(r["category"], r["rule"]), r["text"], r["line"]) for r in removals])


# -- the page ---------------------------------------------------------------------------------------------

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d232b;
max-width:1000px;margin:24px auto;padding:0 20px;background:#fff}
h1{font-size:26px;margin-bottom:4px}h2{margin-top:34px;border-bottom:1px solid #d7dce2;padding-bottom:4px}
.sub{color:#5b6470}table{border-collapse:collapse;margin:10px 0 6px}td,th{padding:4px 10px;border-bottom:1px solid #e4e7eb;
text-align:left;vertical-align:top}th{background:#f3f5f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;margin:8px 0;font-size:12px}svg.chart text{fill:#1d232b}svg.chart .axis{fill:#5b6470}
.ok{color:#2e8b57;font-weight:600}.bad{color:#b3261e;font-weight:600}
ol.lines{list-style:none;padding:0;margin:8px 0;border-left:3px solid #d7dce2}
ol.lines li{padding:2px 10px;white-space:pre-wrap}ol.lines li.removed{background:#fff4e5}
ol.lines li.removed del{color:#7a5a2a}.tag{display:inline-block;font-size:11px;font-weight:600;
background:#d08c00;color:#fff;border-radius:3px;padding:0 5px;margin-right:6px}
.meta{color:#5b6470;font-size:13px}code{font-size:13px}.muted{color:#5b6470}
.row{display:flex;flex-wrap:wrap;gap:8px 28px;align-items:flex-start}summary{cursor:pointer;color:#2f6fb3}
"""


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset(), cls: str = "") -> str:
    head = "".join(f'<th{" class=n" if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>'
                                    f'{f"{c:,}" if isinstance(c, int) else esc(c)}</td>' for i, c in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_report(folder: Path, ledger: "Ledger", name: str, version: str) -> str:
    """The report page for the version whose tables are in `folder`.

    Longer than most functions on purpose: it is the page's template, its sections (ledger,
    categories, rules, lengths, quarantine, duplicates, examples) in the order the page shows them,
    each a few lines over data the `_scan_*` helpers already gathered.
    """
    lengths, examples = _scan_articles(folder, N_EXAMPLES)
    by_check, quarantine_rows = _scan_quarantine(folder)
    dup_kinds, dup_rows = _scan_duplicates(folder)
    removals = _removals_of(folder, {e["id"] for e in examples})
    led = ledger
    cats = sorted(led.removals_by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    rules = sorted(led.removals_by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    n_removed = sum(v for _, v in cats)

    s: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(name)} {esc(version)}: build report</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(name)} {esc(version)}</h1>",
        '<p class="sub">Build report: what happened to every input record, what was removed and why. '
        'Every number comes from this version\'s own tables; <code>manifest.json</code> lists their checksums.</p>',
        '<h2 id="ledger">Counts ledger</h2>', '<div class="row">',
        hbar_svg([("published", led.published), ("quarantined", led.quarantined), ("duplicates", led.duplicates)],
                 "outcome of every input record", OUTCOME_COLOURS),
        _table(["outcome", "records"], [["inputs", led.inputs], ["published", led.published],
                                        ["quarantined", led.quarantined], ["duplicates", led.duplicates]], {1}, "ledger"),
        "</div>",
        (f'<p class="ok">inputs = published + quarantined + duplicates: {led.inputs:,} = {led.published:,} + '
         f'{led.quarantined:,} + {led.duplicates:,}</p>' if led.balanced() else
         f'<p class="bad">The ledger does not balance: {led.inputs:,} inputs, but {led.published:,} + '
         f'{led.quarantined:,} + {led.duplicates:,} outcomes.</p>'),
        '<h2 id="categories">Removals by category</h2>',
    ]
    if cats:
        s += [f"<p>{n_removed:,} lines removed from the published articles, in {len(cats)} categories.</p>",
              '<div class="row">', hbar_svg(cats, "removals by category"),
              _table(["category", "lines", "share"], [[c, n, f"{n / n_removed:.1%}"] for c, n in cats], {1, 2}),
              "</div>"]
    else:
        s.append('<p class="muted">Nothing was removed.</p>')
    s.append('<h2 id="rules">Removals by rule</h2>')
    if rules:
        shown = rules[:TOP_RULES]
        s += [f"<p>{len(rules)} rules fired; the {len(shown)} that removed most are drawn. "
              f"<code>cleaner rules</code> shows what each id means.</p>",
              hbar_svg(shown, "removals by rule"),
              f"<details><summary>All {len(rules)} rules</summary>",
              _table(["rule", "lines"], [[r, n] for r, n in rules], {1}), "</details>"]
    else:
        s.append('<p class="muted">No rule fired.</p>')
    s.append('<h2 id="lengths">Body length</h2>')
    if len(lengths):
        q = np.percentile(lengths, [0, 10, 50, 90, 100]).round().astype(int)
        s += ['<div class="row">', histogram_svg(length_bins(lengths), "body length distribution"),
              _table(["statistic", "words"], [["articles", int(len(lengths))]] + [
                  [k, int(v)] for k, v in zip(("min", "p10", "median", "p90", "max"), q)], {1}), "</div>"]
    else:
        s.append('<p class="muted">No article was published.</p>')
    s.append('<h2 id="quarantine">Quarantine reasons</h2>')
    if by_check:
        checks = sorted(by_check.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        s += [hbar_svg([(c, e["count"]) for c, e in checks], "quarantine by check",
                       {c: OUTCOME_COLOURS["quarantined"] for c, _ in checks}),
              _table(["check", "records", "first reason", "first seen at"],
                     [[c, e["count"], e["reason"], e["where"]] for c, e in checks], {1}),
              f"<p>The first {len(quarantine_rows)} quarantined records (all are in the <code>quarantine</code> "
              f"config, with their raw input):</p>",
              _table(["where", "stage", "checks", "reasons"],
                     [[r["where"], r["stage"], ", ".join(r["checks"] or []), "; ".join(r["reasons"] or [])]
                      for r in quarantine_rows])]
    else:
        s.append('<p class="ok">No record was quarantined.</p>')
    s.append('<h2 id="duplicates">Duplicates</h2>')
    if dup_rows:
        s += [hbar_svg(sorted(dup_kinds.items()), "duplicates by kind",
                       {k: OUTCOME_COLOURS["duplicates"] for k in dup_kinds}),
              _table(["where", "id", "duplicate of", "similarity", "kind"],
                     [[f"{r['source_path']}:{r['source_index']}", r["id"], r["duplicate_of"],
                       f"{r['similarity']:.3f}", r["kind"]] for r in dup_rows])]
    else:
        s.append('<p class="muted">No duplicates.</p>')
    s.append('<h2 id="examples">Example articles</h2>')
    if examples:
        s.append(f"<p>The {len(examples)} published articles with the most removals, each line as it came in; "
                 "removed lines are struck through and tagged with their category and rule. "
                 "<code>cleaner explain FILE</code> shows any input this way.</p>")
        for e in examples:
            s.append(_example_html(e, removals.get(e["id"], [])))
    else:
        s.append('<p class="muted">No published article had anything removed.</p>')
    s.append("</body></html>\n")
    return "\n".join(s)


def _example_html(row: dict, removals: list[dict]) -> str:
    lines = _example_lines(row, removals)
    out = [f'<section class="example" id="example-{esc(row["id"])}"><h3>{esc(row["title"] or "(no title)")}</h3>',
           f'<p class="meta">id <code>{esc(row["id"])}</code> · {esc(row["source_path"])}:{row["source_index"]}'
           + (f" · {esc(row['url'])}" if row.get("url") else "") + f" · {len(removals)} removals</p>",
           '<ol class="lines">']
    for m in lines[:EXAMPLE_MAX_LINES]:
        if m.label is None:
            out.append(f'<li class="kept">{esc(m.text)}</li>')
        else:
            out.append(f'<li class="removed" data-category="{esc(m.label.category)}"><span class="tag">'
                       f'{esc(m.label.category)} · {esc(m.label.rule)}</span><del>{esc(m.text)}</del></li>')
    out.append("</ol>")
    if len(lines) > EXAMPLE_MAX_LINES:
        out.append(f'<p class="muted">… {len(lines) - EXAMPLE_MAX_LINES} more lines.</p>')
    out.append("</section>")
    return "\n".join(out)


def write_report(folder: Path, ledger: "Ledger", name: str, version: str) -> Path:
    """Write `report.html` into the version folder `folder` (its tables already written); return its path."""
    path = Path(folder) / REPORT
    path.write_bytes(render_report(Path(folder), ledger, name, version).encode("utf-8"))
    return path

"""Explain one input: every line as it came in, each removed one marked with its category and rule.

`explain_file` reads a file with the ordinary reader, cleans and validates each record as `cleaner
run` would, and lines the cleaned article back up with its input: a text record's repaired lines
(the lines the classifier saw), an HTML record's main-content blocks. Each line is kept (body) or
carries the `Removal` that took it out. The metadata the cleaner found and the contract's verdict
come with it. `render_plain` marks removed lines `- [category rule]` so the output greps and diffs;
`render_rich` colours them for a terminal.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.language import describe_language
from cleaner.records import Article, Quarantined, Removal, Source

# Colours for categories in a terminal; a category not listed gets one picked by its name.
_PALETTE = ("magenta", "yellow", "cyan", "red", "blue", "green", "bright_magenta", "bright_yellow",
            "bright_cyan", "bright_red", "bright_blue", "bright_green")
META_FIELDS = ("title", "subtitle", "authors", "published", "url", "site_name", "language")


@dataclass(slots=True)
class MarkedLine:
    """One line of the input: kept in the body (`removal` is None) or removed by a rule."""

    line: int                     # 0-based index in the repaired text, or the block number for HTML
    text: str
    removal: Removal | None = None


@dataclass
class Explained:
    """One input record: where it came from, what the cleaner made of it and the contract's verdict."""

    source: Source
    article: Article | None = None
    lines: list[MarkedLine] = field(default_factory=list)
    quarantined: Quarantined | None = None    # why the record would not be published, if so

    @property
    def verdict(self) -> str:
        if self.quarantined is None:
            return "meets the contract: would be published"
        q = self.quarantined
        return f"quarantined at {q.stage}: " + "; ".join(f"{c}: {r}" for c, r in zip(q.checks, q.reasons))


def candidate_lines(article: Article) -> list[tuple[int, str]]:
    """The (index, text) lines the classifier saw for `article`: repaired text lines, or HTML blocks.

    >>> from cleaner.records import Source
    >>> candidate_lines(Article(id="x", source=Source("x.txt", "0" * 64), raw="Title\\n\\nBody line."))
    [(0, 'Title'), (2, 'Body line.')]
    """
    from cleaner.classify import segment
    from cleaner.repair import repair

    if article.content_type != "html":
        return [(ln.index, ln.text) for ln in segment(repair(article.raw))]
    from cleaner.html.extract import extract_html

    out = []
    for i, block in enumerate(extract_html(article.raw, article.url).blocks):
        text = repair(block.text).replace("\n", " ").strip()
        if text:
            out.append((i, text))
    return out


def mark_lines(article: Article, candidates: list[tuple[int, str]] | None = None) -> list[MarkedLine]:
    """Line a cleaned article back up with its input: kept paragraphs and removals in input order.

    When the candidate lines agree with the article (the kept ones are exactly its paragraphs),
    each is marked from the removal at its index. Otherwise (the input is not at hand, or cleaning
    changed since) the kept paragraphs fill the line numbers the removals left free, in order,
    which is exact whenever the lines had no gaps between them.

    >>> from cleaner.records import Source
    >>> a = Article(id="x", source=Source("x.txt", "0" * 64), text="Body one.\\n\\nBody two.",
    ...             removals=[Removal("title", "meta.title", "T", 0), Removal("caption", "caption.pair", "C", 2)])
    >>> [(m.line, m.text, m.removal and m.removal.rule) for m in mark_lines(a, [])]
    [(0, 'T', 'meta.title'), (1, 'Body one.', None), (2, 'C', 'caption.pair'), (3, 'Body two.', None)]
    """
    removed = {r.line: r for r in article.removals}
    paragraphs = [p for p in article.text.split("\n\n") if p] if article.text else []
    if candidates:
        kept = [t for i, t in candidates if i not in removed]
        if kept == paragraphs and removed.keys() <= {i for i, _ in candidates}:
            return [MarkedLine(i, removed[i].text if i in removed else t, removed.get(i)) for i, t in candidates]
    out: list[MarkedLine] = []
    body = iter(paragraphs)
    line = 0
    for r in sorted(article.removals, key=lambda r: r.line):
        while line < r.line:
            p = next(body, None)
            if p is None:
                break
            out.append(MarkedLine(line, p))
            line += 1
        out.append(MarkedLine(r.line, r.text, r))
        line = r.line + 1
    for p in body:
        out.append(MarkedLine(line, p))
        line += 1
    return out


def explain_file(path: str | Path, record: int | None = None,
                 config: CleanerConfig = DEFAULT_CONFIG) -> list[Explained]:
    """Every record of `path` (or only the one whose line or record number is `record`), explained.

    Raises FileNotFoundError when `path` does not exist.
    """
    from cleaner.stream import clean_records
    from cleaner.read import input_roots, read_file
    from cleaner.validate import validate_articles

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "no such file", str(path))
    roots = None if config.follow_links else input_roots([path])  # a link out of its folder is not read
    records = read_file(path, config, roots)
    records = records if record is None else _only(records, record)
    out: list[Explained] = []
    articles: list[tuple[Explained, Article]] = []
    for rec in clean_records(records, config):
        if isinstance(rec, Quarantined):
            out.append(Explained(rec.source, quarantined=rec))
            continue
        ex = Explained(rec.source, rec, mark_lines(rec, candidate_lines(rec)))
        out.append(ex)
        articles.append((ex, rec))
    if articles:
        _, bad = validate_articles([a for _, a in articles], config)
        failed = {id(q.source): q for q in bad}
        by_source = {id(a.source): ex for ex, a in articles}
        for key, q in failed.items():
            by_source[key].quarantined = q
    return out


def _only(records, index: int):
    """The record at `index`; reading stops once it is passed (records come in file order)."""
    for rec in records:
        if rec.source.index == index:
            yield rec
        elif rec.source.index > index:
            return


def _meta(article: Article) -> list[tuple[str, str]]:
    rows = []
    for name in META_FIELDS:
        value = describe_language(article) if name == "language" else getattr(article, name)
        if value:
            rows.append((name, "; ".join(value) if isinstance(value, list) else str(value)))
    for name in ("credits", "captions"):
        if getattr(article, name):
            rows.append((name, f"{len(getattr(article, name))} moved to metadata"))
    return rows


def render_plain(items: list[Explained]) -> str:
    """Text with plain markers: `  L12   text` for a kept line, `- L13 [category rule] text` for a removed one."""
    out: list[str] = []
    for ex in items:
        a = ex.article
        head = f"== {ex.source.where} ({ex.source.format}" + (f", id {a.id}" if a else "") + ") =="
        out.append(head)
        if a is not None:
            out += [f"{name + ':':<11}{value}" for name, value in _meta(a)]
        out.append(f"{'verdict:':<11}{ex.verdict}")
        if a is None and ex.quarantined is not None and ex.quarantined.raw:
            out.append(f"{'raw:':<11}{ex.quarantined.raw[:200]!r}")
        out.append("")
        for m in ex.lines:
            if m.removal is None:
                out.append(f"  L{m.line + 1:<5} {m.text}")
            else:
                out.append(f"- L{m.line + 1:<5} [{m.removal.category} {m.removal.rule}] {m.text}")
        kept = sum(1 for m in ex.lines if m.removal is None)
        if ex.lines:
            out += ["", f"{kept} lines kept, {len(ex.lines) - kept} removed"]
        out.append("")
    return "\n".join(out)


def category_colour(category: str) -> str:
    """A stable terminal colour for a removal category.

    >>> category_colour("caption") == category_colour("caption")
    True
    """
    return _PALETTE[zlib.crc32(category.encode()) % len(_PALETTE)]


def render_rich(items: list[Explained], console) -> None:
    """Print to a rich console: metadata as a grid, kept lines plain, removed ones struck through in colour."""
    from rich.table import Table
    from rich.text import Text

    for ex in items:
        a = ex.article
        console.rule(Text(f"{ex.source.where} ({ex.source.format}" + (f", id {a.id}" if a else "") + ")", style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan"); grid.add_column(overflow="fold")
        if a is not None:
            for name, value in _meta(a):
                grid.add_row(name, value)
        grid.add_row("verdict", Text(ex.verdict, style="green" if ex.quarantined is None else "bold red"))
        console.print(grid)
        console.print()
        for m in ex.lines:
            num = (f"L{m.line + 1:<5} ", "dim")
            if m.removal is None:
                console.print(Text.assemble("  ", num, m.text))
            else:
                colour = category_colour(m.removal.category)
                console.print(Text.assemble(("- ", colour), num,
                                            (f"[{m.removal.category} {m.removal.rule}] ", f"bold {colour}"),
                                            (m.text, f"strike {colour}")))
        console.print()

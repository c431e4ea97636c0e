"""Explain one input: every line as it came in, each removed one marked with its category and rule.

`explain_file` reads a file with the ordinary reader, cleans and validates each record as `cleaner
run` would, and shows the lines the classifier saw (a text record's repaired lines, an HTML
record's main-content blocks) as the cleaned article carries them (`Article.lines`): each one kept
(body) or with the `Label` that took it out, the same decisions the removals table records. The
metadata the cleaner found and the contract's verdict come with it. `render_plain` marks removed lines `- [category rule]` so the output greps and diffs;
`render_rich` colours them for a terminal.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.config import DEFAULT_CONFIG, CleanerConfig
from cleaner.language import describe_language
from cleaner.records import Article, LabelledLine, Quarantined, Skipped, Source

# Colours for categories in a terminal; a category not listed gets one picked by its name.
_PALETTE = ("magenta", "yellow", "cyan", "red", "blue", "green", "bright_magenta", "bright_yellow",
            "bright_cyan", "bright_red", "bright_blue", "bright_green")
META_FIELDS = ("title", "subtitle", "authors", "published", "url", "site_name", "language")


@dataclass
class Explained:
    """One input record: where it came from, what the cleaner made of it and the contract's verdict."""

    source: Source
    article: Article | None = None
    lines: list[LabelledLine] = field(default_factory=list)
    quarantined: Quarantined | None = None    # why the record would not be published, if so

    @property
    def verdict(self) -> str:
        if self.quarantined is None:
            return "meets the contract: would be published"
        q = self.quarantined
        return f"quarantined at {q.stage}: " + "; ".join(f"{c}: {r}" for c, r in zip(q.checks, q.reasons))


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
        if isinstance(rec, Skipped):  # a WARC request or image: nothing to explain
            continue
        if isinstance(rec, Quarantined):
            out.append(Explained(rec.source, quarantined=rec))
            continue
        ex = Explained(rec.source, rec, rec.lines)
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
            if m.label is None:
                out.append(f"  L{m.index + 1:<5} {m.text}")
            else:
                out.append(f"- L{m.index + 1:<5} [{m.label.category} {m.label.rule}] {m.text}")
        kept = sum(1 for m in ex.lines if m.label is None)
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
            num = (f"L{m.index + 1:<5} ", "dim")
            if m.label is None:
                console.print(Text.assemble("  ", num, m.text))
            else:
                colour = category_colour(m.label.category)
                console.print(Text.assemble(("- ", colour), num,
                                            (f"[{m.label.category} {m.label.rule}] ", f"bold {colour}"),
                                            (m.text, f"strike {colour}")))
        console.print()

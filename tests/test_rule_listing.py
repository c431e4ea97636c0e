"""`cleaner rules` lists every rule id that cleaning real pages records (ScrapingHub and trafilatura-dev)."""
from __future__ import annotations

from conftest import SHARED, needs_shared

import cleaner
from cleaner.errors import RefusedRecord
from cleaner.records import Article
from cleaner.rules import listing

PAGES = [SHARED / "benchmarks" / "scrapinghub" / "html", SHARED / "benchmarks" / "trafilatura-dev" / "html"]


@needs_shared
def test_every_rule_id_a_benchmark_page_records_is_listed_by_cleaner_rules():
    listed = {rid for rid, _, _ in listing()}
    recorded: dict[str, str] = {}
    n = 0
    for record in cleaner.read_inputs(PAGES):
        if not isinstance(record, Article):
            continue
        try:
            article = cleaner.clean_article(record)
        except RefusedRecord:
            continue
        n += 1
        for r in article.removals:
            recorded.setdefault(r.rule, record.source.path)
    assert n > 600
    assert {"html.ad", "html.aside", "html.byline", "context.before_core"} <= set(recorded)
    assert {rid: page for rid, page in recorded.items() if rid not in listed} == {}

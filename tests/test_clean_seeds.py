"""The seed articles, cleaned line by line as their gold labels say (../shared/corpus/seeds.gold.jsonl)."""
from __future__ import annotations

import pytest

from cleaner.classify import norm
from cleaner.clean import clean_article
from cleaner.records import Article, Source
from conftest import SEEDS, load_gold, needs_shared

pytestmark = needs_shared
META = {"title", "subtitle", "byline"}


def _gold():
    return load_gold() if SEEDS.exists() else []


def _clean(name: str) -> Article:
    raw = (SEEDS / name).read_text(encoding="utf-8")
    return clean_article(Article(id=name, source=Source(name, "0" * 64), raw=raw))


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: g["file"][:3])
def test_seed_keeps_every_body_line(gold):
    text = norm(_clean(gold["file"]).text)
    lost = [l["text"] for l in gold["lines"] if l["label"] == "body" and norm(l["text"]) not in text]
    assert lost == []


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: g["file"][:3])
def test_seed_leaves_no_junk_or_metadata_in_body(gold):
    body = {norm(l["text"]) for l in gold["lines"] if l["label"] == "body"}
    kept = set(norm(_clean(gold["file"]).text).split("\n\n"))
    leaked = [l["text"] for l in gold["lines"] if l["label"] != "body" and norm(l["text"]) in kept - body]
    assert leaked == []


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: g["file"][:3])
def test_seed_title_subtitle_and_bylines_go_to_metadata(gold):
    a = _clean(gold["file"])
    by_label = {}
    for l in gold["lines"]:
        by_label.setdefault(l["label"], []).append(l["text"])
    assert norm(a.title) == norm(by_label["title"][0])
    if "subtitle" in by_label:
        assert norm(a.subtitle or "") == norm(" ".join(by_label["subtitle"]))
    else:
        assert a.subtitle is None
    for byline in by_label.get("byline", []):
        moved = [norm(x) for x in a.credits] + [norm(x) for x in a.authors]
        assert any(m and m in norm(byline) for m in moved), byline


def test_seed_004_byline_gives_both_authors():
    assert _clean("004_cc1dd7cb33792fb3.txt").authors == ["Hwang Chun-mei", "Rita Cheng"]


def test_seed_004_translation_credit_goes_to_credits():
    assert "Translated and edited by Luisetta Mudie." in _clean("004_cc1dd7cb33792fb3.txt").credits


def test_long_then_short_caption_pair_is_removed_as_captions():
    a = _clean("003_58a277481ee7be65.txt")
    pair = [r for r in a.removals if r.text.startswith("An armored personnel carrier burns")]
    assert [r.category for r in pair] == ["caption", "caption"]
    assert {r.rule for r in pair} == {"caption.repeated_pair", "caption.ends_with_credit"}


def test_every_removal_names_a_known_rule():
    from cleaner.rules import CONTEXT_RULES, RULES_BY_ID
    for gold in _gold():
        for r in _clean(gold["file"]).removals:
            assert r.rule in RULES_BY_ID or r.rule in CONTEXT_RULES, r.rule

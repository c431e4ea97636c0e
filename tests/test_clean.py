"""Behaviour of the clean stage on real snippets and their close variants (cases in tests/cases/)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.classify import classify, segment
from cleaner.clean import clean_article
from cleaner.records import Article, Source

CASES = json.loads((Path(__file__).parent / "cases" / "lines.json").read_text(encoding="utf-8"))
BODY = ("The council voted on Tuesday to close the old bridge for repairs, officials said, after engineers "
        "found cracks in two of its stone arches.")
BODY3 = "Repairs are expected to cost about 1.2 million euros, paid for by the regional government and the city."
BODY2 = ("Traffic will be diverted over the ring road for six weeks, and buses will add about ten minutes "
         "to the journey, the transport office said.")


def _article(raw: str, **kw) -> Article:
    return clean_article(Article(id="t", source=Source("t.txt", "0" * 64), raw=raw, **kw))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["label"])
def test_line_case(case):
    """Each case puts its line between two story paragraphs (or after them, `where: tail`)."""
    if case.get("where") == "tail":
        doc = f"A title\n\n{BODY}\n\n{BODY2}\n\n{case['line']}"
        idx = 3
    else:
        doc = f"A title\n\n{BODY}\n\n{case['line']}\n\n{BODY2}"
        idx = 2
    label = classify(segment(doc))[idx]
    got = label.category if label else "body"
    if case.get("known_failure"):
        pytest.xfail(case["known_failure"])
    assert got == case["expect"], f"{case['line']!r}: expected {case['expect']}, got {got} ({label})"


def test_body_sentence_mentioning_a_photo_is_kept():
    a = _article(f"A title\n\n{BODY}\n\nThe photo by the agency showed the bridge, and the mayor called it a disgrace.\n\n{BODY2}")
    assert "The photo by the agency" in a.text


def test_standfirst_set_off_by_a_wider_gap_becomes_the_subtitle():
    a = _article(f"A title\n\nA short summary of the story in one sentence.\n\n\n{BODY}\n\n{BODY2}\n\n{BODY3}")
    assert a.subtitle == "A short summary of the story in one sentence."
    assert "short summary" not in a.text


def test_first_paragraph_with_even_spacing_stays_in_the_body():
    a = _article(f"A title\n\n\n{BODY}\n\n\n{BODY2}\n\n\n{BODY3}")
    assert a.subtitle is None and a.text.startswith("The council voted")


def test_standfirst_before_a_dateline_becomes_the_subtitle():
    a = _article(f"A title\n\nThe bridge closes for six weeks.\n\nLONDON (Reuters) - {BODY}\n\n{BODY2}")
    assert a.subtitle == "The bridge closes for six weeks."


def test_given_title_is_not_repeated_in_the_body():
    a = _article(f"Bridge to close\n\n{BODY}", title="Bridge to close")
    assert a.title == "Bridge to close" and a.text == BODY
    assert [r.rule for r in a.removals] == ["meta.title_repeat"]


def test_mojibake_and_entities_are_repaired_before_cleaning():
    a = _article("Title\n\nChinaâ€™s envoy said the talks &amp; the visit went well, and that more meetings were planned.")
    assert a.text == "China’s envoy said the talks & the visit went well, and that more meetings were planned."


def test_short_final_sentence_without_footer_is_kept():
    a = _article(f"A title\n\n{BODY}\n\n{BODY2}\n\nHe did not reply.")
    assert a.text.endswith("He did not reply.")


def test_lines_after_a_footer_heading_are_removed():
    a = _article(f"A title\n\n{BODY}\n\n{BODY2}\n\nRelated Articles\n\nCity opens new pool\n\nMayor visits school")
    assert a.text == f"{BODY}\n\n{BODY2}"
    assert [r.rule for r in a.removals][-2:] == ["context.after_core", "context.after_core"]

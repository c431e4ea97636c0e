"""The rule table is data: every rule matches its own example and not its counter."""
from __future__ import annotations

import re

import pytest

from cleaner.classify import classify, segment
from cleaner.rules import CONTEXT_RULES, RULES, RULES_BY_ID, whole_line
from schemas.removals import CATEGORIES

RULE_ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_matches_its_example(rule):
    assert rule.matches(rule.example), f"{rule.id} does not match its example {rule.example!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_does_not_match_its_counter(rule):
    assert not rule.matches(rule.counter), f"{rule.id} matches its counter {rule.counter!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_example_is_removed_in_context(rule):
    """Inside a real article (after its last paragraph), the example line is removed by that rule."""
    body = ("The council voted on Tuesday to close the old bridge for repairs, officials said, "
            "after engineers found cracks in two of its stone arches.")
    labels = classify(segment(f"A title\n\n{body}\n\n{rule.example}"))
    assert labels[2] is not None and labels[2].rule == rule.id


def test_rule_ids_are_well_formed_and_categories_known():
    for rid, cat in [(r.id, r.category) for r in RULES] + [(k, v[0]) for k, v in CONTEXT_RULES.items()]:
        assert RULE_ID.match(rid), rid
        assert cat in CATEGORIES, (rid, cat)
    assert len(RULES_BY_ID) == len(RULES)


def test_an_empty_phrase_group_is_refused():
    with pytest.raises(ValueError):
        whole_line()
    with pytest.raises(ValueError):
        whole_line("ok", " ")


def test_lexicons_are_data_and_every_phrase_is_matched_whole():
    """Each phrase of cleaner/data/lexicons/boilerplate.json, alone on a line, is removed by its group's
    rule; the same phrase inside a sentence is not."""
    import json
    from importlib.resources import files

    data = json.loads(files("cleaner").joinpath("data/lexicons/boilerplate.json").read_text(encoding="utf-8"))
    groups = {g: spec for g, spec in data.items() if not g.startswith("_")}
    assert groups
    for group, spec in groups.items():
        rule = RULES_BY_ID[f"lexicon.{group}"]
        assert rule.category == spec["category"] in CATEGORIES
        for lang, phrases in spec["phrases"].items():
            for p in phrases:
                assert rule.matches(f"  {p}: "), (group, lang, p)
                assert not rule.matches(f"{p} was the word the minister used in parliament on Tuesday."), (group, p)

"""The rule table is data: every rule matches its own example and not its counter."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cleaner.classify import classify, segment
from cleaner import lexicon
from cleaner.html.markup import BOILERPLATE_LINES, html_rules
from cleaner.match import _EVERY_LINE, phrase_key, trie_pattern, whole_line
from cleaner.rules import _MATCHER, CONTEXT_RULES, RULES, RULES_BY_ID, first_match, listing, rules_for
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
    for rid, cat, _ in listing():
        assert RULE_ID.match(rid), rid
        assert cat in CATEGORIES, (rid, cat)
    assert len(RULES_BY_ID) == len(RULES)


def test_every_html_marker_rule_has_one_category():
    """`cleaner rules` shows one category per id; a marker id used under two would mislead it."""
    from cleaner.html import markup as M
    seen: dict[str, set[str]] = {}
    markers = [*M.CLASS_MARKERS, *M.TAG_MARKERS.values(), *M.ROLE_MARKERS.values(), *M.ITEMPROP_MARKERS.values()]
    for m in markers:
        seen.setdefault(m.label.rule, set()).add(m.label.category)
    for category, rule in BOILERPLATE_LINES.values():
        seen.setdefault(rule, set()).add(category)
    assert {r: c for r, c in seen.items() if len(c) > 1} == {}
    assert set(seen) <= set(html_rules()) | set(RULES_BY_ID)


def test_an_empty_phrase_group_is_refused():
    with pytest.raises(ValueError):
        whole_line()
    with pytest.raises(ValueError):
        whole_line("ok", " ")


def test_lexicons_are_data_and_every_phrase_is_matched_whole():
    """Each phrase of cleaner/data/lexicons/boilerplate.json, alone on a line, is removed by its group's
    rule; the same phrase inside a sentence is not."""
    groups = lexicon.line_groups()
    assert groups
    for g in groups:
        rule = RULES_BY_ID[g.id]
        assert rule.category == g.category in CATEGORIES
        for p in g.all_phrases():
            assert rule.matches(f"  {p}: "), (g.id, p)
            assert not rule.matches(f"{p} was the word the minister used in parliament on Tuesday."), (g.id, p)


def test_the_vocabulary_file_holds_each_phrase_once_in_one_category():
    """A phrase in two groups (ignoring case and edge punctuation) would have two categories: the file
    must not hold one, and the loader refuses it."""
    homes: dict[str, list[tuple[str, str]]] = {}
    for g in lexicon.groups():
        for p in g.all_phrases():
            homes.setdefault(phrase_key(p), []).append((g.id, g.category))
    assert {k: v for k, v in homes.items() if len(v) > 1} == {}
    twice = (lexicon.groups()[0], lexicon.groups()[0]._replace(id="x.copy", category="other"))
    with pytest.raises(ValueError, match="is in"):
        lexicon.check(twice)


def test_subscribe_is_newsletter_not_navigation():
    """Once in two lists ("Subscribe" was navigation in one, newsletter in the other), now one home."""
    rule = RULES_BY_ID["lexicon.newsletter"]
    assert rule.matches("Subscribe") and not RULES_BY_ID["navigation.label"].matches("Subscribe")


def test_the_html_stage_and_the_contract_read_the_same_vocabulary():
    """A block phrase of the HTML stage carries its group's category; the contract's whole-line
    phrases are phrases of the file's groups."""
    assert BOILERPLATE_LINES["share"] == ("social", "social.label")
    assert BOILERPLATE_LINES["advertisement"] == ("ad", "ad.label")
    keys = {phrase_key(p) for g in lexicon.groups() for p in g.all_phrases()}
    lines = [p for p, where in lexicon.contract() if where == "line"]
    assert lines and all(phrase_key(p) in keys for p in lines)


@given(st.lists(st.text(alphabet="abcé:/", min_size=1, max_size=4), min_size=1, max_size=8), st.text(alphabet="abcé:/ ", max_size=20))
def test_the_needs_pattern_finds_a_line_exactly_when_it_holds_one_of_the_words(words, line):
    """The prefix-factored pattern is only a faster `any(w in line for w in words)`."""
    assert (re.search(trie_pattern(words), line) is not None) == any(w in line for w in words)


@pytest.mark.parametrize("rule_id, line", [
    ("caption.figure_label", "Abbildung 4: klassische Schwachschicht unter der Schneedecke."),
    ("caption.figure_label", "Figura 2: Evolución de la deuda pública entre 2010 y 2020."),
    ("caption.figure_label", "Rys. 3: Zasięg opadów w województwie."),
    ("caption.figure_label", "Image d'illustration : un bus à Lyon."),
    ("caption.figure_label", "図1：東京の人口の推移"),
    ("caption.figure_label", "Foto 2: Der Hafen am Morgen"),
    ("tags.label", "Schlagwörter: Wintersport, Olympia 2022"),
    ("tags.label", "Etiquetas: elecciones, Congreso"),
    ("tags.label", "Теги: экономика, нефть"),
    ("tags.permalink", "Dieser Eintrag wurde veröffentlicht in Podcast von Simon. Permalink."),
    ("lexicon.embed_consent", "Empfohlener redaktioneller Inhalt"),
    ("lexicon.embed_consent", "Contenu externe"),
])
def test_multilingual_captions_tags_and_embed_placeholders_are_named(rule_id, line):
    rule = first_match(line, len(line.split()), line.lower(), phrase_key(line))
    assert rule is not None and rule.id == rule_id


@pytest.mark.parametrize("line", [
    "Figure skating was the first sport to sell out, the organisers said.",
    "Bild und Ton fielen am Abend für zwei Stunden aus, sagte der Sender.",
    "Foto e video sono stati diffusi dalla polizia lunedì.",
    "Temas como la vivienda dominaron el debate de anoche en el Congreso.",
])
def test_story_sentences_that_open_with_those_words_are_not_named(line):
    rule = first_match(line, len(line.split()), line.lower(), phrase_key(line))
    assert rule is None or rule.category not in ("caption", "tags", "widget")


def _walk(line: str, n_words: int):
    """The plain table walk `Matcher.first_match` stands for: each rule `rules_for` the length, asked in turn."""
    return next((r for r in rules_for(n_words) if r.matches(line, n_words)), None)


_TABLE_LINES = sorted({s for r in RULES for s in (r.example, r.counter)} | {
    "Photo: AP", "Related: Bahn streicht Nachtzüge | Mehr", "By Jane Doe and John Roe, 12 March 2024",
    "© 2024 Example Media. All rights reserved.", "Lea también: el informe", "9 / 10", "【関連記事】東京", ""})


@pytest.mark.parametrize("line", _TABLE_LINES)
def test_the_matcher_names_what_the_plain_table_walk_names(line):
    """Gates, the needs automaton and phrase keys only skip rules that cannot match: at every length."""
    for n in sorted({len(line.split()), 0, 1, 7, 12, 30, 41, 81, 500}):
        assert first_match(line, n, line.lower(), phrase_key(line) if len(line) < 80 else "") is _walk(line, n), n
        assert first_match(line, n) is _walk(line, n), n


@settings(max_examples=2000, deadline=None)
@given(st.text(st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from("ſKİıÅµ•*+-–(«“# \t")), max_size=3),
       st.sampled_from(_TABLE_LINES))
def test_a_gate_is_passed_over_only_when_it_cannot_match(prefix, line):
    """A gate is tried only when the line begins with a character its matches can begin with
    (`match.first_chars`, compiled with the gate's flags: case folds alike)."""
    line = prefix + line
    for gate, start in zip(_MATCHER.gates, _MATCHER.gate_starts):
        if start.match(line) is None:
            assert gate.match(line) is None, (gate.pattern[:60], line)


@pytest.mark.parametrize("band", [i for i, s in enumerate(_MATCHER.gate_starts) if s is not _EVERY_LINE])
def test_every_line_a_gate_matches_begins_as_its_first_characters_say(band):
    gate, start = _MATCHER.gates[band], _MATCHER.gate_starts[band]

    # Not shrunk: a gate's lookaheads make shrinking a long generated line slow; a failure still shows it.
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    @given(st.from_regex(gate))
    def check(line):
        assert gate.match(line) is not None and start.match(line) is not None, line
    check()


def test_most_gates_have_a_first_character_class():
    assert sum(start is not _EVERY_LINE for start in _MATCHER.gate_starts) >= len(_MATCHER.gates) // 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TABLE_LINES), min_size=1, max_size=3), st.integers(0, 90))
def test_the_matcher_agrees_with_the_walk_on_lines_made_of_table_lines(parts, n):
    line = " ".join(parts)
    assert first_match(line, n, line.lower(), phrase_key(line) if len(line) < 80 else "") is _walk(line, n)

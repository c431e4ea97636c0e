"""The repair step's shortcuts past ftfy must never change what ftfy would have done.

`cleaner.repair._may_need_ftfy` lets lines through without ftfy when ftfy would return them as
they are, and `_ftfy_keeps` lets through more of the lines it sends. These tests hold both to
that against ftfy itself: on every short string over the characters treated as inert, on
generated lines, on strings made to match ftfy's detector, and on every non-ASCII line of the
benchmark pages.
"""
from __future__ import annotations

import itertools
import re
import sys
import unicodedata

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import repair as R
from cleaner.repair import _FTFY, _INERT_CATEGORIES, RepairBudget, _ftfy_keeps, _may_need_ftfy, repair

from conftest import SHARED, needs_shared

INERT = "".join(MOJIBAKE_CATEGORIES[k] for k in _INERT_CATEGORIES)


def test_inert_characters_never_make_mojibake_together():
    """The claim the shortcut rests on: no string of these characters and ASCII looks like mojibake
    to ftfy's detector. Every string of up to three of them (ASCII represented by the kinds of
    character the detector's patterns name: letters of both cases, space, digits, punctuation)."""
    alphabet = INERT + "aZ .1!,?"
    bad = [s for n in (1, 2, 3) for s in map("".join, itertools.product(alphabet, repeat=n)) if BADNESS_RE.search(s)]
    assert bad == []


def test_detector_characters_are_seen():
    """Each character the detector counts, other than the inert ones, sends its line to ftfy."""
    for c in MOJIBAKE_CATEGORIES["bad"] + MOJIBAKE_CATEGORIES["currency"] + "ÀÖÂÃéŒВΒ\x85":
        assert _may_need_ftfy(f"plain {c} text"), repr(c)


@pytest.mark.parametrize("line", ["It\u00e2\u20ac\u2122s", "caf\u00c3\u00a9", "a &amp; b", "ﬁnal",
                                  "e\u0301", "x\u2028y", "\x85", "\u00c2\u00a0"])
def test_damaged_lines_go_to_ftfy(line):
    assert _may_need_ftfy(line)
    assert ftfy.fix_text(line, _FTFY) != line


@pytest.mark.parametrize("line", ["一个约定，信守15年，感人至深；一段真情（2012年）。", "東京で「ＡＩ」の会議が開かれた。",
                                  "ＬＯＵＤ"])
def test_full_width_forms_are_kept(line):
    """Full-width punctuation is how Chinese and Japanese are punctuated, and full-width Latin
    letters are Japanese typography: not damage, so repair leaves them as they are."""
    assert repair(line) == line


# C0 controls are gone before ftfy is asked (`repair` drops them first), so they are not generated.
C0 = "".join(map(chr, range(0x20))) + "\x7f"
LINE_CHARS = st.one_of(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=C0),
    st.sampled_from(INERT + "ÂÃâ€™œ\x9d©®°é́ĀЂВ×ﬁＬ\u3000 &"),
)


@settings(max_examples=3000, deadline=None)
@given(st.text(LINE_CHARS, max_size=40))
@example("“Quoted” — it’s fine…")
@example("‚Ä†")
def test_lines_passed_over_are_lines_ftfy_keeps(line):
    if not _may_need_ftfy(line):
        assert ftfy.fix_text(line, _FTFY) == line


def test_the_detector_is_read():
    """The detector's pattern has the shape `_detector` reads: if an ftfy release changes it,
    every line `_may_need_ftfy` sends goes to ftfy again (safe, slower), and this says so."""
    assert R._DETECTOR is not None


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.from_regex(BADNESS_RE), st.text(st.sampled_from(INERT + "ÂÃâ€™œ©®°éВГРСЂ×½£«»“”-aZ .1"), max_size=12)))
def test_the_detector_taken_apart_is_the_detector(line):
    assert R._looks_bad(line) == bool(BADNESS_RE.search(line))


@settings(max_examples=3000, deadline=None)
@given(st.from_regex(BADNESS_RE))
def test_what_the_detector_matches_is_never_passed_over(line):
    """Every string holding a match of ftfy's detector, from any of its alternatives, goes to ftfy."""
    assert not _ftfy_keeps(line)


KEPT_CHARS = st.one_of(LINE_CHARS, st.sampled_from("àéèüöäßçñœ«»“”’–—…€£°²µ×ÀÉÂÃĂВГРСЂβ\x85\x9d\ufb01\u2028\ud800"))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(KEPT_CHARS, st.sampled_from(["&amp;", "&#39;", "&#x2019;", "&x", "AT&T", "&nTILDE;", "&EACUTE;"])),
                max_size=30).map("".join))
@example("L’été a été chaud à Paris, « très » chaud.")
@example("Itâ€™s")
@example("voilÃ le travail")
@example("Q&A: AT&T &amp R&D")
def test_lines_ftfy_keeps_are_lines_ftfy_keeps(line):
    if _ftfy_keeps(line):
        assert ftfy.fix_text(line, _FTFY) == line


@needs_shared
def test_benchmark_lines_passed_over_are_unchanged_by_ftfy():
    sys.path.insert(0, str(SHARED / "bench"))
    import htmlbench

    folder = SHARED / "benchmarks" / "scrapinghub" / "html"
    skipped = kept = 0
    for f in sorted(folder.iterdir()):
        for line in htmlbench.page_text(htmlbench.read_html(str(f))).split("\n"):
            if not line.isascii() and not _may_need_ftfy(line):
                skipped += 1
                assert ftfy.fix_text(line, _FTFY) == line, (f.name, line)
            elif _may_need_ftfy(line) and _ftfy_keeps(line):
                kept += 1
                assert ftfy.fix_text(line, _FTFY) == line, (f.name, line)
    assert skipped > 1000  # the shortcut does pass over most such lines
    assert kept > 100      # and the second one over many of those the first sends


def test_repair_still_fixes_mixed_text():
    text = "Clean “line” — fine\nIt\u00e2\u20ac\u2122s broken\n\u4e1c\u4eac\u90fd"
    assert repair(text) == "Clean “line” — fine\nIt’s broken\n东京都"
    assert unicodedata.is_normalized("NFC", repair("e\u0301"))


def _repair_line_by_line(text: str, budget: RepairBudget | None = None) -> str:
    """`repair` as it was written before it worked on whole texts: each line asked about, fixed and
    stripped on its own. The whole-text `repair` must give the same text, and spend the same budget."""
    text = R._normalise(text, R._DROPPED_BUT_C1).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(R._ftfy_line(line) if _may_need_ftfy(line) and (budget is None or budget.take(len(line))) else line
                     for line in text.split("\n"))
    for _ in range(2):
        if not R._C1_CONTROLS.search(text) or (budget is not None and not budget.take(len(text))):
            break
        text = ftfy.fix_text(R._normalise(text), _FTFY)
    return "\n".join(re.sub(" {2,}", " ", line).strip() for line in R._normalise(text).split("\n"))


TEXT_CHARS = st.one_of(LINE_CHARS, st.sampled_from(["\n", "\n\n", "  ", " \n ", "\r\n", "\u1680", "\u2028",
                                                    "&amp;", "It\u00e2\u20ac\u2122s", "e\u0301", "\x85", "\t"]))


@settings(max_examples=2000, deadline=None)
@given(st.lists(TEXT_CHARS, max_size=60).map("".join), st.one_of(st.none(), st.integers(0, 40)))
@example(" Title \n\n  Body  \u1680two ", None)
@example("caf\u00c3\u00a9\nIt\u00e2\u20ac\u2122s\na &amp; b", 9)
def test_repair_of_whole_text_is_repair_line_by_line(text, chars):
    budget, reference = (None, None) if chars is None else (RepairBudget(chars), RepairBudget(chars))
    assert repair(text, budget) == _repair_line_by_line(text, reference)
    assert budget is None or budget.left == reference.left


def test_only_the_odd_space_is_left_for_stripping():
    """`_strip_lines` strips spaces alone, unless the text holds `_ODD_SPACE`: every other white
    space character is dropped or made a space or a newline by `_normalise`."""
    left = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and R._normalise(c) not in ("", " ", "\n")]
    assert left == [R._ODD_SPACE]

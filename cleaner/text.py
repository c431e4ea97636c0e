"""Text helpers shared by the stages: how a line ends, which words are stop words, which script it is in.

One home for what the line classifier (`classify`, `shape`), the HTML stage (`html.body`,
`html.extract`) and dedup each used to define for themselves.

**Sentence ends.** Three patterns, kept apart because merging changes what the cleaner outputs:
with `SENTENCE_END` in place of either of the other two, one of the 730 benchmark pages of
`scripts/snapshot.py` comes out different (each tried on its own). `clean.py`'s own pattern, which
lacked "…" and "]", is merged into `SENTENCE_END`: on those pages the two never disagreed.

- `SENTENCE_END`: a terminal mark (. ! ? … or the CJK forms), maybe closed by quotes or brackets;
- `SENTENCE_OR_CLAUSE_END`: that, or a colon or semicolon (a line that leads into a list or a
  quote), or a closing quote (a line quoting speech): the classifier's test for a paragraph;
- `ENDS_IN_PUNCTUATION`: any terminal mark or closing quote or bracket, trailing spaces allowed:
  the HTML region scorer's test for a block of prose, which counts "(Manu Fernandez/AP)" too.

**Stop words.** `stop_word_table` maps each word of the `stop-words` package's lists (the
languages of `STOP_WORD_LANGUAGES`) to the bit set of languages that list it; `shape` picks a
document's list with it. (An article's language is detected by `cleaner.language`.)

**Scripts.** `CJK` matches Chinese, Japanese and Korean characters (`cjk_share`); `UNSPACED` is
the scripts written without spaces between words (Korean is written with spaces, so Hangul is not
in it).
"""
from __future__ import annotations

import re
from functools import lru_cache

#: Lines shorter than this have what is worked out from them alone remembered, `CACHED_LINES`
#: of them in each cache (the rule table's answer, a line's shape, ftfy's repair): menus, bylines
#: and footers recur across a site's pages; a long story sentence rarely does.
CACHED_MAX_CHARS = 200
CACHED_LINES = 1 << 14

# --- sentence ends ---------------------------------------------------------------------------------

#: A sentence ends in . ! ? … (or their CJK forms), maybe followed by closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")

#: A line that ends a sentence or leads into one (":" ";"), or closes a quotation.
SENTENCE_OR_CLAUSE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$|[\"'”’»][.!?…]?$")

#: A block whose last mark is terminal punctuation or a closing quote or bracket (spaces after it allowed).
ENDS_IN_PUNCTUATION = re.compile(r"[.!?。！？…»”\"')\]]\s*$")


def ends_sentence(text: str) -> bool:
    """Whether `text` ends like a sentence (`SENTENCE_END`).

    >>> ends_sentence("The ferry is back."), ends_sentence("「東京」。"), ends_sentence("He said: “No.”")
    (True, True, True)
    >>> ends_sentence("Read more:"), ends_sentence("(Manu Fernandez/AP)")
    (False, False)
    >>> bool(SENTENCE_OR_CLAUSE_END.search("Read more:")), bool(ENDS_IN_PUNCTUATION.search("(Manu Fernandez/AP) "))
    (True, True)
    """
    return SENTENCE_END.search(text) is not None


# --- stop words ------------------------------------------------------------------------------------

#: The stop-word lists used, as (ISO 639-1 code, `stop-words` name); a word's bit in
#: `stop_word_table` is its list's position here. Chinese, Japanese and Korean have none: their
#: text is not split by spaces, so density by words means nothing there (see `cjk_share`).
STOP_WORD_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "english"), ("es", "spanish"), ("pt", "portuguese"), ("fr", "french"), ("de", "german"),
    ("it", "italian"), ("nl", "dutch"), ("ru", "russian"), ("uk", "ukrainian"), ("pl", "polish"),
    ("cs", "czech"), ("sk", "slovak"), ("ro", "romanian"), ("hu", "hungarian"), ("tr", "turkish"),
    ("id", "indonesian"), ("ms", "malaysian"), ("sv", "swedish"), ("da", "danish"), ("nb", "norwegian"),
    ("fi", "finnish"), ("ca", "catalan"), ("bg", "bulgarian"), ("el", "greek"), ("ar", "arabic"),
    ("fa", "persian"), ("he", "hebrew"), ("hi", "hindi"), ("vi", "vietnamese"),
)

#: English function words, used only when the `stop-words` package cannot be imported.
FALLBACK_EN = frozenset("the of and to a in is that for it on was with as by at from he she they his her "
                        "this be are have has had not but or an which who will would said were their its".split())


@lru_cache(maxsize=1)
def stop_word_table() -> dict[str, int]:
    """Each stop word (lower-cased) and the bit set of the `STOP_WORD_LANGUAGES` whose list has it.

    Only words (letters, maybe an apostrophe) are kept: the lists also hold numbers ("10", "39")
    and abbreviations ("i.e.") that are not function words of any language.

    >>> table = stop_word_table()
    >>> table["the"] & 1, bool(table["der"] & (1 << 4)), "10" in table
    (1, True, False)
    """
    try:
        from stop_words import get_stop_words
    except ImportError:  # pragma: no cover - the package is a dependency; keep working without it
        return {w: 1 for w in FALLBACK_EN}
    table: dict[str, int] = {}
    for bit, (_, name) in enumerate(STOP_WORD_LANGUAGES):
        try:
            words = get_stop_words(name)
        except Exception:  # noqa: BLE001 - a list missing from an older release is skipped
            continue
        for w in words:
            w = w.lower()
            if w.isalpha() or "'" in w:
                table[w] = table.get(w, 0) | (1 << bit)
    return table


# --- scripts ---------------------------------------------------------------------------------------

KANA_RANGE = "\u3040-\u30ff"                     # hiragana and katakana
HAN_RANGE = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: extension A, unified, compatibility
HANGUL_RANGE = "\uac00-\ud7af"                   # Hangul syllables

#: Chinese, Japanese or Korean script.
CJK = re.compile(f"[{KANA_RANGE}{HAN_RANGE}{HANGUL_RANGE}]")
#: Scripts written without spaces between words (Japanese and Chinese; not Korean).
UNSPACED = re.compile(f"[{KANA_RANGE}{HAN_RANGE}]")


def cjk_share(text: str) -> float:
    """Share of a line's characters that are Chinese, Japanese or Korean script, to two places.

    >>> cjk_share("東京都は火曜日に発表した。"), cjk_share("서울시는 화요일"), cjk_share("Tokyo")
    (0.92, 0.88, 0.0)
    """
    return round(len(CJK.findall(text)) / len(text), 2) if text else 0.0


def count_words(text: str) -> int:
    """Words in a text: whitespace-separated, except that Chinese and Japanese, written without
    spaces, count two characters a word (as `Line.n_words` counts them), so that a Chinese story
    is as long to the contract as its translation.

    >>> count_words("The council voted on Tuesday."), count_words("一个约定，信守15年，感人至深；一段真情，延续15年，催人泪下。")
    (5, 11)
    """
    return max(len(text.split()), round(len(UNSPACED.findall(text)) / 2))


def re_internals():
    """Python's regex compiler and parser modules (`re._compiler`, `re._parser`; `sre_compile` and
    `sre_parse` before 3.11), through which patterns are read item by item (`cleaner.repair`'s
    reading of ftfy's detector, `cleaner.match.first_chars`)."""
    try:
        from re import _compiler, _parser
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser
    return _compiler, _parser

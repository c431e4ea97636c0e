"""The boilerplate vocabulary: every phrase the cleaner knows, in one data file, each in one group.

`cleaner/data/lexicons/boilerplate.json` holds groups of whole-line phrases by language. A group is
a rule of the same id (`navigation.label`, `lexicon.related`) with one category; the line rules
(`cleaner.rules`), the HTML stage's "a block of its own" test (`cleaner.html.extract`) and the
contract's "no boilerplate left" check (`schemas.articles`) all read it from here, so a phrase has one
home and one category. A phrase found twice (once its punctuation and case are ignored) is refused
when the file is read: two homes would be two categories.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from cleaner.match import phrase_key

#: Groups with an id in this family are used by the HTML stage only: no line rule is made of them.
HTML_ONLY = "html."
#: The HTML stage's own group: phrases marked when they are a block of their own, never line rules.
HTML_BLOCK_RULE = "html.boilerplate_line"


class Group(NamedTuple):
    """One group of phrases: a rule id, its category, an example and a counter, the phrases by language."""

    id: str
    category: str
    example: str
    counter: str
    seen: str
    phrases: dict[str, tuple[str, ...]]  # language -> phrases matched as a whole line
    blocks: dict[str, tuple[str, ...]]   # language -> phrases the HTML stage also marks as a block of their own
    prefix: bool = False                 # its phrases also open a teaser line ("Lea más: <headline>")

    def all_phrases(self) -> list[str]:
        """Every phrase of the group, the `blocks` included."""
        return [p for d in (self.phrases, self.blocks) for ps in d.values() for p in ps]


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Group, ...], tuple[tuple[str, str], ...], dict[str, tuple[str, ...]]]:
    data = json.loads(files("cleaner").joinpath("data/lexicons/boilerplate.json").read_text(encoding="utf-8"))
    groups = tuple(Group(gid, g["category"], g.get("example", ""), g.get("counter", ""), g.get("seen", ""),
                         {lang: tuple(ps) for lang, ps in g.get("phrases", {}).items()},
                         {lang: tuple(ps) for lang, ps in g.get("blocks", {}).items()}, g.get("prefix", False))
                   for gid, g in data["groups"].items())
    check(groups)
    words = {name: tuple(w for ws in by_lang.values() for w in ws)
             for name, by_lang in data["words"].items() if not name.startswith("_")}
    if not all(words.values()):
        raise ValueError("a word list of the lexicon file is empty")
    return groups, tuple((p, where) for p, where in data["contract"]), words


def check(groups: tuple[Group, ...]) -> None:
    """Refuse an empty group, an empty phrase, and a phrase found twice (in one group or in two).

    >>> g = Group("a.x", "ad", "", "", "", {"en": ("Sponsored",)}, {})
    >>> check((g, g._replace(id="b.y", category="related", phrases={"en": ("SPONSORED:",)})))
    Traceback (most recent call last):
    ...
    ValueError: phrase 'SPONSORED:' is in a.x (ad) and in b.y (related)
    """
    home: dict[str, Group] = {}
    for g in groups:
        if not g.all_phrases():  # an empty group would hide a typo in the table
            raise ValueError(f"phrase group {g.id!r} is empty")
        for p in g.all_phrases():
            k = phrase_key(p)
            if not k:
                raise ValueError(f"phrase {p!r} of {g.id} is empty once its punctuation is dropped")
            if k in home:
                h = home[k]
                raise ValueError(f"phrase {p!r} is in {h.id} ({h.category}) and in {g.id} ({g.category})")
            home[k] = g


def groups() -> tuple[Group, ...]:
    """Every group of the file, in file order."""
    return _load()[0]


def line_groups() -> tuple[Group, ...]:
    """The groups that are line rules (all but the HTML stage's own)."""
    return tuple(g for g in groups() if not g.id.startswith(HTML_ONLY))


def html_blocks() -> dict[str, tuple[str, str]]:
    """The phrases the HTML stage marks when a block is one of them, lower-cased: phrase -> (category,
    rule id), the rule being the phrase's group (a line rule, or `HTML_BLOCK_RULE` for the HTML stage's own).

    >>> html_blocks()["share this article"], html_blocks()["hide caption"]
    (('social', 'social.label'), ('boilerplate', 'html.boilerplate_line'))
    """
    return {p.lower(): (g.category, g.id) for g in groups() for ps in g.blocks.values() for p in ps}


def contract() -> tuple[tuple[str, str], ...]:
    """What the data contract refuses in a published body: (text, "anywhere" or "line") pairs."""
    return _load()[1]


def words(name: str) -> tuple[str, ...]:
    """One word list of the file's `words` (all languages together), for a shape rule to combine.

    >>> "reporter" in words("bio_roles") and "journaliste" in words("bio_roles")
    True
    """
    return _load()[2][name]

"""Descriptions ("the Russian president", "the North Korean leader") as mentions of the one
person of the document they can describe.

News names a person once with a title ("Russian President Vladimir Putin") and then often by
description alone. A description here is "the", an optional nationality and an office noun
(`titles.OFFICES`), not followed by a name. It becomes a mention of a person named earlier in
the document when exactly one such person fits:

- a person whose title had that office ("President … Putin" for "the president"), and, when
  the description has a nationality, whose title had that nationality too;
- failing an office match, a person whose title had the description's nationality ("the
  Russian ruler": Putin was "Russian President").

None or several, and the description is left alone. Read without a parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .titles import OFFICES

TITLE_WORDS = 4  # words before a name read as its title
TITLE_REACH = 200  # characters before a name that can hold those words
_NATIONALITY = r"(?:[A-Z][a-z]+\s+)?[A-Z][a-z]+(?:ian|ean|an|ese|ish|i|ch)"
_DESCRIPTION = re.compile(
    rf"\b[Tt]he\s+(?:(?P<nationality>{_NATIONALITY})\s+)?(?P<office>[a-z]+)\b(?!\s+[A-Z])"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


_TITLE_RUN = re.compile(rf"(?:{_WORD.pattern}\s+){{1,{TITLE_WORDS}}}$")
_NOT_THE_OFFICE = {"vice", "deputy", "former", "ex", "acting", "assistant"}


def _title_of(sentence: str, start: int) -> tuple[set[str], set[str]]:
    """The offices and nationality words of the title right before a name at `start`: the
    capitalised words and offices that touch it, up to the first punctuation or other word.
    "Vice President" is no president."""
    # Four words fit in the last TITLE_REACH characters; searching the whole sentence before
    # the name cost time in its length for every name (minutes for a run-on paragraph).
    run = _TITLE_RUN.search(sentence[max(0, start - TITLE_REACH) : start])
    words = []
    for word in reversed(run.group(0).split() if run else []):  # from the name backwards
        if not (word[:1].isupper() or word.lower() in OFFICES):
            break  # "… remove Foley as mayor and place Genis": no title
        words.insert(0, word)
    offices = {
        word.lower()
        for before, word in zip(["", *words], words)
        if word.lower() in OFFICES and before.lower() not in _NOT_THE_OFFICE
    }
    nationalities = {w.lower() for w in words if re.fullmatch(_NATIONALITY, w)}
    return offices, nationalities


def description_mentions(
    sentences: Sequence[str],
    people: Sequence[Sequence[tuple[int, int, str]]],
    taken: Sequence[Sequence[tuple[int, int]]],
) -> list[list[tuple[int, int, str]]]:
    """For each sentence of one document, the descriptions that fit one person named before.

    `people[i]`: (start, end, actor name) of the person mentions of sentence i; `taken[i]`:
    the spans of all its mentions, which a description may not overlap. Returns (start, end,
    actor name) per description to add, by sentence.
    """
    offices: dict[str, set[str]] = {}
    nationalities: dict[str, set[str]] = {}
    earlier: set[str] = set()  # people named in the sentences before
    found: list[list[tuple[int, int, str]]] = []
    for text, named, spans in zip(sentences, people, taken):
        for start, _, actor in named:
            its_offices, its_nationalities = _title_of(text, start)
            offices.setdefault(actor, set()).update(its_offices)
            nationalities.setdefault(actor, set()).update(its_nationalities)
        added = []
        for match in _DESCRIPTION.finditer(text):
            office = match.group("office")
            start, end = match.span()
            if office not in OFFICES or any(s < end and start < e for s, e in spans):
                continue
            known = earlier | {actor for s, _, actor in named if s < start}
            nationality = (match.group("nationality") or "").split()
            wanted = nationality[-1].lower() if nationality else None
            fits = {a for a in known if office in offices.get(a, ())}
            if wanted:
                fits = {a for a in fits if wanted in nationalities.get(a, ())} or {
                    a for a in known if wanted in nationalities.get(a, ())
                }
            if len(fits) == 1:
                added.append((start, end, next(iter(fits))))
        earlier |= {actor for _, _, actor in named}
        found.append(added)
    return found

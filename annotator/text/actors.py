"""Group a document's entity mentions into canonical actors.

The rules are deliberately small and predictable:
- names are compared after dropping a leading "the" and a possessive "'s";
- a one-word person name joins an earlier or later person whose full name contains it
  as a word ("Putin" → "Vladimir Putin", "Kim" → "Kim Jong-un"); the full name wins;
- a nationality adjective joins the country it derives from ("Russian" → "Russia",
  "North Korean" → "North Korea"), and the country name wins;
- built-in aliases (`aliases`) join the common names of one actor ("US", "America" →
  "United States"; "EU" → "European Union"; "French" → "France") under its canonical name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .aliases import COUNTRIES, canonical_actor

PERSON, NORP, GPE = "PERSON", "NORP", "GPE"

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_DEMONYM_SUFFIXES = ("ian", "ean", "an", "ese", "ish", "i", "n")
# Names whose "The" belongs to them; any other actor is named without it, so that "The
# White House" opening a sentence and "the White House" within one are one actor's name.
_KEEP_THE = frozenset({"the hague", "the gambia"})


def normalise_name(text: str) -> str:
    """The comparable form of a mention: no leading "the", no possessive, single spaces."""
    name = " ".join(text.split())
    name = _LEADING_THE.sub("", name)
    return _POSSESSIVE.sub("", name).strip()


def is_demonym_of(adjective: str, place: str) -> bool:
    """True when `adjective` looks like the nationality adjective of `place`."""
    adjective, place = adjective.lower(), place.lower()
    for suffix in _DEMONYM_SUFFIXES:
        if not adjective.endswith(suffix):
            continue
        stem = adjective[: len(adjective) - len(suffix)]
        if len(stem) >= 3 and place.startswith(stem) and len(place) - len(stem) <= 2:
            return True
    return False


@lru_cache(maxsize=4096)
def country_of(name: str) -> str | None:
    """The country a nationality adjective, or its plural, is of ("Russian", "Russians" →
    Russia; "Nigerian" → Nigeria, not Niger: the longest name wins); None for anything else,
    a country's own name included."""
    if name in COUNTRIES:
        return None
    forms = [name, name[:-1]] if name.endswith("s") else [name]
    found = [c for c in COUNTRIES for form in forms if is_demonym_of(form, c) and c != form]
    return max(found, key=len, default=None)


@dataclass
class _Actor:
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)

    def words(self) -> list[str]:
        return self.name.split()


def _find_person(actors: list[_Actor], name: str) -> _Actor | None:
    """The most recent person actor that `name` is a short or long form of."""
    words = name.split()
    for actor in reversed(actors):
        if actor.kind != PERSON:
            continue
        if len(words) == 1 and words[0] in actor.words():
            return actor
        if len(actor.words()) == 1 and actor.name in words:
            return actor
    return None


def _find_country(actors: list[_Actor], name: str) -> _Actor | None:
    """The place a nationality adjective belongs to, or the adjective a place was seen as.

    spaCy sometimes tags an adjective such as "Ukrainian" as a place, so both kinds are
    compared both ways; the adjective side must carry a demonym ending, which keeps
    "Niger" and "Nigeria" apart.
    """
    for actor in reversed(actors):
        if actor.kind not in (NORP, GPE):
            continue
        if is_demonym_of(name, actor.name) or is_demonym_of(actor.name, name):
            return actor
    return None


def group_actors(mentions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Map each (mention text, entity kind) of one document to its actor's (name, kind).

    Mentions are given in document order; the result has one entry per mention.
    """
    actors: list[_Actor] = []
    assigned: list[_Actor] = []
    for text, kind in mentions:
        name = _POSSESSIVE.sub("", " ".join(text.split())) or text
        if _LEADING_THE.match(name) and name.lower() not in _KEEP_THE:
            name = _LEADING_THE.sub("", name)  # "The White House" opening a sentence
        key = (normalise_name(text) or name).lower()
        known = canonical_actor(key) if kind != PERSON else None
        if known is None and kind in (NORP, GPE) and (country := country_of(name)):
            known = country, GPE  # one actor for it across the project's documents
        if known is not None:
            name, kind = known
            key = name.lower()
        actor = next((a for a in actors if key in a.aliases), None)
        if actor is None and kind == PERSON:
            actor = _find_person(actors, name)
            if actor is not None and len(name.split()) > len(actor.words()):
                actor.name = name
        if actor is None and kind in (NORP, GPE):
            actor = _find_country(actors, name)
            if actor is not None and is_demonym_of(actor.name, name):
                actor.name, actor.kind = name, kind
        if actor is None:
            actor = _Actor(name=name, kind=kind)
            actors.append(actor)
        actor.aliases.add(key)
        assigned.append(actor)
    return [(actor.name, actor.kind) for actor in assigned]

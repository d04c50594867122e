"""People named again by a word the recogniser missed: "Brett Kavanaugh" found, "Kavanaugh"
three sentences on not.

News names a person in full once and by surname afterwards, and the small recogniser misses
a lone surname often (a surname that is also a word, one at the start of a sentence, in a
headline's capitals). Two rules take the name from where it was found:

- **In a document**, a person's surname (the last word of a found name, or the one word of
  it) written again where no mention is becomes a mention of that person.
- **In a corpus** (the documents of an import, after the people the project already knows),
  a surname found as a person's often enough, and more often than written as a common
  lower-case word in the same text ("Sessions" of Jeff Sessions against "sessions"; never
  "May" against "may") or found as an organisation or a place ("Twitter", "POLITICO"),
  becomes a mention where the recogniser found none. The evidence comes from the
  recogniser's own finds only, so one guess never leads to another.

Either way the word must stand alone as a name: not inside a longer capitalised run ("White
House", "Price Waterhouse") unless an office title leads it ("Attorney General Yates"), and
not followed by "of" and a common noun ("Sessions of parliament").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .missed_names import GROUPS, OPENERS
from .pronouns import FIRST_NAMES
from .titles import OFFICES

PERSON = "PERSON"
# How often a surname must have been found as a person's before the corpus rule trusts it.
MIN_FINDS = 2
_WORD = re.compile(
    r"(?<![\w'’.])(?:(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{3,})(?![\w])"
)
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
# A word followed by "of" and a common noun is a thing, not a person named by surname:
# "Sessions of parliament", "the Price of oil" (where "Warren of Massachusetts" is a name).
_OF_A_THING = re.compile(r" of (?:the |a |an )?[a-z]")
# Capitalised words that open a sentence or a phrase before a name: "The Sessions-Rosenstein memo".
_LEADING = OPENERS | frozenset(
    "the a an this that these those his her their its our my in on at for of to with by from "
    "or".split()
)
# Short titles written before a name, beside the offices of `titles`.
_TITLES = OFFICES | frozenset(
    "mr mrs ms dr rep sen gov lt col sgt justice judge counsel attorney speaker senator "
    "chairwoman chairman director coach professor pastor rev sir lady lord".split()
)


@lru_cache(maxsize=65_536)  # the same names come back in every document
def surname(name: str) -> str | None:
    """The word a person is named by alone: the last word of their name, when it is a name."""
    words = re.sub(r"['’]s?$", "", name).split()
    last = words[-1] if words else ""
    return last if _WORD.fullmatch(last) and last.lower() not in GROUPS else None


def _stands_alone(sentence: str, start: int, end: int) -> bool:
    """Whether the word at [start, end) is not part of a longer capitalised name."""
    stop = start  # the previous word, read backwards from the start (no copy of the text)
    while stop > 0 and sentence[stop - 1] == " ":
        stop -= 1
    previous = sentence[sentence.rfind(" ", 0, stop) + 1 : stop]
    if previous[:1].isupper() and previous[-1:].isalpha():
        word = previous.lower().strip(".")
        if word not in _TITLES and word not in _LEADING:
            return False
    after = sentence[end : end + 2]
    if after[:1] == " " and after[1:].isupper():
        return False
    return not _OF_A_THING.match(sentence, end)


def names_in(sentence: str, taken: Iterable[tuple[int, int]], accept) -> list[tuple[int, int]]:
    """Spans of the capitalised words outside the `taken` spans that `accept` takes for a
    surname and that stand alone. A word in capitals is read as its title-case form ("FLYNN"
    → "Flynn"); a hyphened pair is tried whole ("Castro-Miles"), then each part ("the
    Pence-Schumer showdown")."""
    taken = list(taken)
    chosen: list[tuple[int, int]] = []
    for match in _WORD.finditer(sentence):
        start, end = match.span()
        word = match.group()
        parts = [(start, end, word)]
        if "-" in word:
            cut = start + word.index("-")
            parts += [(start, cut, sentence[start:cut]), (cut + 1, end, sentence[cut + 1 : end])]
        for part_start, part_end, part in parts:
            part = part.title() if part.isupper() else part
            if not accept(part) or part.lower() in GROUPS:  # the cheap tests first
                continue
            spans = taken + chosen
            if any(s < part_end and part_start < e for s, e in spans):
                continue
            if _stands_alone(sentence, start, end):
                chosen.append((part_start, part_end))
    return chosen


ORG = "ORG"
_FIRST_NAMES = FIRST_NAMES["male"] | FIRST_NAMES["female"]
# Second words that make "<first name> <word>" an organisation or a place after all
# ("Victoria Station", "Jordan Brand").
_NOT_SURNAMES = frozenset(
    "group foundation institute company brand bank church university college hospital school "
    "airlines airways motors media news times post capital partners holdings station beach "
    "street square river lake island county city hall center centre fund trust party club "
    "hotel records studios fc united".split()
)


def first_named_people(
    sentence: str, spans: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """The spans with each "organisation" that reads as a person's name made a person's:
    two capitalised words, the first a common first name ("Olaf Scholz", which the small
    recogniser calls an organisation). A pronoun can then refer to that person, and the
    surname alone, later, is found as theirs."""
    result = []
    for start, end, kind in spans:
        words = sentence[start:end].split()
        if (
            kind == ORG
            and len(words) == 2
            and all(word.isalpha() and word[0].isupper() for word in words)
            and words[0].lower() in _FIRST_NAMES
            and words[1].lower() not in _NOT_SURNAMES
        ):
            kind = PERSON
        result.append((start, end, kind))
    return result


def repeated_in_document(
    sentences: list[str], spans: list[list[tuple[int, int, str]]]
) -> list[list[tuple[int, int, str]]]:
    """Each sentence's spans with a PERSON span added wherever a surname of one of the
    document's people (found in `spans`, (start, end, kind) per sentence) is written again
    alone, and a span of another kind that is such a surname made a person's ("Tom Price …
    Price said", where the recogniser called the second an organisation)."""
    surnames = {
        name
        for sentence, found in zip(sentences, spans)
        for start, end, kind in found
        if kind == PERSON and (name := surname(sentence[start:end]))
    }
    if not surnames:
        return spans
    result = []
    for sentence, found in zip(sentences, spans):
        found = [
            (s, e, PERSON if kind != PERSON and surname(sentence[s:e]) in surnames else kind)
            for s, e, kind in found
        ]
        taken = [(s, e) for s, e, _ in found]
        added = [(s, e, PERSON) for s, e in names_in(sentence, taken, surnames.__contains__)]
        result.append(sorted(found + added) if added else found)
    return result


class KnownPeople:
    """The surnames a corpus has shown to be people's, learned document by document."""

    def __init__(self, names: Iterable[tuple[str, int]] = ()):
        """`names`: (name, documents it was found in) of the people a project already knows."""
        self.finds: Counter[str] = Counter()
        self.lower_case: Counter[str] = Counter()
        self.not_people: Counter[str] = Counter()  # found as an organisation, a place, …
        for name, documents in names:
            if word := surname(name):
                self.finds[word] += documents

    def trusted(self, word: str) -> bool:
        """Whether a lone `word` is taken for the person it names."""
        finds = self.finds[word]
        other = self.lower_case[word.lower()] + self.not_people[word]
        return finds >= MIN_FINDS and finds > other

    def learn(self, sentence: str, found: Iterable[tuple[str, bool]]) -> None:
        """Count what the recogniser found in a sentence ((text, whether a person) of each
        name), and the sentence's lower-case words."""
        self.lower_case.update(_LOWER_WORD.findall(sentence))
        for name, is_person in found:
            if word := surname(name):
                (self.finds if is_person else self.not_people)[word] += 1

    def missed(self, sentence: str, taken: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Spans of trusted surnames written alone outside the `taken` spans."""
        return names_in(sentence, taken, self.trusted)

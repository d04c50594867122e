"""Personal pronouns as mentions of the person they refer to, when that person is clear.

"He", "him", "his", "himself" and "she", "her", "hers", "herself" become mentions of a person
actor of the document when exactly one person can be meant, read without a parse:

- the candidates are the people named in the sentence before the pronoun or, when none is,
  those the sentence before spoke of (by name or by a pronoun resolved there);
- a person known to be of the other gender is no candidate. What is known: a title before
  the name ("Mr", "Sir", "Mrs", "Ms", "Queen", …), a first name of a short list of common
  ones, and the pronouns already resolved to that actor in the document;
- "him" and the object "her" ("joined her for") never refer to a person named earlier in
  the same clause: "Winfrey joined her" is not Winfrey herself;
- once a pronoun of one gender is left alone in a sentence, so are the later ones of that
  gender there: "She told Pauley she was …" speaks of one woman, not of Pauley;
- a quotation is a world of its own: a name inside it is no candidate for a pronoun outside
  ("“Trump inherited an economy from Barack Obama …,” he said": "he" is the speaker), and a
  pronoun inside one only refers to a name before it in the same quotation (the speaker
  would say "I").

Two candidates, or none, and the pronoun is left alone: a wrong actor on a card costs an
annotator more than a missing one. A pronoun inside a name already a mention is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MALE, FEMALE = "male", "female"
GENDER_OF_PRONOUN = {
    **dict.fromkeys(("he", "him", "his", "himself"), MALE),
    **dict.fromkeys(("she", "her", "hers", "herself"), FEMALE),
}
PRONOUNS = frozenset(GENDER_OF_PRONOUN)
_PRONOUN = re.compile(r"\b(?:" + "|".join(sorted(PRONOUNS)) + r")\b", re.IGNORECASE)
_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame|Lady|Lord|King|Queen|Prince|Princess)\.?\s+$")
_TITLE_GENDER = {
    **dict.fromkeys(("mr", "sir", "lord", "king", "prince"), MALE),
    **dict.fromkeys(("mrs", "ms", "miss", "dame", "lady", "queen", "princess"), FEMALE),
}
FIRST_NAMES = {
    MALE: frozenset(
        "john james robert michael william david richard joseph thomas charles christopher "
        "daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george "
        "edward ronald timothy jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry "
        "justin scott brandon benjamin samuel frank gregory raymond alexander patrick jack dennis "
        "jerry tyler aaron jose adam henry nathan douglas zachary peter kyle walter ethan jeremy "
        "harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse "
        "dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph "
        "randy eugene vincent russell elijah louis bobby philip johnny bill barack mitt ted bernie "
        "mike tom jim bob dan rick ben newt rand marco jeb boris vladimir emmanuel recep "
        "volodymyr sergei sergey dmitry dmytro viktor olaf narendra rishi keir nigel jens antony "
        "lloyd rex chuck mitch".split()
    ),
    FEMALE: frozenset(
        "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy "
        "betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa "
        "deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda "
        "pamela emma nicole helen samantha katherine christine debra rachel carolyn janet "
        "catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren "
        "christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa "
        "ann sara madison frances kathryn janice jean abigail alice judy sophia grace denise amber "
        "doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte marie "
        "kayla lori hillary nikki kamala ursula jacinda giorgia liz kristi marine ilhan "
        "alexandria tulsi kirsten oprah melania ivanka greta condoleezza madeleine hilary".split()
    ),
}
_OBJECT_FOLLOWERS = frozenset(
    "for to in on at with as and or but that from by of after before when because about "
    "into over than".split()
)
_QUOTATION = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_CLAUSE_BREAK = re.compile(r"[,;:()“”\"]|\b(?:that|who|which|whom|because|while|when|and|but)\b")


def is_pronoun(text: str) -> bool:
    """True for the mention text of a pronoun mention (the review card marks them)."""
    return text.lower() in PRONOUNS


def name_gender(sentence: str, start: int, name: str) -> str | None:
    """The gender a person's mention shows by a title before it or a common first name."""
    title = _TITLE.search(sentence[:start])
    if title:
        return _TITLE_GENDER[title.group(1).lower()]
    first = name.split()[0].lower() if name.split() else ""
    for gender, names in FIRST_NAMES.items():
        if first in names and len(name.split()) > 1:
            return gender
    return None


def _is_object(sentence: str, match: re.Match) -> bool:
    word = match.group(0).lower()
    if word == "him":
        return True
    if word != "her":
        return False
    following = re.match(r"\s*([A-Za-z]+|[^\sA-Za-z])?", sentence[match.end() :])
    after = (following.group(1) or "").lower() if following else ""
    return after in _OBJECT_FOLLOWERS or not after.isalpha()


def _quotation_of(quotations: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in quotations if s <= position < e), None)


def pronoun_mentions(
    sentences: Sequence[str],
    people: Sequence[Sequence[tuple[int, int, str]]],
    taken: Sequence[Sequence[tuple[int, int]]] | None = None,
) -> list[list[tuple[int, int, str]]]:
    """For each sentence of one document, the pronouns that refer to one clear person.

    `people[i]`: the (start, end, actor name) of each person mention of sentence i, and of no
    other kind; `taken[i]`: the spans of all its mentions, which a pronoun may not overlap.
    Returns (start, end, actor name) per pronoun to add, by sentence.
    """
    taken = taken or [[(s, e) for s, e, _ in named] for named in people]
    genders: dict[str, str] = {}
    for text, named in zip(sentences, people):
        for start, end, actor in named:
            gender = name_gender(text, start, text[start:end]) or name_gender(text, start, actor)
            if gender:
                genders.setdefault(actor, gender)
    found: list[list[tuple[int, int, str]]] = []
    previous: set[str] = set()
    for text, named, spans in zip(sentences, people, taken):
        added, blocked = [], set()
        quotations = [m.span() for m in _QUOTATION.finditer(text)]
        for match in _PRONOUN.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in spans):
                continue
            gender = GENDER_OF_PRONOUN[match.group(0).lower()]
            if gender in blocked:
                continue
            inside = _quotation_of(quotations, start)
            before = [
                (s, e, a)
                for s, e, a in [*named, *added]
                if s < start and _quotation_of(quotations, s) == inside
            ]
            if before and _is_object(text, match):  # not the subject of its own clause
                before = [(s, e, a) for s, e, a in before if _CLAUSE_BREAK.search(text[e:start])]
            candidates = {a for _, _, a in before} or (set() if inside else previous)
            candidates = {a for a in candidates if genders.get(a, gender) == gender}
            if len(candidates) == 1:
                actor = next(iter(candidates))
                genders.setdefault(actor, gender)
                added.append((start, end, actor))
            else:
                blocked.add(gender)
        found.append(added)
        # the people this sentence spoke of, by name or by a resolved pronoun; a sentence of
        # neither breaks the chain: the referent is then too far back to tell
        previous = {actor for _, _, actor in named} | {actor for _, _, actor in added}
    return found

"""Tell a nationality word that only describes a person from one that names an actor.

In "Russian President Vladimir Putin" the word "Russian" is tagged as a nationality (NORP)
but names no actor of its own: it qualifies Putin's title. Without a dependency parse, the
rule reads the words between the nationality and the next person: a title-like run of up
to four words ("President", "presidential front-runner", "Foreign Ministry spokeswoman")
with no function word or verb form in it. The same holds without a name when the run ends
in an office ("the Russian ruler", "a North Korean diplomat"): the words describe a person,
not the country. A plural nationality ("Republicans", "Israelis") is a group, never a
modifier, and so is a nationality before a plural or a non-office noun ("Russian officials",
"Russian forces", "the German newspaper").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

PERSON, NORP, GPE = "PERSON", "NORP", "GPE"
NATIONALITY_ENDINGS = ("ian", "ean", "ese", "ish")
MAX_TITLE_WORDS = 4
# Frequent irregular verbs of news reporting, which the "-ed" rule does not catch, and
# prepositions spaCy does not count as stop words.
_NOT_TITLE_WORDS = frozenset(
    "said says told tells gave gives met meets wrote writes saw sees took takes made makes "
    "spoke speaks sent sends put puts let lets sought seeks won wins lost loses like "
    "unlike versus vs.".split()
)


# Singular nouns of an office held by one person: a nationality before one of them, at the end
# of a title run, describes that person.
OFFICES = frozenset(
    "leader ruler president premier chancellor dictator strongman autocrat despot tyrant "
    "king queen monarch emperor prince princess minister secretary ambassador envoy diplomat "
    "spokesman spokeswoman spokesperson general commander admiral chief head counterpart "
    "mayor governor senator lawmaker politician official dissident".split()
)


def _is_title_word(token) -> bool:
    word = token.text.lower()
    if word == "-":  # inside a hyphenated title: "front-runner", "vice-presidential"
        return True
    hyphenated = token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == "-"
    if (token.is_stop and not hyphenated) or word in _NOT_TITLE_WORDS:
        return False
    if word.endswith(("ing", "ed")) and not token.is_title:
        return False
    return word.replace("-", "").replace(".", "").isalpha()


def _is_nationality(ent: Span) -> bool:
    """A NORP entity, or a place entity written as a nationality adjective: the recogniser
    tags "Ukrainian" in "Ukrainian Foreign Minister Dmytro Kuleba" as a place. No country's
    name has these endings."""
    if ent.label_ == NORP:
        return True
    return ent.label_ == GPE and ent.text.endswith(NATIONALITY_ENDINGS) and ent.text[:1].isupper()


def is_title_modifier(ent: Span) -> bool:
    """True for a nationality entity that only qualifies the person who follows it."""
    if not _is_nationality(ent):
        return False
    last = ent[-1].text
    if last.endswith("s") and not last.endswith("ss"):
        return False
    doc = ent.doc
    last_title = None
    for i in range(ent.end, min(ent.end + MAX_TITLE_WORDS + 1, len(doc))):
        token = doc[i]
        if token.ent_type_ == PERSON and token.ent_iob_ == "B":
            return True
        if not _is_title_word(token):
            break
        last_title = token
    return last_title is not None and last_title.text.lower() in OFFICES


# Capitalised offices whose title names a department: "Secretary of State Rex Tillerson".
_DEPARTMENT_OFFICES = frozenset({"Secretary", "Minister", "Undersecretary", "Commissioner"})


def is_office_department(ent: Span) -> bool:
    """True for an organisation named inside an office's title ("State" in "Secretary of
    State", "Homeland Security" in "Secretary of Homeland Security"): the title describes
    its holder, and the department is no actor there. A lower-case office ("the leader of
    Hamas") names a real organisation and is left alone."""
    doc = ent.doc
    start = ent.start - 1 - (ent.start > 1 and doc[ent.start - 1].lower_ == "the")
    return (
        ent.label_ == "ORG"
        and start >= 1
        and doc[start].lower_ == "of"
        and doc[start - 1].text in _DEPARTMENT_OFFICES
    )

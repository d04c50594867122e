"""The actor's role in its sentence, from spaCy's parser: who does what to whom.

A sentence's tone is not the stance toward every actor in it. "Russia's war in Ukraine" is
negative, but not about Ukraine; "Kuleba ridiculed the bromance between Putin and Kim" is
negative about Putin and Kim, while Kuleba is the one speaking; "the dictator Kim" and
"his sham election" say something about Kim and the election's owner that no word next to
them does in the lexicon. The roles below are the constructions where the parse says whom
the evaluation is about:

- `VICTIM`: the one a physical harm is done to ("invaded Ukraine", "the war in Ukraine",
  "the Ukraine war"): news readers and NewsMTSC's annotators alike take it as neutral.
- `CRITIC`: the subject of a criticism or of a legal act ("Kuleba ridiculed …", "the ICC
  issued a warrant …"): the criticism is about its object.
- `CRITICISED`: the object of a criticism or a legal act ("accused Trump", "a warrant
  against Putin").
- `PRAISED`: the object of praise or support ("Putin was welcomed", "hailed Merkel").
- `DISPARAGED` / `EXTOLLED`: an evaluative word attached to the mention ("dictator Kim",
  "his sham election", "a popular Merkel").

Only sentences with a cue word (one of the verbs and nouns below, in any form) are parsed,
so pre-labelling keeps its speed on text where no rule could apply. The tagger and parser run
without the lemmatizer; verbs are matched by their written forms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .base import Pair

VICTIM, CRITIC, CRITICISED, PRAISED = "victim", "critic", "criticised", "praised"
DISPARAGED, EXTOLLED = "disparaged", "extolled"

HARM_VERBS = (
    "invade bomb shell kill shoot wound occupy annex murder assassinate torture kidnap abduct "
    "execute raid besiege massacre"
)
CRITICISM_VERBS = (
    "criticize criticise condemn ridicule mock accuse blame denounce slam lambaste decry "
    "chide rebuke scold deride berate castigate assail sue impeach indict sanction punish "
    "arrest"
)
PRAISE_VERBS = (
    "praise hail applaud laud commend thank congratulate honor honour celebrate admire "
    "welcome endorse support champion reward"
)
HARM_NOUNS = frozenset(
    "war offensive invasion attack attacks aggression strikes bombing bombardment occupation "
    "annexation assault crimes atrocities massacre shelling siege".split()
)
CRITICISM_NOUNS = frozenset(
    "warrant charges allegations accusations sanctions indictment lawsuit investigation probe "
    "criticism impeachment".split()
)
# Evaluative words of news writing that VADER's lexicon lacks or rates neutral.
DISPARAGING = frozenset(
    "dictator tyrant autocrat despot sham warmonger thug crook liar authoritarian corrupt "
    "disgraced notorious rogue pariah regime".split()
)
EXTOLLING = frozenset("lavish beloved heroic respected renowned acclaimed".split())

# Logits added for each role, in the order positive, negative, neutral. Set by hand from
# the constructions' meaning, not fitted: they move a pre-label only where the parse is clear.
SHIFTS = {
    VICTIM: (0.0, -2.0, 2.0),
    CRITIC: (0.0, -1.5, 1.5),
    CRITICISED: (0.0, 1.0, 0.0),
    PRAISED: (1.0, 0.0, 0.0),
    DISPARAGED: (0.0, 2.0, -0.5),
    EXTOLLED: (2.0, 0.0, -0.5),
}
_PREPOSITIONS_OF_HARM = frozenset({"in", "on", "against", "of", "over", "into"})


def verb_forms(verb: str) -> set[str]:
    """The written forms of a regular English verb: base, -s, -ed, -ing."""
    if re.search(r"[^aeiou]y$", verb):  # occupy: occupies, occupied, occupying
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    stem = verb[:-1] if verb.endswith("e") else verb
    if len(verb) <= 4 and re.search(r"[^aeiou][aeiou][bdgmnpt]$", verb):
        stem = verb + verb[-1]  # slam: slammed, slamming
    plural = verb + ("es" if verb.endswith(("s", "sh", "ch", "x")) else "s")
    return {verb, plural, stem + "ed", stem + "ing"}


IRREGULAR = {"shoot": {"shot"}}


def _forms(verbs: str) -> frozenset[str]:
    words: set[str] = set()
    for verb in verbs.split():
        words |= verb_forms(verb) | IRREGULAR.get(verb, set())
    return frozenset(words)


HARM_FORMS = _forms(HARM_VERBS)
CRITICISM_FORMS = _forms(CRITICISM_VERBS)
PRAISE_FORMS = _forms(PRAISE_VERBS)
CUES = HARM_FORMS | CRITICISM_FORMS | PRAISE_FORMS | HARM_NOUNS | CRITICISM_NOUNS
CUES |= DISPARAGING | EXTOLLING
_WORD = re.compile(r"[a-z]+")


def has_cue(sentence: str) -> bool:
    """Whether any role could apply: a cue word is in the sentence."""
    return not CUES.isdisjoint(_WORD.findall(sentence.lower()))


@lru_cache(maxsize=1)
def load_parser():
    """spaCy's tagger and parser, loaded once per process (no recogniser, no lemmatizer)."""
    import spacy

    from annotator.text.sentences import SPACY_MODEL

    return spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer", "senter"])


def mention_roles(pairs: Sequence[Pair], batch_size: int = 64) -> list[frozenset[str]]:
    """The roles of each pair's mention; each sentence with a cue is parsed once."""
    cued = list(dict.fromkeys(p.sentence for p in pairs if has_cue(p.sentence)))
    if not cued:
        return [frozenset()] * len(pairs)
    docs = dict(zip(cued, load_parser().pipe(cued, batch_size=batch_size)))
    roles = []
    for pair in pairs:
        doc = docs.get(pair.sentence)
        span = doc.char_span(pair.start, pair.end, alignment_mode="expand") if doc else None
        roles.append(roles_of(span.root) if span is not None and len(span) else frozenset())
    return roles


def roles_of(head) -> frozenset[str]:
    """The roles of the mention whose syntactic head is the token `head`."""
    roles = _position_roles(head)
    governor = head.head
    if head.dep_ in ("amod", "compound", "nmod", "poss") and VICTIM in _position_roles(governor):
        roles.add(VICTIM)  # "attacks on Ukrainian cities"
    attached = [c for c in head.children if c.dep_ in ("amod", "compound", "appos", "nmod")]
    if head.dep_ in ("appos", "compound"):  # "dictator Kim Jong-un", "the Putin regime"
        attached.append(governor)
    if head.dep_ == "poss":  # "his sham election": what is said of the thing owned
        attached += [governor, *(c for c in governor.children if c.dep_ in ("amod", "compound"))]
    words = {token.lower_ for token in attached}
    if words & DISPARAGING:
        roles.add(DISPARAGED)
    if words & EXTOLLING:
        roles.add(EXTOLLED)
    return frozenset(roles)


def _position_roles(token) -> set[str]:
    """The roles that the token's place in the sentence gives it: subject, object, the
    object of a preposition."""
    governor, dep = token.head, token.dep_
    clause = next((c for c in token.children if c.dep_ == "relcl"), None)
    if clause is not None and any(
        c.dep_ == "nsubj" and c.lower_ in ("which", "who", "that") for c in clause.children
    ):
        governor, dep = clause, "nsubj"  # "the ICC, which issued a warrant"
    word = governor.lower_
    if dep == "nsubj":
        if word in CRITICISM_FORMS or _has_object(governor, CRITICISM_NOUNS):
            return {CRITIC}
    elif dep in ("dobj", "nsubjpass"):
        return _patient_roles(word)
    elif dep == "pobj" and governor.dep_ == "prep":
        preposition, owner = word, governor.head
        roles = set()
        if preposition in ("against", "at", "on") and owner.pos_ == "VERB":
            roles |= _patient_roles(owner.lower_)
        if preposition in _PREPOSITIONS_OF_HARM and (
            owner.lower_ in HARM_NOUNS or (owner.pos_ == "VERB" and _has_object(owner, HARM_NOUNS))
        ):
            roles.add(VICTIM)  # "the war in Ukraine", "carry out its offensive in Ukraine"
        if preposition == "against" and owner.lower_ in CRITICISM_NOUNS:
            roles.add(CRITICISED)
        return roles
    elif dep == "compound" and word in HARM_NOUNS:
        return {VICTIM}  # "the Ukraine war"
    return set()


def _has_object(verb, nouns: frozenset[str]) -> bool:
    return any(child.dep_ == "dobj" and child.lower_ in nouns for child in verb.children)


def _patient_roles(verb: str) -> set[str]:
    if verb in HARM_FORMS:
        return {VICTIM}
    if verb in CRITICISM_FORMS:
        return {CRITICISED}
    if verb in PRAISE_FORMS:
        return {PRAISED}
    return set()


def role_shifts(roles: Sequence[frozenset[str]], polarities: list[str]):
    """A (pairs × polarities) array of the logits the roles add."""
    import numpy as np

    order = {"positive": 0, "negative": 1, "neutral": 2}
    shifts = np.zeros((len(roles), len(polarities)))
    for row, found in enumerate(roles):
        for role in found:
            for column, polarity in enumerate(polarities):
                shifts[row, column] += SHIFTS[role][order[polarity]]
    return shifts

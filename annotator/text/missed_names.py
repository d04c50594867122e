"""People the small entity recogniser misses in two frequent, well-marked places.

- A transcript's speaker label: a sentence that starts with a name in capitals and a colon
  ("CORNISH: That's NPR's Tim Mak.", "AMY GOODMAN: For more, …").
- A surname alone at the start of a sentence, before a verb of saying or doing ("Dorsey
  thanked podcast host …", "Clapper addressed …"): a capitalised word that is no function word,
  no plural ("Officials said", "Democrats argued"), no adverb or participle ("Newly released",
  "Having ditched") and none of the groups and roles news opens with ("Police arrested",
  "Journalist says"), followed by a reporting verb or a verb in "-ed".

Read from the tokenizer's output only (no tagger), so imports stay fast. Both rules only add
people where the recogniser found no entity.
"""

from __future__ import annotations

import re

PERSON = "PERSON"
MAX_SPEAKER_WORDS = 3
NOT_SPEAKERS = frozenset(
    "update breaking exclusive watch video photos photo note editor correction read more news "
    "analysis opinion live q a transcript audio sources source icymi related warning".split()
)
REPORTING_VERBS = frozenset(
    "said says told tells wrote writes added adds argued argues spoke speaks thanked addresses "
    "tweeted tweets announced announces warned warns claimed claims insisted insists denied "
    "denies responded responds noted notes explained explains replied replies acknowledged "
    "admitted admits praised praises criticized criticised blamed blames urged urges called "
    "calls met meets won wins lost loses became becomes took takes made makes gave gives "
    "sought seeks faces faced".split()
)
GROUPS = frozenset(
    "police officials critics authorities investigators protesters lawmakers prosecutors "
    "congress parliament government administration everyone nobody somebody someone "
    "researchers scientists voters residents witnesses troops soldiers officers experts "
    "analysts reports sources markets stocks prices inflation trade unemployment growth "
    "washington moscow beijing europe america britain china russia israel iran "
    "today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december "
    "it this that these those there here he she they we you i one "
    "poll survey study report journalist reporter spokesman spokeswoman official lawyer "
    "attorney judge court jury president senator governor mayor minister leader chairman "
    "witness victim suspect better worse more less most least".split()
)
_NAME = re.compile(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?")
_CAPITALS = re.compile(r"[A-Z][A-Z'’.-]+")


def missed_people(sent) -> list[tuple[int, int]]:
    """(start, end) character offsets, in the document, of people `sent` names in one of the
    two places above; `sent` is a spaCy sentence span."""
    tokens = [t for t in sent[: MAX_SPEAKER_WORDS + 2] if not t.is_space]  # the opening only
    if not tokens:
        return []
    found = _speaker(tokens)
    if found is None:
        found = _subject_surname(tokens)
    return [found] if found is not None else []


def _speaker(tokens) -> tuple[int, int] | None:
    words = []
    for token in tokens[: MAX_SPEAKER_WORDS + 1]:
        if token.text == ":":
            break
        if not _CAPITALS.fullmatch(token.text) or token.text.lower() in NOT_SPEAKERS:
            return None
        words.append(token)
    else:
        return None
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return None
    if any(t.ent_type_ or t.is_stop for t in words):  # "SEE ALSO:"
        return None
    return words[0].idx, words[-1].idx + len(words[-1].text)


def _subject_surname(tokens) -> tuple[int, int] | None:
    if len(tokens) < 2:
        return None
    name, verb = tokens[0], tokens[1]
    word = name.text
    if name.ent_type_ or not _NAME.fullmatch(word) or name.is_stop:
        return None
    if word.lower() in GROUPS or (word.endswith("s") and not word.endswith("ss")):
        return None
    if word.endswith(("ly", "ing")):  # "Newly released …", "Having ditched …"
        return None
    following = verb.text
    if not following.islower() or not (following in REPORTING_VERBS or following.endswith("ed")):
        return None
    return name.idx, name.idx + len(word)

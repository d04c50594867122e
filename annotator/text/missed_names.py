"""People the small entity recogniser misses in three frequent, well-marked places.

- A transcript's speaker label or a headline's: a sentence that starts with a name in
  capitals, or one surname, and a colon ("CORNISH: That's NPR's Tim Mak.", "AMY GOODMAN: For
  more, …", "Gibbs: Clinton's use of private emails 'highly unusual'").
- The speaker after a quotation: a surname after the closing quote, before a verb of saying
  ("… this,” Coburn said.", "…," Jindal told attendees).
- A surname alone at the start of a sentence (or after a word like "Though", "When" or
  "But" that opens one), before a verb of saying or doing ("Dorsey
  thanked podcast host …", "Clapper addressed …"): a capitalised word that is no function word,
  no plural ("Officials said", "Democrats argued"), no adverb or participle ("Newly released",
  "Having ditched") and none of the groups and roles news opens with ("Police arrested",
  "Journalist says"), followed by a reporting verb, a verb in "-ed", an auxiliary ("Sessions
  has not confirmed"), an adverb of time or report ("Duterte also asserted", "Hekmatyar
  reportedly blamed"), a possessive ("Gradel's announcement"), an apposition ("Lauten, 41,")
  or "and" with another name ("Baxter and Taylor"); a surname ending in "s" only before a
  verb in the singular ("Campos is out of the hospital", "Grimes, …" is not enough).

Read from the tokenizer's output only (no tagger), so imports stay fast. The rules only add
people where the recogniser found no entity.
"""

from __future__ import annotations

import re

PERSON = "PERSON"
MAX_SPEAKER_WORDS = 3
NOT_SPEAKERS = frozenset(
    "update breaking exclusive watch video photos photo note editor correction read more news "
    "analysis opinion live q a transcript audio sources source icymi related warning "
    "advertisement editorial poll report review explainer timeline graphic chart map image "
    "caption credit title subject topics tags share comments summary background question "
    "answer listen inside letters".split()
)
REPORTING_VERBS = frozenset(
    "said says told tells wrote writes added adds argued argues spoke speaks thanked addresses "
    "tweeted tweets announced announces warned warns claimed claims insisted insists denied "
    "denies responded responds noted notes explained explains replied replies acknowledged "
    "admitted admits praised praises criticized criticised blamed blames urged urges called "
    "calls met meets won wins lost loses became becomes took takes made makes gave gives "
    "sought seeks faces faced went goes came comes got gets left leaves held holds ran runs "
    "brought kept keeps began begins led leads felt found finds thought thinks knew knows "
    "stood paid spent sent hit".split()
)
# Words that open a sentence before its subject: "Though Chappelle decided …".
OPENERS = frozenset(
    "though although while when after before but and as if because since until so yet "
    "once whereas".split()
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
    "witness victim suspect better worse more less most least image photo picture caption "
    "copyright professor doctor west east north south".split()
)
AUXILIARIES = frozenset(
    "is was has had will would could can may might should must does did".split()
)
ADVERBS = frozenset(
    "also never then now still reportedly later already previously again recently once "
    "initially allegedly apparently".split()
)
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
# Sentence openers that stand before a comma or a possessive and are no stop words.
NOT_NAMES = frozenset(
    "instead overall earlier later afterward nonetheless regardless furthermore plus sure yes "
    "oh okay ok right far second tonight twice soon maybe meanwhile indeed thanks sorry look "
    "listen nation world year week country state city company party family news politics economics "
    "ethics physics mathematics athletics series species".split()
)
SINGULAR_VERBS = frozenset({"is", "was", "has", "does"})
CLOSING_QUOTES = frozenset({'"', "”", "'", "’"})
ABSTRACT_ENDINGS = ("tion", "sion", "ment", "ness", "ism", "ship", "hood", "ity")
_NAME = re.compile(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?")
_CAPITALS = re.compile(r"[A-Z][A-Z'’.-]+")


def missed_people(sent) -> list[tuple[int, int]]:
    """(start, end) character offsets, in the document, of people `sent` names in one of the
    places above; `sent` is a spaCy sentence span."""
    tokens = [t for t in sent[: MAX_SPEAKER_WORDS + 2] if not t.is_space]  # the opening only
    if not tokens:
        return []
    found = _speaker(tokens)
    if found is None:
        found = _subject_surname(tokens)
    if found is None and tokens[0].text.lower() in OPENERS:
        found = _subject_surname(tokens[1:])
    people = [found] if found is not None else []
    return people + _quoted_speakers(sent)


def _quoted_speakers(sent) -> list[tuple[int, int]]:
    """Surnames right after a quotation's closing quote and its comma, before a verb of
    saying: '"…," Coburn said.'"""
    tokens = [t for t in sent if not t.is_space]
    found = []
    for before, quote, name, verb in zip(tokens, tokens[1:], tokens[2:], tokens[3:]):
        if before.text in {",", "?", "!"} and quote.text in CLOSING_QUOTES:
            if verb.text in REPORTING_VERBS and _could_be_surname(name):
                found.append((name.idx, name.idx + len(name.text)))
    return found


def _could_be_surname(token) -> bool:
    """A capitalised word outside any entity, that is no function word and none of the
    groups, roles and openers above."""
    word = token.text
    if token.ent_type_ or not _NAME.fullmatch(word) or token.is_stop:
        return False
    lower = word.lower()
    return lower not in GROUPS and lower not in NOT_NAMES and lower not in NOT_SPEAKERS


def _speaker(tokens) -> tuple[int, int] | None:
    if len(tokens) > 1 and tokens[1].text == ":" and _could_be_surname(tokens[0]):
        return tokens[0].idx, tokens[0].idx + len(tokens[0].text)  # "Gibbs: …"
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
    plural = word.endswith("s") and not word.endswith("ss")
    if word.lower() in GROUPS or (plural and verb.text not in SINGULAR_VERBS):
        return None
    if word.endswith(("ly", "ing")):  # "Newly released …", "Having ditched …"
        return None
    if word.lower() in NOT_NAMES or word.endswith(ABSTRACT_ENDINGS):  # "Speculation has …"
        return None
    if not _names_a_subject(tokens[1:]):
        return None
    return name.idx, name.idx + len(word)


def _names_a_subject(following) -> bool:
    """Whether the words after a capitalised opening word read as what a person does or is."""
    word = following[0].text
    if word in POSSESSIVES:
        return True
    if word == ",":  # an apposition, not a quoted word: 'Legit," said Dougherty.'
        return len(following) < 2 or following[1].text not in CLOSING_QUOTES
    if word == "and":
        return len(following) > 1 and bool(_NAME.fullmatch(following[1].text))
    if not word.islower():
        return False
    return word in REPORTING_VERBS or word.endswith("ed") or word in AUXILIARIES or word in ADVERBS

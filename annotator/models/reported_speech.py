"""Who speaks in a sentence: the sentiment of a quote is rarely about its speaker.

"Putin said the sanctions were a disgrace" is negative about the sanctions, not about
Putin. A mention followed by a reporting verb (at most one word later, not a passive), or
preceded by "according to", marks the actor as the speaker, and the embedding backend gives
neutral a head start for it.
"""

from __future__ import annotations

import re

_REPORTING_VERBS = (
    "said|says|told|tells|added|adds|wrote|writes|tweeted|stated|argued|argues|explained|"
    "noted|insisted|claimed|claims|asked|warned|announced"
)
# One word may come between ("Putin also said", "Trump has told"), but not a form of "be":
# "Kim is said to be ill" and "Trump was told" speak about the actor, not by them.
_SPEAKER_AFTER = re.compile(
    rf"^\W*(?:(?!(?:is|was|were|are|be|been|being)\b)\w+\W+)??(?:{_REPORTING_VERBS})\b",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(r"according to\W*(?:\w+\W+){0,3}$", re.IGNORECASE)


def is_speaker(sentence: str, start: int, end: int) -> bool:
    """True when the mention at start:end is the one who says the sentence's words."""
    return bool(_SPEAKER_AFTER.match(sentence[end:]) or _ACCORDING_TO.search(sentence[:start]))

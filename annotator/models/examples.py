"""Example sentences per polarity for the embedding backend, with "he" standing for the actor.

They are written by hand, not taken from any labelled data set: typical news phrasings of
praise, criticism and plain reporting about a person, group or country.
"""

from __future__ import annotations

from functools import lru_cache

# Scheme labels mapped to the polarity whose examples describe them.
POLARITY_OF_LABEL = {"favor": "positive", "against": "negative"}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "positive": (
        "He was praised for his leadership.",
        "Supporters celebrated his victory.",
        "He won widespread admiration.",
        "He deserves credit for the success.",
        "Experts applauded him for the wise decision.",
        "He is a popular and respected leader.",
        "He was honored for his courage.",
        "The deal was a big win for him.",
        "Voters love him.",
        "He handled the crisis well.",
    ),
    "negative": (
        "He was accused of corruption.",
        "Critics condemned him for the failure.",
        "He faced harsh criticism.",
        "He lied to the public.",
        "He was blamed for the disaster.",
        "He is under investigation for fraud.",
        "The scandal embarrassed him.",
        "He made a terrible mistake.",
        "Protesters attacked his racist remarks.",
        "He was fired in disgrace.",
    ),
    "neutral": (
        "He said on Tuesday that the meeting will take place.",
        "He met officials in Washington.",
        "He will travel to the summit next week.",
        "He told reporters about the plan.",
        "According to him, the vote is scheduled for May.",
        "He spoke at the conference.",
        "He announced the new policy.",
        "The report was released by his office.",
        "He was asked about the budget.",
        "He is expected to attend.",
    ),
}


@lru_cache(maxsize=1)
def examples_for() -> dict[str, tuple[str, ...]]:
    """The example sentences per polarity (positive, negative, neutral)."""
    return EXAMPLES

"""A lexicon view of the words around a mention (VADER), independent of the encoder."""

from __future__ import annotations

import math
import re
from functools import lru_cache

WINDOW_WORDS = 10


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def mention_window(sentence: str, start: int, end: int, words: int = WINDOW_WORDS) -> str:
    """The mention with up to `words` words on each side."""
    left = sentence[:start].split()[-words:]
    right = sentence[end:].split()[:words]
    return " ".join([*left, sentence[start:end], *right])


def text_polarity(text: str) -> float:
    """VADER's compound score of a text, from -1 (negative) to 1 (positive); 0 when empty."""
    return _analyzer().polarity_scores(text)["compound"] if text.strip() else 0.0


def window_polarity(sentence: str, start: int, end: int) -> float:
    """VADER's compound score of the words around the mention."""
    return text_polarity(mention_window(sentence, start, end))


# Distance-weighted lexicon score: every VADER word of the sentence counts, less the further
# it is from the mention, so the words about this actor outweigh those about another one.
DECAY_WORDS = 8.0  # weight e^(-d/8) for a word d words away from the mention
SATURATION = 3.0  # tanh(sum / 3): a few strong words are enough for a clear score
NEGATION_REACH = 3  # a negation flips the valence of a word up to three words after it
NEGATION_FACTOR = -0.74  # VADER's own factor for a negated word
_NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "cannot", "n't"})
_WORD = re.compile(r"[\w'’-]+")


def _negated(before: list[str]) -> bool:
    return any(word in _NEGATIONS or word.endswith(("n't", "n’t")) for word in before)


def weighted_polarity(sentence: str, start: int, end: int) -> float:
    """From -1 to 1: VADER word valences around the mention, weighted by their distance."""
    valences = _analyzer().lexicon
    left = [m.group().lower() for m in _WORD.finditer(sentence[:start])]
    right = [m.group().lower() for m in _WORD.finditer(sentence[end:])]
    total = 0.0
    for distance, word in enumerate(reversed(left)):
        valence = valences.get(word)
        if valence is not None:
            position = len(left) - 1 - distance
            if _negated(left[max(0, position - NEGATION_REACH) : position]):
                valence *= NEGATION_FACTOR
            total += valence * math.exp(-distance / DECAY_WORDS)
    for distance, word in enumerate(right):
        valence = valences.get(word)
        if valence is not None:
            if _negated(right[max(0, distance - NEGATION_REACH) : distance]):
                valence *= NEGATION_FACTOR
            total += valence * math.exp(-distance / DECAY_WORDS)
    return math.tanh(total / SATURATION)

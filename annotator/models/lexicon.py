"""A lexicon view of the words around a mention (VADER), independent of the encoder."""

from __future__ import annotations

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


def window_polarity(sentence: str, start: int, end: int) -> float:
    """VADER's compound score (-1 … 1) of the words around the mention."""
    return _analyzer().polarity_scores(mention_window(sentence, start, end))["compound"]

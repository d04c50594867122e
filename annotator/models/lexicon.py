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


def text_polarity(text: str) -> float:
    """VADER's compound score of a text, from -1 (negative) to 1 (positive); 0 when empty."""
    return _analyzer().polarity_scores(text)["compound"] if text.strip() else 0.0


def window_polarity(sentence: str, start: int, end: int) -> float:
    """VADER's compound score of the words around the mention."""
    return text_polarity(mention_window(sentence, start, end))

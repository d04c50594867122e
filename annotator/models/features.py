"""Frozen features of a (sentence, mention) pair for linear models trained on gold labels.

Built from one encoder pass per sentence (the embedding backend's token vectors): the
mention's own tokens, the context before and after it (distance-weighted, so "Critics
attacked X" and "X attacked critics" differ), the whole sentence, and lexicon scores of
the words on each side and of the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import Pair
from .embedding import DECAY_TOKENS, EmbeddingModel, mention_tokens
from .lexicon import WINDOW_WORDS, text_polarity

FEATURE_VERSION = "f1"


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def _side(states: np.ndarray, positions: np.ndarray, anchor: int, before: bool) -> np.ndarray:
    """Distance-weighted mean of the tokens on one side of the mention."""
    distance = (anchor - positions) if before else (positions - anchor)
    weights = np.where(distance > 0, np.exp(-distance / DECAY_TOKENS), 0.0)
    return _unit(weights @ states) if weights.any() else np.zeros(states.shape[1])


def one_pair(states: np.ndarray, offsets: np.ndarray, pair: Pair) -> np.ndarray:
    positions = np.arange(len(offsets))
    first, last = mention_tokens(offsets, pair.start, pair.end)
    sentence = pair.sentence
    left = " ".join(sentence[: pair.start].split()[-WINDOW_WORDS:])
    right = " ".join(sentence[pair.end :].split()[:WINDOW_WORDS])
    return np.concatenate(
        [
            _unit(states[first : last + 1].mean(axis=0)),
            _side(states, positions, first, before=True),
            _side(states, positions, last, before=False),
            _unit(states.mean(axis=0)),
            [text_polarity(left), text_polarity(right), text_polarity(sentence)],
        ]
    )


def pair_features(encoder: EmbeddingModel, pairs: Sequence[Pair], batch_size: int = 64):
    """A (pairs × features) matrix; each distinct sentence is encoded once."""
    sentences = list(dict.fromkeys(pair.sentence for pair in pairs))
    states = dict(zip(sentences, encoder.token_states(sentences, batch_size)))
    return np.stack([one_pair(*states[pair.sentence], pair) for pair in pairs])

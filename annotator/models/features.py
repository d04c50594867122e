"""Frozen features of a (sentence, mention) pair for linear models trained on gold labels.

Built from one encoder pass per sentence (the embedding backend's token vectors): the
mention's own tokens, the context before and after it (distance-weighted, so "Critics
attacked X" and "X attacked critics" differ), the whole sentence, and lexicon scores of
the words on each side and of the sentence (version `f1`).

Version `f2` adds the offline default's own zero-shot scores (log-probabilities of positive,
negative and neutral, from the same token states): with a few hundred labels the regression
starts from what the zero-shot model knows instead of from nothing (on NewsMTSC, 100 labels:
macro-F1 0.567 → 0.621; 300: 0.620 → 0.646; 3,000: 0.698 → 0.703).

Version `f3` adds the mention and its two sides read once more from the encoder's third layer
(same pass): the last layer of a sentence encoder is tuned to what a sentence is about and blurs
who is praised or blamed, which the middle layers still tell apart (300 labels: 0.645 → 0.654;
1,000: 0.672 → 0.692; 3,000: 0.697 → 0.712).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.schemes import get_scheme

from .base import Pair
from .embedding import DECAY_TOKENS, EmbeddingModel, mention_tokens
from .lexicon import WINDOW_WORDS, text_polarity

FEATURE_VERSION = "f3"  # what new models are trained on; older models keep theirs
PRIOR_SCHEME = "sentiment"  # the zero-shot scores' columns: positive, negative, neutral
MIDDLE_LAYER = 3  # of the encoder's six; f3 reads the mention's context there too
VERSIONS = ("f1", "f2", "f3")


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def _side(states: np.ndarray, positions: np.ndarray, anchor: int, before: bool) -> np.ndarray:
    """Distance-weighted mean of the tokens on one side of the mention."""
    distance = (anchor - positions) if before else (positions - anchor)
    weights = np.where(distance > 0, np.exp(-distance / DECAY_TOKENS), 0.0)
    return _unit(weights @ states) if weights.any() else np.zeros(states.shape[1])


def _around(states: np.ndarray, positions: np.ndarray, first: int, last: int) -> list:
    """The mention's own tokens and the distance-weighted context on each side."""
    return [
        _unit(states[first : last + 1].mean(axis=0)),
        _side(states, positions, first, before=True),
        _side(states, positions, last, before=False),
    ]


def one_pair(states: np.ndarray, offsets: np.ndarray, pair: Pair) -> np.ndarray:
    positions = np.arange(len(offsets))
    first, last = mention_tokens(offsets, pair.start, pair.end)
    sentence = pair.sentence
    left = " ".join(sentence[: pair.start].split()[-WINDOW_WORDS:])
    right = " ".join(sentence[pair.end :].split()[:WINDOW_WORDS])
    return np.concatenate(
        [
            *_around(states, positions, first, last),
            _unit(states.mean(axis=0)),
            [text_polarity(left), text_polarity(right), text_polarity(sentence)],
        ]
    )


def pair_features(
    encoder: EmbeddingModel,
    pairs: Sequence[Pair],
    batch_size: int = 64,
    version: str = FEATURE_VERSION,
):
    """A (pairs × features) matrix of the given version; each distinct sentence is encoded
    once."""
    if version not in VERSIONS:
        raise ValueError(f"unknown feature version {version!r}")
    middle = MIDDLE_LAYER if version == "f3" else None
    states = encoder.sentence_states(pairs, batch_size, middle)
    own = np.stack([one_pair(*states[pair.sentence][:2], pair) for pair in pairs])
    if version == "f1":
        return own
    prior = encoder.probabilities(pairs, get_scheme(PRIOR_SCHEME), states)
    columns = [own, np.log(np.clip(prior, 1e-6, 1.0))]
    if version == "f3":
        columns.append(np.stack([_middle(states[pair.sentence], pair) for pair in pairs]))
    return np.hstack(columns)


def without_prior(sentence_states: tuple, pair: Pair) -> np.ndarray:
    """`f3`'s columns less the zero-shot scores, from one sentence's states (with the middle
    layer): what the synthetic head reads (`synthetic`), whose scores are added to them."""
    return np.concatenate([one_pair(*sentence_states[:2], pair), _middle(sentence_states, pair)])


def _middle(sentence_states: tuple, pair: Pair) -> np.ndarray:
    _, offsets, middle = sentence_states
    first, last = mention_tokens(offsets, pair.start, pair.end)
    return np.concatenate(_around(middle, np.arange(len(offsets)), first, last))

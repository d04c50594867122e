"""The model interface: (sentence, mention span) pairs in, one prediction per pair out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.schemes import Scheme


@dataclass(frozen=True)
class Pair:
    """A sentence and the span of one actor mention in it (end exclusive)."""

    sentence: str
    start: int
    end: int
    actor: str = ""

    def __post_init__(self):
        if not 0 <= self.start < self.end <= len(self.sentence):
            raise ValueError(f"span {self.start}:{self.end} is outside the sentence")

    @property
    def mention(self) -> str:
        return self.sentence[self.start : self.end]

    @property
    def name(self) -> str:
        """How hypotheses refer to the actor: the mention as written, without a possessive."""
        text = self.mention.strip()
        for suffix in ("'s", "’s", "'", "’"):
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)]
        return text


@dataclass(frozen=True)
class Prediction:
    """A label, its score, and the score of every label of the scheme (they sum to 1)."""

    label: str
    score: float
    scores: dict[str, float]


def predictions_from_scores(matrix: np.ndarray, labels: Sequence[str]) -> list[Prediction]:
    """Turn a (pairs × labels) matrix of probabilities into Predictions."""
    result = []
    for row in matrix:
        best = int(np.argmax(row))
        scores = {label: round(float(p), 6) for label, p in zip(labels, row)}
        result.append(Prediction(labels[best], scores[labels[best]], scores))
    return result


def quiet_loading() -> None:
    """Loading bars from transformers would interleave with our own progress output."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=axis, keepdims=True)


class StanceModel(ABC):
    """A loaded zero-shot model. Construction is cheap; weights load on first use."""

    #: the string stored with every prediction, e.g. "embedding:all-MiniLM-L6-v2"
    spec: str
    #: bumped when the method changes, so stored predictions are recomputed
    method_version: str = "1"

    def template_version(self, scheme: Scheme) -> str:
        """Identifies the method and hypotheses that produced a prediction."""
        return f"{self.method_version}-{scheme.template_version}"

    def trained_on(self) -> frozenset[str]:
        """The span keys of the examples the model learned from (none for zero-shot), so
        that it is never scored on them."""
        return frozenset()

    def warm_up(self) -> None:  # noqa: B027  (optional hook; lazy models need nothing)
        """Load the weights now rather than inside the first `predict` call."""

    @abstractmethod
    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        """One prediction per pair, in order."""
